# Adopt an existing managed user (by id or email). For one that was deactivated, for example by
# an earlier destroy, set active = true: they log in again with their existing password.
import {
  to = alien_managed_user.jane
  id = "jane.doe@yourcompany.com"
}

resource "alien_managed_user" "jane" {
  email      = "jane.doe@yourcompany.com"
  first_name = "Jane"
  last_name  = "Doe"
  active     = true
}
