# Adopt a token issued outside Terraform. Its value cannot be read back (token stays null), and
# keepers or rotate_before set here are recorded without replacing it.
import {
  to = alien_api_token.ci
  id = "tok_abcdefghijklmnop"
}

resource "alien_api_token" "ci" {
  name          = "CI Pipeline"
  expires_in    = "90d"
  rotate_before = "30d"

  lifecycle {
    create_before_destroy = true
  }
}
