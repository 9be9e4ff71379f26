# Adopt an existing service account (by id or email). For one that was deactivated, for example
# by an earlier destroy, set active = true to reactivate it: no revoked token comes back.
import {
  to = alien_service_account.ingestion
  id = "sa_abcdefghijklmnop"
}

resource "alien_service_account" "ingestion" {
  email       = "pipeline-bot@yourcompany.com"
  description = "Nightly ingestion pipeline"
  active      = true
}
