# Bring the current organization's name under code (Terraform 1.5 and later).
import {
  to = alien_organization.current
  id = "org_abcdefghijklmnop"
}

resource "alien_organization" "current" {
  name = "Acme Corporation"
}
