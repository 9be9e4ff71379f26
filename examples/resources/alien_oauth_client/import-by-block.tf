# Adopt a client created outside Terraform. Its secret cannot be read back: client_secret stays
# null, so whoever uses the client keeps the secret they were given.
import {
  to = alien_oauth_client.reporting
  id = "oc_abcdefghijklmnop"
}

resource "alien_oauth_client" "reporting" {
  name = "Reporting tool"
}
