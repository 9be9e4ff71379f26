# Every API token of the organization, of every status, oldest first. Never their values.
data "alien_api_tokens" "all" {}

# The auditor's question: which tokens still work but were not used in 90 days (or never)?
data "alien_api_tokens" "stale" {
  status         = "active"
  not_used_since = timeadd(plantimestamp(), "-2160h")
}

output "stale_tokens" {
  value = [for t in data.alien_api_tokens.stale.tokens : "${t.name} (${t.id}): last used ${coalesce(t.last_used_at, "never")}"]
}

# The tokens of one service account, and those that have expired.
data "alien_api_tokens" "acme" {
  service_account_id = "sa_abcdefghijklmnop"
}

data "alien_api_tokens" "expired" {
  expired = true
}
