# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the managed user's id.
import {
  to = alien_managed_user.jane
  identity = {
    id = "mu_abcdefghijklmnop"
  }
}

resource "alien_managed_user" "jane" {
  email      = "jane.doe@yourcompany.com"
  first_name = "Jane"
  last_name  = "Doe"
}
