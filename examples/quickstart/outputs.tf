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

output "members" {
  description = "The people this configuration manages: invited until they accept, then active."
  value = {
    for m in [alien_member.writer, alien_member.viewer] : m.email => {
      role       = m.role
      status     = m.status
      expires_at = m.expires_at
    }
  }
}

output "everyone" {
  description = "Everyone in the organization (members and pending invitations), by email."
  value       = { for m in data.alien_members.all.members : m.email => "${m.role} (${m.status})" }
}
