# Every managed user, deactivated ones included, sorted by email.
data "alien_managed_users" "all" {}

# Active users who never set their password: they may need the reset email again.
data "alien_managed_users" "active" {
  status = "active"
}

output "without_password" {
  value = [for u in data.alien_managed_users.active.managed_users : u.email if !u.password_set]
}
