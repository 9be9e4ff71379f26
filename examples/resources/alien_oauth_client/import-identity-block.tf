# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the client's id (not its client_id).
import {
  to = alien_oauth_client.reporting
  identity = {
    id = "oc_abcdefghijklmnop"
  }
}

resource "alien_oauth_client" "reporting" {
  name = "Reporting tool"
}
