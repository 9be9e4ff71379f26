# An organization key for a CI pipeline: full access to the organization. It lives 90 days; with
# rotate_before, the first `terraform apply` in its last 30 days replaces it, and
# create_before_destroy makes the new key exist before the old one is revoked.
resource "alien_api_token" "ci" {
  name          = "CI Pipeline"
  expires_in    = "90d"
  rotate_before = "30d"

  lifecycle {
    create_before_destroy = true
  }
}

# A read-only token for a partner's integration, held by a service account (Enterprise plan).
resource "alien_service_account" "acme" {
  email       = "acme-integration@yourcompany.com"
  description = "Acme's document search"
}

resource "alien_api_token" "acme" {
  name               = "Acme Production Token"
  service_account_id = alien_service_account.acme.id
  scope              = "read"
  expires_in         = "1y"

  # A rotation on your own schedule: change the value (here, at each contract renewal) and the
  # next apply issues a new token.
  keepers = {
    contract = "2025"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The value is sensitive: hand it to its consumer through a secret store, or an output marked
# sensitive (`terraform output -raw acme_token`).
output "acme_token" {
  value     = alien_api_token.acme.token
  sensitive = true
}
