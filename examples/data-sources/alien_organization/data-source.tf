# The provider credential's own organization.
data "alien_organization" "current" {}

output "plan" {
  value = data.alien_organization.current.plan
}

# An organization created from the credential's own (with alien_organization, for example), while
# the user behind the credential is an Owner of both.
data "alien_organization" "subsidiary" {
  id = "org_abcdefghijklmnop"
}
