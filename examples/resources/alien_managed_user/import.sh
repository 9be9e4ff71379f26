# A managed user is imported by its id, or by its email.
terraform import alien_managed_user.jane mu_abcdefghijklmnop
terraform import alien_managed_user.jane jane.doe@yourcompany.com
