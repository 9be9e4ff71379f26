data "alien_current_identity" "me" {}

# Stop early when a pipeline runs with the wrong kind of credential.
check "credential" {
  assert {
    condition     = data.alien_current_identity.me.role == "owner"
    error_message = "This configuration needs an organization key or an OAuth client, not a ${data.alien_current_identity.me.kind}."
  }
}

output "organization_id" {
  value = data.alien_current_identity.me.organization_id
}
