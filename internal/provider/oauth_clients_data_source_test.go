package provider

import (
	"context"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// In an organization of the test's own: one enabled client, one disabled.
func TestAccOAuthClientsDataSource_basic(t *testing.T) {
	// Parallel before the setup, which would otherwise run among the sequential tests (one of
	// them may move the clock and expire what it created).
	t.Parallel()
	org := testAccNewOrganization(t)
	on := testAccCreateOAuthClient(t, org.Client, "on")
	off := testAccCreateOAuthClient(t, org.Client, "off")
	if _, err := org.Client.OAuthClients.Update(context.Background(), off.ID, client.OAuthClientUpdateOptions{Enabled: new(false)}); err != nil {
		t.Fatalf("disabling %s: %v", off.ID, err)
	}
	item := func(c *client.OAuthClientCreated, enabled bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":         knownvalue.StringExact(c.ID),
			"name":       knownvalue.StringExact(c.Name),
			"client_id":  knownvalue.StringExact(c.ClientID),
			"enabled":    knownvalue.Bool(enabled),
			"created_at": knownvalue.StringExact(timeValue(c.CreatedAt).ValueString()),
		})
	}

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []acc.TestStep{{
			Config: testAccProviderBlock(org.Token) + `
data "alien_oauth_clients" "all" {}

data "alien_oauth_clients" "enabled" {
  enabled = true
}

data "alien_oauth_clients" "disabled" {
  enabled = false
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.alien_oauth_clients.all", tfjsonpath.New("clients"),
					knownvalue.ListExact([]knownvalue.Check{item(on, true), item(off, false)})),
				statecheck.ExpectKnownValue("data.alien_oauth_clients.enabled", tfjsonpath.New("clients"),
					knownvalue.ListExact([]knownvalue.Check{item(on, true)})),
				statecheck.ExpectKnownValue("data.alien_oauth_clients.disabled", tfjsonpath.New("clients"),
					knownvalue.ListExact([]knownvalue.Check{item(off, false)})),
			},
		}},
	})
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*oauthClientsDataSource) testModel() any { return &oauthClientsModel{} }
