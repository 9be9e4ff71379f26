terraform {
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

# The credential comes from the environment: ALIEN_TOKEN (an organization key), or
# ALIEN_CLIENT_ID and ALIEN_CLIENT_SECRET (an OAuth client). ALIEN_ENDPOINT selects another
# endpoint, such as a local alien-local (http://127.0.0.1:8080).
provider "alien" {}

# Or set everything in the block; the block wins over the environment.
provider "alien" {
  alias           = "ci"
  endpoint        = "https://api.alien.club"
  client_id       = var.alien_client_id
  client_secret   = var.alien_client_secret
  max_retries     = 8
  request_timeout = "90s"
  retry_wait_max  = "1m"
}

variable "alien_client_id" {
  type = string
}

variable "alien_client_secret" {
  type      = string
  sensitive = true
}
