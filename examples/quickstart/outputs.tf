output "organization" {
  description = "The organization this configuration manages."
  value = {
    id   = data.alien_organization.current.id
    name = data.alien_organization.current.name
    plan = data.alien_organization.current.plan
  }
}

output "credential" {
  description = "The credential Terraform runs with."
  value = {
    kind     = data.alien_current_identity.me.kind
    role     = data.alien_current_identity.me.role
    email    = data.alien_current_identity.me.email
    token_id = data.alien_current_identity.me.token_id
  }
}

output "members" {
  description = "The people this configuration manages: invited until they accept, then active."
  value = {
    for m in [alien_member.writer, alien_member.viewer] : m.email => {
      role       = m.role
      status     = m.status
      expires_at = m.expires_at
    }
  }
}

output "everyone" {
  description = "Everyone in the organization (members and pending invitations), by email."
  value       = { for m in data.alien_members.all.members : m.email => "${m.role} (${m.status})" }
}

output "service_account" {
  description = "The reporting bot's service account."
  value = {
    id     = alien_service_account.reporting.id
    email  = alien_service_account.reporting.email
    status = alien_service_account.reporting.status
  }
}

output "reader_token_details" {
  description = "The bot's read-only token, without its value (see reader_token)."
  value = {
    id         = alien_api_token.reader.id
    kind       = alien_api_token.reader.kind
    scope      = alien_api_token.reader.scope
    expires_at = alien_api_token.reader.expires_at
  }
}

# Secrets are shown only by `terraform output -raw <name>`: pipe them to their consumer.
output "reader_token" {
  description = "The bot's read-only API token (oat_...)."
  value       = alien_api_token.reader.token
  sensitive   = true
}

output "oauth_client_id" {
  description = "The dashboard's OAuth client ID: it names the client, and is not a secret."
  value       = alien_oauth_client.dashboard.client_id
}

output "oauth_client_secret" {
  description = "The dashboard's OAuth client secret."
  value       = alien_oauth_client.dashboard.client_secret
  sensitive   = true
}
