# Bring an invitation sent from the platform under code (Terraform 1.5 and later).
import {
  to = alien_invitation.jane
  id = "inv_abcdefghijklmnop"
}

resource "alien_invitation" "jane" {
  email = "jane.doe@example.com"
  role  = "viewer"
}
