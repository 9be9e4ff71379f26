# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the token's id.
import {
  to = alien_api_token.ci
  identity = {
    id = "tok_abcdefghijklmnop"
  }
}

resource "alien_api_token" "ci" {
  name       = "CI Pipeline"
  expires_in = "90d"
}
