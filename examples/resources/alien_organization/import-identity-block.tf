# Import by identity (Terraform 1.12 and later, OpenTofu 1.12): the organization's id.
import {
  to = alien_organization.current
  identity = {
    id = "org_abcdefghijklmnop"
  }
}

resource "alien_organization" "current" {
  name = "Acme Corporation"
}
