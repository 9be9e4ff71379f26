# Every managed user, deactivated (locked) ones included.
list "alien_managed_user" "all" {
  provider = alien
  limit    = 10000
}

# One user, by email.
list "alien_managed_user" "ada" {
  provider         = alien
  include_resource = true

  config {
    email = "ada@example.com"
  }
}
