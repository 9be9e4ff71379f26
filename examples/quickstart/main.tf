# The quickstart that `make demo` applies against a fresh alien-local. The provider reads
# ALIEN_ENDPOINT and ALIEN_TOKEN from the environment (the demo sets them from what alien-local
# prints when it creates its database).

terraform {
  required_version = ">= 1.5"
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

provider "alien" {}

# Who the credential is, and the organization it manages.
data "alien_current_identity" "me" {}

data "alien_organization" "current" {}

# Two people, invited by email. Each gets an invitation email (alien-local keeps it in its outbox,
# GET /_local/outbox); once they accept, `status` becomes "active" on the next refresh, with no
# change to plan.
resource "alien_member" "writer" {
  email = "data.engineer@example.com"
  role  = "writer"
}

resource "alien_member" "viewer" {
  email = "auditor@example.com"
  role  = "viewer"
}

# Everyone in the organization: the owner, and the two people invited above.
data "alien_members" "all" {
  depends_on = [alien_member.writer, alien_member.viewer]
}
