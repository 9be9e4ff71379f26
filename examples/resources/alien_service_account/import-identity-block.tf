# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the service account's id.
import {
  to = alien_service_account.ingestion
  identity = {
    id = "sa_abcdefghijklmnop"
  }
}

resource "alien_service_account" "ingestion" {
  email       = "pipeline-bot@yourcompany.com"
  description = "Nightly ingestion pipeline"
}
