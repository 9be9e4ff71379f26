# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the invitation's id.
import {
  to = alien_invitation.jane
  identity = {
    id = "inv_abcdefghijklmnop"
  }
}

resource "alien_invitation" "jane" {
  email = "jane.doe@example.com"
  role  = "viewer"
}
