# Exchange an OAuth client's credentials for a one-hour access token. It is never written to the
# plan or the state, and nothing is created on the platform.
ephemeral "alien_access_token" "reporting" {
  client_id     = var.reporting_client_id
  client_secret = var.reporting_client_secret
}

# Use it where ephemeral values are accepted, such as a provider block: here, a second
# configuration of this provider that acts as the reporting client.
provider "alien" {
  alias = "reporting"
  token = ephemeral.alien_access_token.reporting.access_token
}

data "alien_current_identity" "reporting" {
  provider = alien.reporting
}

variable "reporting_client_id" {
  type = string
}

variable "reporting_client_secret" {
  type      = string
  sensitive = true
}
