# The provider credential's own organization.
data "alien_organization" "current" {}

output "plan" {
  value = data.alien_organization.current.plan
}

# Another organization, where the user behind the credential is an Owner.
data "alien_organization" "subsidiary" {
  id = "org_abcdefghijklmnop"
}
