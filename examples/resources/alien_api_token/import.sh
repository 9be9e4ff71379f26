# An API token is imported by its id. Its value cannot be read back: token stays null.
terraform import alien_api_token.ci tok_abcdefghijklmnop
