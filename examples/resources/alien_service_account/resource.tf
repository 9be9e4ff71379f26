# A service account for a pipeline. The email identifies it; it need not be a real mailbox.
resource "alien_service_account" "ingestion" {
  email       = "pipeline-bot@yourcompany.com"
  description = "Nightly ingestion pipeline"
}

# Its read-only API token (see alien_api_token).
resource "alien_api_token" "ingestion" {
  name               = "Nightly ingestion"
  service_account_id = alien_service_account.ingestion.id
  scope              = "read"
  expires_in         = "90d"
}

# A retired integration: deactivated (locked, every token revoked), kept for audit.
resource "alien_service_account" "legacy_export" {
  email       = "legacy-export@yourcompany.com"
  description = "Replaced by the ingestion pipeline"
  active      = false
}
