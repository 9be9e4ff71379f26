# Every OAuth client of the organization, oldest first. Never their secrets.
data "alien_oauth_clients" "all" {}

# Only the disabled ones.
data "alien_oauth_clients" "disabled" {
  enabled = false
}

output "oauth_clients" {
  value = { for c in data.alien_oauth_clients.all.clients : c.name => c.enabled ? "enabled" : "disabled" }
}
