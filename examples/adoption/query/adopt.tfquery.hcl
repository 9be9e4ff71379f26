# Everything an organization holds, for `terraform query -generate-config-out=generated.tf`
# (Terraform 1.14 and later). Terraform lists at most 100 results per list block unless `limit`
# says otherwise.
list "alien_member" "people" {
  provider = alien
  limit    = 10000
}

list "alien_service_account" "robots" {
  provider = alien
  limit    = 10000
}

list "alien_managed_user" "users" {
  provider = alien
  limit    = 10000
}

# Active tokens only: revoked and expired ones cannot be adopted.
list "alien_api_token" "tokens" {
  provider = alien
  limit    = 10000
}

list "alien_oauth_client" "clients" {
  provider = alien
  limit    = 10000
}
