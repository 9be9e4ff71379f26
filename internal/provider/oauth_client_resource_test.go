package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccOAuthClientAddr = "alien_oauth_client.test"

// testAccOAuthClientConfig is an alien_oauth_client "test" with the given body (HCL lines).
func testAccOAuthClientConfig(body string) string {
	return "resource \"alien_oauth_client\" \"test\" {\n" + body + "\n}\n"
}

// testAccCheckOAuthClientsDeleted is a CheckDestroy: every alien_oauth_client of the state is gone.
func testAccCheckOAuthClientsDeleted(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "alien_oauth_client" {
				continue
			}
			_, err := c.OAuthClients.Read(context.Background(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("OAuth client %s (%s) still exists after destroy", rs.Primary.ID, addr)
			}
			if !isNotFound(err) {
				return fmt.Errorf("reading OAuth client %s (%s): %w", rs.Primary.ID, addr, err)
			}
		}
		return nil
	}
}

// testAccExchange exchanges the client credentials of addr in state for an access token.
func testAccExchange(c *client.Client, s *terraform.State, addr string) (*client.AccessToken, error) {
	id, err := testAccAttr(s, addr, "client_id")
	if err != nil {
		return nil, err
	}
	secret, err := testAccAttr(s, addr, "client_secret")
	if err != nil {
		return nil, err
	}
	return c.Public.ClientCredentialsToken(context.Background(), id, secret)
}

// testAccCheckExchangeRefused checks that the client credentials of addr in state are refused.
func testAccCheckExchangeRefused(c *client.Client, addr string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		_, err := testAccExchange(c, s, addr)
		switch {
		case err == nil:
			return fmt.Errorf("the credentials of %s obtained an access token, want 401 invalid_client", addr)
		case !errors.Is(err, client.ErrUnauthorized):
			return fmt.Errorf("exchanging the credentials of %s: want 401 invalid_client, got %w", addr, err)
		}
		return nil
	}
}

