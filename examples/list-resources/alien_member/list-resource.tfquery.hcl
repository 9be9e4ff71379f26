# Every member and pending invitation (Terraform lists 100 results unless limit says otherwise).
list "alien_member" "everyone" {
  provider = alien
  limit    = 10000
}

# The owners, with their attributes.
list "alien_member" "owners" {
  provider         = alien
  include_resource = true

  config {
    role   = "owner"
    status = "active"
  }
}

# Expired invitations: adopting one plans sending it again.
list "alien_member" "expired" {
  provider = alien

  config {
    status = "expired"
  }
}
