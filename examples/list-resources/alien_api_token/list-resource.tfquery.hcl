# Every active token (revoked and expired ones are left out unless asked for).
list "alien_api_token" "active" {
  provider = alien
  limit    = 10000
}

# The tokens of one service account that nobody used in 2025.
list "alien_api_token" "stale" {
  provider = alien

  config {
    service_account_id = "sa_abcdefghijklmnop"
    not_used_since     = "2025-01-01T00:00:00Z"
  }
}

# Revoked tokens, to review (they cannot be adopted).
list "alien_api_token" "revoked" {
  provider = alien

  config {
    status = "revoked"
  }
}
