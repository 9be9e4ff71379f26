# The quickstart that `make demo` applies against a fresh alien-local. The provider reads
# ALIEN_ENDPOINT and ALIEN_TOKEN from the environment (the demo sets them from what alien-local
# prints when it creates its database).

terraform {
  required_version = ">= 1.5"
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

provider "alien" {}

# Who the credential is, and the organization it manages.
data "alien_current_identity" "me" {}

data "alien_organization" "current" {}

# Two people, invited by email. Each gets an invitation email (alien-local keeps it in its outbox,
# GET /_local/outbox); once they accept, `status` becomes "active" on the next refresh, with no
# change to plan.
resource "alien_member" "writer" {
  email = "data.engineer@example.com"
  role  = "writer"
}

resource "alien_member" "viewer" {
  email = "auditor@example.com"
  role  = "viewer"
}

# Everyone in the organization: the owner, and the two people invited above.
data "alien_members" "all" {
  depends_on = [alien_member.writer, alien_member.viewer]
}

# A machine identity for a reporting bot. A service account (Enterprise plan, which alien-local's
# organization is on) cannot log in: it acts only through the tokens it holds.
resource "alien_service_account" "reporting" {
  email       = "reporting-bot@example.com" # an identifier; need not be a real mailbox
  description = "Weekly reporting: reads datasets"
}

# Its token, read-only: it may read datasets, never create them. It lives 90 days; the first apply
# in its last 30 days replaces it, and create_before_destroy issues the new token before the old
# one is revoked.
resource "alien_api_token" "reader" {
  name               = "Reporting bot (read-only)"
  service_account_id = alien_service_account.reporting.id
  scope              = "read"
  expires_in         = "90d"
  rotate_before      = "30d"

  lifecycle {
    create_before_destroy = true
  }
}

# An OAuth client for a reporting dashboard: it exchanges its client ID and secret for one-hour
# access tokens (client-credentials grant), which act like an organization key.
resource "alien_oauth_client" "dashboard" {
  name = "Reporting dashboard"
}
