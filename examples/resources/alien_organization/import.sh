# An organization is imported by its id: the credential's own, or one where the user behind the
# credential is an Owner. The bootstrap token cannot be read back: it stays null.
terraform import alien_organization.current org_abcdefghijklmnop
