# An invitation is imported by its id; a revoked one cannot be imported.
terraform import alien_invitation.jane inv_abcdefghijklmnop
