package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// Ephemeral resources need Terraform 1.10.
var testAccEphemeralVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}

// testAccEchoAccessToken echoes ephemeral.alien_access_token.test into echo.test's state, the only
// way a test can observe an ephemeral value.
const testAccEchoAccessToken = `
provider "echo" {
  data = ephemeral.alien_access_token.test
}

resource "echo" "test" {}
`

// testAccEchoData checks attribute name of the echoed access token.
func testAccEchoData(name string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(name), check)
}

// testAccListSnapshot is the ids of an organization's API tokens and OAuth clients.
func testAccListSnapshot(t *testing.T, c *client.Client) []string {
	t.Helper()
	ctx := context.Background()
	tokens, err := c.APITokens.List(ctx, client.APITokenListOptions{})
	if err != nil {
		t.Fatalf("listing API tokens: %v", err)
	}
	clients, err := c.OAuthClients.List(ctx)
	if err != nil {
		t.Fatalf("listing OAuth clients: %v", err)
	}
	var ids []string
	for _, tok := range tokens {
		ids = append(ids, tok.ID+" "+string(tok.Status))
	}
	for _, oc := range clients {
		ids = append(ids, fmt.Sprintf("%s %t", oc.ID, oc.Enabled))
	}
	return ids
}

// The access token is obtained, works (also as a provider's token), never lands in state except
// through echo, and obtaining it creates nothing: the organization's token and client lists are
// unchanged.
func TestAccAccessTokenEphemeral_basic(t *testing.T) {
	// Parallel before the setup, which would otherwise run among the sequential tests (one of
	// them may move the clock and expire what it created).
	t.Parallel()
	org := testAccNewOrganization(t)
	oc := testAccCreateOAuthClient(t, org.Client, "ephemeral")
	before := testAccListSnapshot(t, org.Client)
	ephemeralConfig := fmt.Sprintf(`
ephemeral "alien_access_token" "test" {
  client_id     = %q
  client_secret = %q
}
`, oc.ClientID, oc.ClientSecret)

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   testAccEphemeralVersionChecks,
		ProtoV6ProviderFactories: testAccProbeFactories,
		Steps: []acc.TestStep{
			{
				Config: ephemeralConfig + testAccEchoAccessToken,
				ConfigStateChecks: []statecheck.StateCheck{
					testAccEchoData("access_token", knownvalue.StringRegexp(testAccAccessTokenRegexp)),
					testAccEchoData("token_type", knownvalue.StringExact("Bearer")),
					testAccEchoData("expires_in", knownvalue.Int64Exact(3600)),
					testAccEchoData("expires_at", knownvalue.StringRegexp(testAccRFC3339)),
					testAccEchoData("client_id", knownvalue.StringExact(oc.ClientID)),
				},
				Check: func(s *terraform.State) error {
					token, err := testAccAttr(s, "echo.test", "data.access_token")
					if err != nil {
						return err
					}
					me, err := testAccNewClient(t, token).Identity.Read(context.Background())
					if err != nil {
						return fmt.Errorf("GET /me with the access token: %w", err)
					}
					if me.Kind != client.IdentityOAuthClient || me.Organization.ID != org.Organization.ID ||
						me.OAuthClientID == nil || *me.OAuthClientID != oc.ID {
						return fmt.Errorf("the access token is %+v, want OAuth client %s of %s", me, oc.ID, org.Organization.ID)
					}
					return nil
				},
			},
			{
				// As a provider block's token: the data source reads who it is. No credential in state.
				Config: ephemeralConfig + `
provider "alien" {
  alias = "access_token"
  token = ephemeral.alien_access_token.test.access_token
}

data "alien_current_identity" "test" {
  provider = alien.access_token
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.alien_current_identity.test", tfjsonpath.New("kind"), knownvalue.StringExact("oauth_client")),
					statecheck.ExpectKnownValue("data.alien_current_identity.test", tfjsonpath.New("oauth_client_id"), knownvalue.StringExact(oc.ID)),
					statecheck.ExpectKnownValue("data.alien_current_identity.test", tfjsonpath.New("organization_id"), knownvalue.StringExact(org.Organization.ID)),
				},
				Check: func(s *terraform.State) error {
					for addr, rs := range s.RootModule().Resources {
						for name, v := range rs.Primary.Attributes {
							if credentialShape.MatchString(v) {
								return fmt.Errorf("%s.%s in state holds a credential", addr, name)
							}
						}
					}
					return nil
				},
			},
		},
	})

	if after := testAccListSnapshot(t, org.Client); !reflect.DeepEqual(before, after) {
		t.Errorf("the organization's tokens and clients changed: before %v, after %v", before, after)
	}
}

// Without arguments, the provider's own OAuth client credentials are exchanged.
func TestAccAccessTokenEphemeral_providerCredentials(t *testing.T) {
	// Parallel before the setup, which would otherwise run among the sequential tests (one of
	// them may move the clock and expire what it created).
	t.Parallel()
	oc := testAccCreateOAuthClient(t, testAccClient(t), "provider-creds")

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   testAccEphemeralVersionChecks,
		ProtoV6ProviderFactories: testAccProbeFactories,
		Steps: []acc.TestStep{{
			Config: fmt.Sprintf(`
provider "alien" {
  client_id     = %q
  client_secret = %q
}

ephemeral "alien_access_token" "test" {}
`, oc.ClientID, oc.ClientSecret) + testAccEchoAccessToken,
			ConfigStateChecks: []statecheck.StateCheck{
				testAccEchoData("client_id", knownvalue.StringExact(oc.ClientID)),
				testAccEchoData("client_secret", knownvalue.Null()),
				testAccEchoData("access_token", knownvalue.StringRegexp(testAccAccessTokenRegexp)),
			},
		}},
	})
}

func TestAccAccessTokenEphemeral_errors(t *testing.T) {
	// Parallel before the setup, which would otherwise run among the sequential tests (one of
	// them may move the clock and expire what it created).
	t.Parallel()
	oc := testAccCreateOAuthClient(t, testAccClient(t), "wrong-secret")

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   testAccEphemeralVersionChecks,
		ProtoV6ProviderFactories: testAccProbeFactories,
		Steps: []acc.TestStep{
			{
				// The provider authenticates with a token (ALIEN_TOKEN): nothing to exchange.
				Config:      `ephemeral "alien_access_token" "test" {}` + testAccEchoAccessToken,
				ExpectError: regexp.MustCompile(`(?s)Missing OAuth client credentials.*provider\s+authenticates\s+with\s+a\s+token`),
			},
			{
				Config: fmt.Sprintf(`
ephemeral "alien_access_token" "test" {
  client_id = %q
}
`, oc.ClientID) + testAccEchoAccessToken,
				ExpectError: regexp.MustCompile(`(?s)Missing OAuth client secret.*client_id\s+is\s+set\s+but\s+client_secret\s+is\s+not`),
			},
			{
				Config: fmt.Sprintf(`
ephemeral "alien_access_token" "test" {
  client_id     = %q
  client_secret = "aics_wrong"
}
`, oc.ClientID) + testAccEchoAccessToken,
				ExpectError: regexp.MustCompile(`(?s)Error obtaining access token.*client_id\s+= "` + oc.ClientID + `".*refused\s+OAuth\s+client`),
			},
		},
	})
}

// The provider hands alien_access_token its own OAuth client credentials, wherever they come
// from, and none when it authenticates with a token.
func TestAccessTokenEphemeral_providerData(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		config     map[string]tftypes.Value
		id, secret string
	}{
		{name: "token", config: map[string]tftypes.Value{"token": str("oat_a.b")}},
		{name: "client credentials in config", config: map[string]tftypes.Value{"client_id": str("cid"), "client_secret": str("secret")}, id: "cid", secret: "secret"},
		{name: "client credentials in env", env: map[string]string{envClientID: "eid", envClientSecret: "esecret"}, id: "eid", secret: "esecret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearAlienEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resp := configureProvider(t, tc.config)
			expectConfigured(t, resp)
			data, ok := resp.EphemeralResourceData.(*ephemeralResourceData)
			if !ok || data.ClientID != tc.id || data.ClientSecret != tc.secret {
				t.Fatalf("ephemeral resource data %+v, want client id %q and its secret", resp.EphemeralResourceData, tc.id)
			}

			var configureResp ephemeral.ConfigureResponse
			e := &accessTokenEphemeralResource{}
			e.Configure(context.Background(), ephemeral.ConfigureRequest{ProviderData: resp.EphemeralResourceData}, &configureResp)
			if configureResp.Diagnostics.HasError() || e.data != data {
				t.Fatalf("Configure: %v", configureResp.Diagnostics)
			}
		})
	}

	var resp ephemeral.ConfigureResponse
	(&accessTokenEphemeralResource{}).Configure(context.Background(), ephemeral.ConfigureRequest{ProviderData: "oops"}, &resp)
	if !resp.Diagnostics.HasError() {
		t.Errorf("Configure accepted provider data of the wrong type")
	}
}

// testModel is an empty value of the model of the ephemeral resource, which TestModelsMatchSchemas checks
// against its schema.
func (*accessTokenEphemeralResource) testModel() any { return &accessTokenModel{} }
