# One person: invited now, active once they accept the emailed invitation.
resource "alien_member" "jane" {
  email = "jane.doe@example.com"
  role  = "writer"
}

# A team, from a map of email => role.
locals {
  team = {
    "ops-lead@example.com" = "owner"
    "analyst@example.com"  = "viewer"
  }
}

resource "alien_member" "team" {
  for_each = local.team

  email = each.key
  role  = each.value
}

output "jane_status" {
  description = "invited, active or expired."
  value       = alien_member.jane.status
}
