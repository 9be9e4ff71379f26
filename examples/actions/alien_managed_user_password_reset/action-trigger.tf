# The declarative way: every in-place update of the user (a corrected name, a reactivation with
# active = true) sends a fresh password-reset email after the update, in the same apply. The plan
# says so: "Actions: 1 to invoke". Creation sends the first email by itself.
resource "alien_managed_user" "contractor" {
  email      = "sam.contractor@partner.example"
  first_name = "Sam"
  last_name  = "Contractor"
  active     = true

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.alien_managed_user_password_reset.contractor]
    }
  }
}

action "alien_managed_user_password_reset" "contractor" {
  config {
    managed_user_id = alien_managed_user.contractor.id
  }
}
