# One invitation object. After Jane accepts, it stays in state as "accepted"; her membership is
# then managed (if at all) by an alien_member for the same email, never by both at once.
resource "alien_invitation" "jane" {
  email = "jane.doe@example.com"
  role  = "viewer"
}

output "jane_invitation" {
  value = {
    status     = alien_invitation.jane.status
    expires_at = alien_invitation.jane.expires_at
    member_id  = alien_invitation.jane.member_id
  }
}
