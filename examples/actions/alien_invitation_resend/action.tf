resource "alien_member" "jane" {
  email = "jane.doe@yourcompany.com"
  role  = "writer"
}

# Jane's invitation went to spam. Send it again now, with a new link valid for 7 days (the old
# link stops working); alien_member.jane shows no change at the next plan:
#
#   terraform apply -invoke=action.alien_invitation_resend.jane
action "alien_invitation_resend" "jane" {
  config {
    email = alien_member.jane.email
  }
}

# An invitation that this configuration does not manage, named by its id.
action "alien_invitation_resend" "partner" {
  config {
    invitation_id = "inv_abcdefghijklmnop"
  }
}