func TestAccOAuthClient_basic(t *testing.T) {
	c := testAccClient(t)
	name, renamed := testAccRandomName("oauth"), testAccRandomName("oauth-renamed")
	memberEmail := testAccRandomEmail("via-oauth")
	var id, accessToken, clientID, clientSecret string

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOAuthClientsDeleted(c),
		Steps: []acc.TestStep{
			{
				Config: testAccOAuthClientConfig(fmt.Sprintf("  name = %q", name)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectSensitiveValue(testAccOAuthClientAddr, tfjsonpath.New("client_secret")),
						plancheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^oc_[a-z2-7]{16}$`))),
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("client_id"), knownvalue.StringRegexp(testAccClientIDRegexp)),
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("client_secret"), knownvalue.StringRegexp(testAccClientSecretRegexp)),
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(testAccRFC3339)),
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccOAuthClientAddr, "id", &id),
					testAccCaptureAttr(testAccOAuthClientAddr, "client_id", &clientID),
					testAccCaptureAttr(testAccOAuthClientAddr, "client_secret", &clientSecret),
					func(s *terraform.State) error {
						// The secret from state obtains an access token that acts for this client.
						tok, err := testAccExchange(c, s, testAccOAuthClientAddr)
						if err != nil {
							return fmt.Errorf("exchanging the client credentials from state: %w", err)
						}
						accessToken = tok.AccessToken
						me, err := testAccNewClient(t, accessToken).Identity.Read(context.Background())
						if err != nil {
							return fmt.Errorf("GET /me with the access token: %w", err)
						}
						if me.Kind != client.IdentityOAuthClient || me.OAuthClientID == nil || *me.OAuthClientID != id {
							return fmt.Errorf("the access token is %+v, want OAuth client %s", me, id)
						}
						return nil
					},
				),
			},
			{
				// The secret cannot be read back: client_secret is null after an import.
				ResourceName:            testAccOAuthClientAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_secret"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["client_secret"] != "" {
						return fmt.Errorf("want one imported client without its secret, got %+v", states)
					}
					return nil
				},
			},
			{
				Config:          testAccOAuthClientConfig(fmt.Sprintf("  name = %q", name)),
				ResourceName:    testAccOAuthClientAddr,
				ImportState:     true,
				ImportStateKind: acc.ImportBlockWithID,
			},
			{
				Config:        testAccOAuthClientConfig(fmt.Sprintf("  name = %q", name)),
				ResourceName:  testAccOAuthClientAddr,
				ImportState:   true,
				ImportStateId: "aic_thisisaclientidnotanid",
				ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*not\s+its\s+client_id`),
			},
			{
				Config: testAccOAuthClientConfig(fmt.Sprintf("  name = %q", renamed)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("client_secret"), knownvalue.NotNull()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
				},
				Check: acc.ComposeTestCheckFunc(
					acc.TestCheckResourceAttrPtr(testAccOAuthClientAddr, "id", &id),
					func(s *terraform.State) error {
						_, err := testAccExchange(c, s, testAccOAuthClientAddr)
						return err
					},
				),
			},
			{
				// Disabled: its credentials and its access tokens are refused at once.
				Config: testAccOAuthClientConfig(fmt.Sprintf("  name = %q\n  enabled = false", renamed)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				},
				Check: acc.ComposeTestCheckFunc(
					acc.TestCheckResourceAttrPtr(testAccOAuthClientAddr, "id", &id),
					testAccCheckExchangeRefused(c, testAccOAuthClientAddr),
					func(*terraform.State) error {
						return testAccExpectStatus(http.MethodGet, "/me", accessToken, nil, http.StatusUnauthorized)
					},
				),
			},
			{
				// Enabled again, the same credentials work.
				Config: testAccOAuthClientConfig(fmt.Sprintf("  name = %q", renamed)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionUpdate),
					},
				},
				Check: func(s *terraform.State) error {
					_, err := testAccExchange(c, s, testAccOAuthClientAddr)
					return err
				},
			},
			{
				// The provider itself authenticates with the client's credentials from state, and
				// manages a member (and the client itself). One provider configuration only: in
				// acceptance tests every configuration of a provider shares one in-process server,
				// so a second, aliased block would not prove which credential was used.
				Config: `
variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}

provider "alien" {
  client_id     = var.client_id
  client_secret = var.client_secret
}

data "alien_current_identity" "me" {}
` + testAccOAuthClientConfig(fmt.Sprintf("  name = %q", renamed)) + fmt.Sprintf(`
resource "alien_member" "via_oauth" {
  email = %q
  role  = "viewer"

  # Destroyed before the client whose credentials destroy it.
  depends_on = [alien_oauth_client.test]
}
`, memberEmail),
				ConfigVariables: config.Variables{
					"client_id":     testAccLazyString{&clientID},
					"client_secret": testAccLazyString{&clientSecret},
				},
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("alien_member.via_oauth", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.alien_current_identity.me", tfjsonpath.New("kind"), knownvalue.StringExact("oauth_client")),
					statecheck.ExpectKnownValue("alien_member.via_oauth", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
				Check: acc.ComposeTestCheckFunc(acc.TestCheckResourceAttrPtr("data.alien_current_identity.me", "oauth_client_id", &id), func(*terraform.State) error {
					invitations, err := c.Invitations.List(context.Background(), client.InvitationListOptions{Email: &memberEmail})
					if err != nil {
						return err
					}
					if len(invitations) != 1 || invitations[0].Status != client.InvitationPending {
						return fmt.Errorf("invitations of %s: %+v, want one pending", memberEmail, invitations)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccOAuthClient_disappears(t *testing.T) {
	c := testAccClient(t)
	config := testAccOAuthClientConfig(fmt.Sprintf("  name = %q", testAccRandomName("oauth-gone")))

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOAuthClientsDeleted(c),
		Steps: []acc.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					// Deleted outside Terraform.
					return c.OAuthClients.Delete(context.Background(), s.RootModule().Resources[testAccOAuthClientAddr].Primary.ID)
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionCreate),
					},
				},
			},
			{
				// Disabled outside Terraform: the next plan enables it again, in place.
				Config: config,
				Check: func(s *terraform.State) error {
					_, err := c.OAuthClients.Update(context.Background(), s.RootModule().Resources[testAccOAuthClientAddr].Primary.ID,
						client.OAuthClientUpdateOptions{Enabled: new(false)})
					return err
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOAuthClientAddr, plancheck.ResourceActionUpdate),
					},
				},
			},
		},
	})
}

// A client can be created disabled; bad names fail at plan.
func TestAccOAuthClient_createDisabled(t *testing.T) {
	c := testAccClient(t)
	name := testAccRandomName("oauth-off")

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOAuthClientsDeleted(c),
		Steps: []acc.TestStep{
			{
				Config:      testAccOAuthClientConfig(`  name = ""`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Length.*name\s+= "".*must\s+be\s+between\s+1\s+and\s+100`),
			},
			{
				Config:      testAccOAuthClientConfig("  name = \"two\\nlines\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)name\s+= "two\\nlines".*on\s+one\s+line`),
			},
			{
				Config: testAccOAuthClientConfig(fmt.Sprintf("  name = %q\n  enabled = false", name)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccOAuthClientAddr, tfjsonpath.New("client_secret"), knownvalue.StringRegexp(testAccClientSecretRegexp)),
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCheckExchangeRefused(c, testAccOAuthClientAddr),
					func(s *terraform.State) error {
						oc, err := c.OAuthClients.Read(context.Background(), s.RootModule().Resources[testAccOAuthClientAddr].Primary.ID)
						if err != nil {
							return err
						}
						if oc.Enabled || oc.Name != name {
							return fmt.Errorf("the API holds %+v, want %q disabled", oc, name)
						}
						return nil
					},
				),
			},
		},
	})
}

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*oauthClientResource) testModel() any { return &oauthClientModel{} }
