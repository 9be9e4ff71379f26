# An OAuth client for an internal reporting tool.
resource "alien_oauth_client" "reporting" {
  name = "Reporting tool"
}

# A client whose access is revoked for the time being: its credentials and its access tokens are
# refused until enabled is true again.
resource "alien_oauth_client" "vendor_sync" {
  name    = "Vendor sync (paused)"
  enabled = false
}

# The client ID is public; the secret is sensitive and captured once, at creation.
output "reporting_client_id" {
  value = alien_oauth_client.reporting.client_id
}

output "reporting_client_secret" {
  value     = alien_oauth_client.reporting.client_secret
  sensitive = true
}
