# A collaborator who logs in to the platform. Creation sends Jane a password-reset email.
resource "alien_managed_user" "jane" {
  email      = "jane.doe@yourcompany.com"
  first_name = "Jane"
  last_name  = "Doe"

  # Change this value to send the password-reset email again (e.g. Jane lost the first one).
  password_reset_trigger = "2026-01-15"
}

# A contractor whose engagement ended: locked, cannot log in, kept for audit. Setting active back
# to true restores their login with their existing password.
resource "alien_managed_user" "contractor" {
  email      = "sam.contractor@partner.example"
  first_name = "Sam"
  last_name  = "Contractor"
  active     = false
}
