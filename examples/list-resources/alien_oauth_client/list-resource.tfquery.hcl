# Every OAuth client.
list "alien_oauth_client" "all" {
  provider = alien
  limit    = 10000
}

# Only the disabled ones.
list "alien_oauth_client" "disabled" {
  provider = alien

  config {
    enabled = false
  }
}
