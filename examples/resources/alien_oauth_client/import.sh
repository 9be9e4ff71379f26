# An OAuth client is imported by its id (oc_..., not its client_id). Its secret cannot be read
# back: client_secret stays null.
terraform import alien_oauth_client.reporting oc_abcdefghijklmnop
