terraform {
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

# The organization is the credential's: ALIEN_ENDPOINT and ALIEN_TOKEN.
provider "alien" {}
