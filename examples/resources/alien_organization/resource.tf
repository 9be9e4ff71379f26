# A new organization. The user behind the provider's credential becomes its Owner, and the API
# answers, once, a bootstrap API token of the new organization.
resource "alien_organization" "research" {
  name = "Research"
}

# A second provider block manages what is inside the new organization with that token. The token
# is known only after apply: the first plan still works, and the provider calls the API with it
# once the organization exists.
provider "alien" {
  alias = "research"
  token = alien_organization.research.bootstrap_token
}

resource "alien_member" "research_lead" {
  provider = alien.research
  email    = "lead@example.com"
  role     = "owner"
}
