# Adopt a whole organization with import blocks that use for_each (Terraform 1.7 and later,
# OpenTofu 1.7 and later): the data sources list what exists, one import block per kind brings
# every object in, and the resource blocks declare each one as it is. The first plan shows every
# object to import and nothing to add, change or destroy.
terraform {
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

# The organization is the credential's: ALIEN_ENDPOINT and ALIEN_TOKEN.
provider "alien" {}

data "alien_members" "all" {}
data "alien_service_accounts" "all" {}
data "alien_managed_users" "all" {}
data "alien_oauth_clients" "all" {}

# Revoked and expired tokens cannot be adopted: they leave the state on refresh.
data "alien_api_tokens" "active" {
  status = "active"
}

locals {
  # Members and pending invitations, by email. Adopting an expired invitation would plan sending it
  # again: leave them out, and invite those people again on purpose if you want them.
  people = {
    for m in data.alien_members.all.members : lower(m.email) => m if m.status != "expired"
  }
  # Locked (deactivated) service accounts and managed users are adopted too, with active = false;
  # filter on status (or set status = "active" in the data source) to leave them out.
  service_accounts = { for sa in data.alien_service_accounts.all.service_accounts : sa.id => sa }
  managed_users    = { for u in data.alien_managed_users.all.managed_users : u.id => u }
  tokens           = { for t in data.alien_api_tokens.active.tokens : t.id => t }
  oauth_clients    = { for c in data.alien_oauth_clients.all.clients : c.id => c }
}

import {
  for_each = local.people
  to       = alien_member.person[each.key]
  id       = each.value.email
}

resource "alien_member" "person" {
  for_each = local.people

  email = each.value.email
  role  = each.value.role
}

import {
  for_each = local.service_accounts
  to       = alien_service_account.adopted[each.key]
  id       = each.key
}

resource "alien_service_account" "adopted" {
  for_each = local.service_accounts

  email       = each.value.email
  description = each.value.description
  active      = each.value.active
}

import {
  for_each = local.managed_users
  to       = alien_managed_user.adopted[each.key]
  id       = each.key
}

resource "alien_managed_user" "adopted" {
  for_each = local.managed_users

  email      = each.value.email
  first_name = each.value.first_name
  last_name  = each.value.last_name
  active     = each.value.active
}

# A token's value is shown once, at creation: an adopted token's `token` stays null. Keep such
# tokens until they expire, or rotate them into Terraform (see the adoption guide).
import {
  for_each = local.tokens
  to       = alien_api_token.adopted[each.key]
  id       = each.key
}

resource "alien_api_token" "adopted" {
  for_each = local.tokens

  name               = each.value.name
  expires_in         = each.value.expires_in
  service_account_id = each.value.service_account_id
  scope              = each.value.scope
}

# The same for OAuth clients: an adopted client's `client_secret` stays null.
import {
  for_each = local.oauth_clients
  to       = alien_oauth_client.adopted[each.key]
  id       = each.key
}

resource "alien_oauth_client" "adopted" {
  for_each = local.oauth_clients

  name    = each.value.name
  enabled = each.value.enabled
}
