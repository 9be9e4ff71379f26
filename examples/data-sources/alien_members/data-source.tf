# Everyone: members (active), pending invitations (invited) and expired ones, sorted by email.
data "alien_members" "all" {}

# Only the owners.
data "alien_members" "owners" {
  role = "owner"
}

# Invitations nobody accepted in time.
data "alien_members" "expired" {
  status = "expired"
}

output "owner_emails" {
  value = data.alien_members.owners.members[*].email
}

output "expired_invitations" {
  value = { for m in data.alien_members.expired.members : m.email => m.expires_at }
}
