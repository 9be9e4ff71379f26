# Bring an existing member under code by email (Terraform 1.5 and later). The first plan shows no
# change when the configuration's role is the member's.
import {
  to = alien_member.jane
  id = "jane.doe@example.com"
}

resource "alien_member" "jane" {
  email = "jane.doe@example.com"
  role  = "writer"
}
