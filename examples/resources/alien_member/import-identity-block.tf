# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the person's email (in any letter
# case; the identity keeps it in lower case), which stays the same from invitation to membership.
import {
  to = alien_member.jane
  identity = {
    email = "jane.doe@example.com"
  }
}

resource "alien_member" "jane" {
  email = "jane.doe@example.com"
  role  = "writer"
}
