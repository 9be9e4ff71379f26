package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestAccListResources_query runs `terraform query` (Terraform 1.14 and later) on an organization
// of the test's own: a member created by Terraform, and a managed user, a service account, its
// token and an OAuth client created outside it. The list blocks find them by identity, with their
// display names, filters and, with include_resource, their attributes.
func TestAccListResources_query(t *testing.T) {
	testAccPreCheck(t)
	testAccRequireCLI(t, "list resources (terraform query, Terraform 1.14 and later)",
		testAccCLIHasQuery)
	t.Parallel()
	ctx := context.Background()
	org := testAccEnterpriseOrganization(t)
	c := org.Client
	sa, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: testAccRandomEmail("query-bot"), Description: "Found by query"})
	if err != nil {
		t.Fatal(err)
	}
	read := client.ScopeRead
	tok, err := c.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "query token", ExpiresIn: client.Expiry90d, ServiceAccountID: &sa.ID, Scope: &read})
	if err != nil {
		t.Fatal(err)
	}
	mu, err := c.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{Email: testAccRandomEmail("query-user"), FirstName: "Grace", LastName: "Hopper"})
	if err != nil {
		t.Fatal(err)
	}
	disabled := testAccCreateOAuthClient(t, c, "query-disabled")
	if _, err := c.OAuthClients.Update(ctx, disabled.ID, client.OAuthClientUpdateOptions{Enabled: new(false)}); err != nil {
		t.Fatal(err)
	}
	enabled := testAccCreateOAuthClient(t, c, "query-enabled")
	email := "Query." + strings.TrimPrefix(testAccRandomEmail("person"), "person")
	provider := testAccProviderBlock(org.Token)
	id := func(v string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(v)}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + fmt.Sprintf(`
resource "alien_member" "person" {
  email = %q
  role  = "writer"
}
`, email),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("alien_member.person", map[string]knownvalue.Check{
						"email": knownvalue.StringExact(strings.ToLower(email)),
					}),
				},
			},
			{
				// The provider block is the previous step's: the query runs in the same directory.
				Query: true,
				Config: `
list "alien_member" "everyone" {
  provider = alien
}

list "alien_member" "writers" {
  provider         = alien
  include_resource = true
  config {
    role   = "writer"
    status = "invited"
  }
}

list "alien_service_account" "robots" {
  provider         = alien
  include_resource = true
}

list "alien_managed_user" "users" {
  provider = alien
  config {
    status = "active"
  }
}

list "alien_api_token" "robot_tokens" {
  provider = alien
  config {
    kind = "service_account_token"
  }
}

list "alien_oauth_client" "disabled" {
  provider = alien
  config {
    enabled = false
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					// The owner and the person Terraform invited.
					querycheck.ExpectLength("alien_member.everyone", 2),
					querycheck.ExpectIdentity("alien_member.everyone", map[string]knownvalue.Check{
						"email": knownvalue.StringExact(strings.ToLower(email)),
					}),
					querycheck.ExpectLength("alien_member.writers", 1),
					querycheck.ExpectResourceDisplayName("alien_member.writers",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"email": knownvalue.StringExact(strings.ToLower(email))}),
						knownvalue.StringExact(email)),
					querycheck.ExpectResourceKnownValues("alien_member.writers",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"email": knownvalue.StringExact(strings.ToLower(email))}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("email"), KnownValue: knownvalue.StringExact(email)},
							{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("invited")},
							{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("writer")},
						}),
					querycheck.ExpectLength("alien_service_account.robots", 1),
					querycheck.ExpectResourceDisplayName("alien_service_account.robots", queryfilter.ByResourceIdentity(id(sa.ID)),
						knownvalue.StringExact(sa.Email)),
					querycheck.ExpectResourceKnownValues("alien_service_account.robots", queryfilter.ByResourceIdentity(id(sa.ID)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("Found by query")},
							{Path: tfjsonpath.New("active"), KnownValue: knownvalue.Bool(true)},
						}),
					querycheck.ExpectIdentity("alien_managed_user.users", id(mu.ID)),
					querycheck.ExpectResourceDisplayName("alien_managed_user.users", queryfilter.ByResourceIdentity(id(mu.ID)),
						knownvalue.StringExact(mu.Email)),
					// The organization's bootstrap key is not a service-account token.
					querycheck.ExpectLength("alien_api_token.robot_tokens", 1),
					querycheck.ExpectResourceDisplayName("alien_api_token.robot_tokens", queryfilter.ByResourceIdentity(id(tok.ID)),
						knownvalue.StringExact("query token ("+sa.Email+")")),
					querycheck.ExpectLength("alien_oauth_client.disabled", 1),
					querycheck.ExpectIdentity("alien_oauth_client.disabled", id(disabled.ID)),
					querycheck.ExpectNoIdentity("alien_oauth_client.disabled", id(enabled.ID)),
				},
			},
		},
	})
}
