# Every service account, deactivated ones included, sorted by email.
data "alien_service_accounts" "all" {}

# Only the deactivated ones: an auditor's list.
data "alien_service_accounts" "locked" {
  status = "locked"
}

# One service account, by email (compared without regard to case).
data "alien_service_accounts" "pipeline" {
  email = "pipeline-bot@yourcompany.com"
}

output "locked_service_accounts" {
  value = [for sa in data.alien_service_accounts.locked.service_accounts : "${sa.email} (since ${sa.locked_at})"]
}
