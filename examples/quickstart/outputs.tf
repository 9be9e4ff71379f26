output "organization" {
  description = "The organization this configuration manages."
  value = {
    id   = data.alien_organization.current.id
    name = data.alien_organization.current.name
    plan = data.alien_organization.current.plan
  }
}

output "credential" {
  description = "The credential Terraform runs with."
  value = {
    kind     = data.alien_current_identity.me.kind
    role     = data.alien_current_identity.me.role
    email    = data.alien_current_identity.me.email
    token_id = data.alien_current_identity.me.token_id
  }
}
