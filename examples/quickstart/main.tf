# The quickstart that `make demo` applies against a fresh alien-local. The provider reads
# ALIEN_ENDPOINT and ALIEN_TOKEN from the environment (the demo sets them from what alien-local
# prints when it creates its database).

terraform {
  required_version = ">= 1.5"
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

provider "alien" {}

# Who the credential is, and the organization it manages.
data "alien_current_identity" "me" {}

data "alien_organization" "current" {}
