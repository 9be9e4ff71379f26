# Every service account, deactivated (locked) ones included.
list "alien_service_account" "all" {
  provider = alien
  limit    = 10000
}

# Only the active ones.
list "alien_service_account" "active" {
  provider = alien

  config {
    status = "active"
  }
}
