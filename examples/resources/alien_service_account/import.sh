# A service account is imported by its id, or by its email.
terraform import alien_service_account.ingestion sa_abcdefghijklmnop
terraform import alien_service_account.ingestion pipeline-bot@yourcompany.com
