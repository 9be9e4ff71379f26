resource "alien_managed_user" "jane" {
  email      = "jane.doe@yourcompany.com"
  first_name = "Jane"
  last_name  = "Doe"
}

# Jane lost her password-reset email, or forgot her password. Send her a new one now, with no
# change to the configuration:
#
#   terraform apply -invoke=action.alien_managed_user_password_reset.jane
action "alien_managed_user_password_reset" "jane" {
  config {
    managed_user_id = alien_managed_user.jane.id
  }
}

# A managed user that this configuration does not manage, named by email.
action "alien_managed_user_password_reset" "sam" {
  config {
    email = "sam.contractor@partner.example"
  }
}
