package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccAPITokenAddr = "alien_api_token.test"

// testAccAPITokenConfig is an alien_api_token "test" with the given body (HCL lines).
func testAccAPITokenConfig(body string) string {
	return "resource \"alien_api_token\" \"test\" {\n" + body + "\n}\n"
}

// testAccCheckAPITokensRevoked is a CheckDestroy: every alien_api_token of the state is revoked
// (or expired, or gone) for the API.
func testAccCheckAPITokensRevoked(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "alien_api_token" {
				continue
			}
			tok, err := c.APITokens.Read(context.Background(), rs.Primary.ID)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("reading API token %s (%s): %w", rs.Primary.ID, addr, err)
			}
			if tok.Status == client.TokenActive {
				return fmt.Errorf("API token %s (%s) is still active after destroy", tok.ID, addr)
			}
		}
		return nil
	}
}

func TestAccAPIToken_basic(t *testing.T) {
	c := testAccClient(t)
	name := testAccRandomName("org-key")
	config := testAccAPITokenConfig(fmt.Sprintf("  name       = %q\n  expires_in = \"never\"", name))

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectSensitiveValue(testAccAPITokenAddr, tfjsonpath.New("token")),
						plancheck.ExpectUnknownValue(testAccAPITokenAddr, tfjsonpath.New("token")),
						plancheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("kind"), knownvalue.StringExact("organization_key")),
						plancheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						plancheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					},
					// After the token was used (Check): last_used_at moved, and the plan is empty.
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^tok_[a-z2-7]{16}$`))),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("expires_in"), knownvalue.StringExact("never")),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("kind"), knownvalue.StringExact("organization_key")),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("service_account_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("scope"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(testAccAPITokenRegexp)),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(testAccRFC3339)),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("last_used_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("rotate_before"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("keepers"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					// An organization key has full access to its organization.
					token, err := testAccAttr(s, testAccAPITokenAddr, "token")
					if err != nil {
						return err
					}
					me, err := testAccNewClient(t, token).Identity.Read(context.Background())
					if err != nil {
						return fmt.Errorf("GET /me with the token from state: %w", err)
					}
					if me.Kind != client.IdentityOrganizationKey || me.TokenID == nil || *me.TokenID != s.RootModule().Resources[testAccAPITokenAddr].Primary.ID ||
						me.Organization.ID != testAccOrganizationID(t) {
						return fmt.Errorf("the token from state is %+v, want the organization key of %s", me, testAccOrganizationID(t))
					}
					return testAccExpectStatus(http.MethodPost, "/datasets", token, map[string]string{"name": testAccRandomName("ds")}, http.StatusCreated)
				},
			},
			{
				// The same configuration: the refresh records the use without a plan difference.
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("last_used_at"), knownvalue.StringRegexp(testAccRFC3339)),
				},
			},
			{
				// The value cannot be read back: token is null after an import.
				ResourceName:            testAccAPITokenAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["token"] != "" {
						return fmt.Errorf("want one imported token without its value, got %+v", states)
					}
					return nil
				},
			},
			{
				Config:          config,
				ResourceName:    testAccAPITokenAddr,
				ImportState:     true,
				ImportStateKind: acc.ImportBlockWithID,
			},
			{
				Config:        config,
				ResourceName:  testAccAPITokenAddr,
				ImportState:   true,
				ImportStateId: "oc_notatoken",
				ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*An\s+API\s+token\s+is\s+imported\s+by\s+its\s+id`),
			},
		},
	})
}

func TestAccAPIToken_update(t *testing.T) {
	c := testAccClient(t)
	name := testAccRandomName("update")
	var first, second string
	config := func(body string) string {
		return testAccAPITokenConfig(fmt.Sprintf("  name       = %q\n%s", name, body))
	}

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config(`  expires_in = "90d"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(testAccRFC3339)),
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "id", &first),
					func(s *terraform.State) error {
						created, _ := time.Parse(time.RFC3339, s.RootModule().Resources[testAccAPITokenAddr].Primary.Attributes["created_at"])
						expires, _ := time.Parse(time.RFC3339, s.RootModule().Resources[testAccAPITokenAddr].Primary.Attributes["expires_at"])
						if d := expires.Sub(created); d != 90*24*time.Hour {
							return fmt.Errorf("expires_at - created_at = %s, want 90 days", d)
						}
						return nil
					},
				),
			},
			{
				// rotate_before and keepers are the provider's: set in place, the token stays.
				Config: config(`  expires_in = "90d"
  rotate_before = "30d"`),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("rotate_before"), knownvalue.StringExact("30d")),
				},
				Check: acc.ComposeTestCheckFunc(
					acc.TestCheckResourceAttrPtr(testAccAPITokenAddr, "id", &first),
					testAccCheckTokenStatus(testAccAPITokenAddr, "token", http.StatusOK),
				),
			},
			{
				// The platform cannot change a token's expiry: a new token replaces it.
				Config: config(`  expires_in = "1y"
  rotate_before = "30d"`),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectUnknownValue(testAccAPITokenAddr, tfjsonpath.New("token")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("expires_in"), knownvalue.StringExact("1y")),
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "id", &second),
					func(*terraform.State) error {
						if second == first {
							return fmt.Errorf("token %s was not replaced", first)
						}
						tok, err := c.APITokens.Read(context.Background(), first)
						if err != nil {
							return fmt.Errorf("reading the replaced token %s: %w", first, err)
						}
						if tok.Status != client.TokenRevoked {
							return fmt.Errorf("the replaced token %s is %s, want revoked", first, tok.Status)
						}
						return nil
					},
				),
			},
			{
				// Keepers set on a token Terraform created: replaced.
				Config: config(`  expires_in = "1y"
  rotate_before = "30d"
  keepers = { generation = "2" }`),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionReplace),
					},
				},
			},
		},
	})
}

// A token created outside Terraform is adopted with an import block; keepers and rotate_before
// set at the same time are recorded without replacing it. Later keeper changes replace it.
func TestAccAPIToken_importAdoptsKeepers(t *testing.T) {
	// Parallel before the setup, which would otherwise run among the sequential tests (one of
	// them may move the clock and expire what it created).
	t.Parallel()
	c := testAccClient(t)
	created, err := c.APITokens.Create(context.Background(), client.APITokenCreateOptions{
		Name: testAccRandomName("adopted"), ExpiresIn: client.Expiry90d,
	})
	if err != nil {
		t.Fatalf("creating a token: %v", err)
	}
	t.Cleanup(func() { _ = c.APITokens.Revoke(context.Background(), created.ID) })
	config := func(generation string) string {
		return fmt.Sprintf(`import {
  to = alien_api_token.test
  id = %q
}
`, created.ID) + testAccAPITokenConfig(fmt.Sprintf(`  name          = %q
  expires_in    = "90d"
  rotate_before = "720h"
  keepers       = { generation = %q }`, created.Name, generation))
	}

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config("1"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(created.ID)),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("keepers"),
						knownvalue.MapExact(map[string]knownvalue.Check{"generation": knownvalue.StringExact("1")})),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("rotate_before"), knownvalue.StringExact("720h")),
				},
				// The imported token still works: it was not replaced.
				Check: func(*terraform.State) error {
					return testAccExpectStatus(http.MethodGet, "/datasets", created.Token, nil, http.StatusOK)
				},
			},
			{
				Config: config("2"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionReplace),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(testAccAPITokenRegexp)),
				},
				Check: func(*terraform.State) error {
					return testAccExpectStatus(http.MethodGet, "/datasets", created.Token, nil, http.StatusUnauthorized)
				},
			},
		},
	})
}

func TestAccAPIToken_disappears(t *testing.T) {
	c := testAccClient(t)
	config := testAccAPITokenConfig(fmt.Sprintf("  name       = %q\n  expires_in = \"30d\"", testAccRandomName("disappears")))

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					// Revoked outside Terraform.
					return c.APITokens.Revoke(context.Background(), s.RootModule().Resources[testAccAPITokenAddr].Primary.ID)
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreate),
					},
				},
			},
			{
				// Applying again issues a new token.
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreate),
					},
				},
				Check: testAccCheckTokenStatus(testAccAPITokenAddr, "token", http.StatusOK),
			},
		},
	})
}

// Bad configurations fail at plan, naming the attribute, before any API call.
func TestAccAPIToken_invalid(t *testing.T) {
	step := func(body, want string) acc.TestStep {
		return acc.TestStep{
			Config:      testAccAPITokenConfig(body),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []acc.TestStep{
			step(`  name = "x"
  expires_in = "never"
  scope = "read"`, `(?s)Scope on an organization key.*scope\s+= "read".*scope applies to service-account\s+tokens\s+only`),
			step(`  name = "x"
  expires_in = "never"
  service_account_id = "sa_aaaaaaaaaaaaaaaa"`, `(?s)Missing scope for a service-account token.*alien_api_token\.test.*needs\s+a\s+scope`),
			step(`  name = "x"
  expires_in = "never"
  service_account_id = "mu_aaaaaaaaaaaaaaaa"
  scope = "read"`, `(?s)Managed users cannot hold API tokens.*service_account_id\s+= "mu_aaaaaaaaaaaaaaaa".*managed\s+user's\s+id`),
			step(`  name = "x"
  expires_in = "never"
  service_account_id = "usr_aaaaaaaaaaaaaaaa"
  scope = "read"`, `(?s)Invalid service account id.*service_account_id\s+= "usr_`),
			step(`  name = "x"
  expires_in = "never"
  rotate_before = "7d"`, `(?s)rotate_before on a token that never expires.*rotate_before\s+= "7d"`),
			step(`  name = "x"
  expires_in = "30d"
  rotate_before = "30d"`, `(?s)rotate_before too long.*rotate_before\s+= "30d".*shorter\s+than\s+the\s+token's\s+lifetime`),
			step(`  name = "x"
  expires_in = "30d"
  rotate_before = "soon"`, `(?s)Invalid rotate_before.*rotate_before\s+= "soon".*"soon"\s+is\s+not\s+usable`),
			step(`  name = "x"
  expires_in = "30d"
  rotate_before = "-1h"`, `(?s)Invalid rotate_before.*rotate_before\s+= "-1h"`),
			step(`  name = "x"
  expires_in = "60d"`, `(?s)Invalid Attribute Value Match.*expires_in\s+= "60d".*value\s+must\s+be\s+one\s+of`),
			step(`  name = "x"
  expires_in = "never"
  service_account_id = "sa_aaaaaaaaaaaaaaaa"
  scope = "admin"`, `(?s)Invalid Attribute Value Match.*scope\s+= "admin"`),
			step(`  name = "   "
  expires_in = "never"`, `(?s)name\s+= "   ".*must\s+not\s+be\s+blank`),
			step(`  name = "x"`, `(?s)Missing required argument.*"expires_in" is required`),
		},
	})
}

func TestAPIToken_parseRotateBefore(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d": 30 * 24 * time.Hour, "720h": 720 * time.Hour, "7d12h": 7*24*time.Hour + 12*time.Hour,
		"90m": 90 * time.Minute, "1d30s": 24*time.Hour + 30*time.Second,
	} {
		if got, err := parseRotateBefore(in); err != nil || got != want {
			t.Errorf("parseRotateBefore(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "0d", "0s", "-1h", "7d-1h", "7d+1h", "1w", "soon", "30 d", "99999d"} {
		if got, err := parseRotateBefore(in); err == nil {
			t.Errorf("parseRotateBefore(%q) = %s, want an error", in, got)
		}
	}
}

// The rotation decision, at the edges, without the API: a plan is marked for replacement exactly
// when the token expires within rotate_before of now.
func TestAPIToken_modifyPlanRotation(t *testing.T) {
	ctx := context.Background()
	r := NewAPITokenResource()
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	s := schemaResp.Schema
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the schema is not an object")
	}
	object := func(expiresAt, rotateBefore string) tftypes.Value {
		values := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			values[name] = tftypes.NewValue(at, nil)
		}
		values["id"] = tftypes.NewValue(tftypes.String, "tok_aaaaaaaaaaaaaaaa")
		values["name"] = tftypes.NewValue(tftypes.String, "ci")
		values["expires_in"] = tftypes.NewValue(tftypes.String, "30d")
		values["expires_at"] = tftypes.NewValue(tftypes.String, expiresAt)
		if rotateBefore != "" {
			values["rotate_before"] = tftypes.NewValue(tftypes.String, rotateBefore)
		}
		return tftypes.NewValue(typ, values)
	}
	// An API whose clock runs 10 days ahead of the local one, as its answers' Date header says.
	ahead := 10 * 24 * time.Hour
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Date", time.Now().Add(ahead).UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[],"next_cursor":null}`))
	}))
	defer api.Close()
	skewed, err := client.New(client.Config{Endpoint: api.URL, Token: "oat_test.secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := skewed.OAuthClients.List(ctx); err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	for _, tc := range []struct {
		name         string
		apiAhead     bool // judged with the client of the API that runs ahead
		expiresAt    time.Time
		rotateBefore string
		replace      bool
	}{
		{"far from expiry", false, now.Add(8 * 24 * time.Hour), "7d", false},
		{"within rotate_before", false, now.Add(6 * 24 * time.Hour), "7d", true},
		{"in hours", false, now.Add(719 * time.Hour), "720h", true},
		{"already expired", false, now.Add(-time.Hour), "7d", true},
		{"no rotate_before", false, now.Add(time.Hour), "", false},
		{"far by the local clock, due by the API's", true, now.Add(12 * 24 * time.Hour), "7d", true},
		{"far by the API's clock", true, now.Add(18 * 24 * time.Hour), "7d", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewAPITokenResource()
			if tc.apiAhead {
				var cr resource.ConfigureResponse
				r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: skewed}, &cr)
			}
			v := object(tc.expiresAt.UTC().Format(time.RFC3339), tc.rotateBefore)
			req := resource.ModifyPlanRequest{
				State:  tfsdk.State{Schema: s, Raw: v},
				Plan:   tfsdk.Plan{Schema: s, Raw: v},
				Config: tfsdk.Config{Schema: s, Raw: v},
			}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			r.(resource.ResourceWithModifyPlan).ModifyPlan(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("ModifyPlan: %v", resp.Diagnostics)
			}
			replaced := len(resp.RequiresReplace) == 1 && resp.RequiresReplace[0].Equal(path.Root("expires_at"))
			if replaced != tc.replace {
				t.Fatalf("replace = %v (%v), want %v", replaced, resp.RequiresReplace, tc.replace)
			}
			var planned apiTokenModel
			resp.Diagnostics.Append(resp.Plan.Get(ctx, &planned)...)
			if planned.ExpiresAt.IsUnknown() != tc.replace {
				t.Errorf("planned expires_at %s, want unknown = %v", planned.ExpiresAt, tc.replace)
			}
			if tc.replace && len(resp.Diagnostics.Warnings()) != 1 {
				t.Errorf("want one warning that says why, got %v", resp.Diagnostics)
			}
		})
	}
}

// A read-only service-account token from state reads datasets and may not write; read_write
// replaces it; deactivating the service account revokes it, and it leaves the state.
func TestAccAPIToken_serviceAccount(t *testing.T) {
	c := testAccClient(t)
	email := testAccRandomEmail("token-bot")
	config := func(active bool, scope string) string {
		return fmt.Sprintf(`resource "alien_service_account" "test" {
  email  = %q
  active = %t
}
`, email, active) + testAccAPITokenConfig(fmt.Sprintf(`  name               = "partner integration"
  expires_in         = "90d"
  service_account_id = alien_service_account.test.id
  scope              = %q`, scope))
	}
	newDataset := map[string]string{"name": testAccRandomName("ds")}
	var readToken string

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config(true, "read"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectSensitiveValue(testAccAPITokenAddr, tfjsonpath.New("token")),
						// Known at plan, although the service account's id is not yet.
						plancheck.ExpectUnknownValue(testAccAPITokenAddr, tfjsonpath.New("service_account_id")),
						plancheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("kind"), knownvalue.StringExact("service_account_token")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("kind"), knownvalue.StringExact("service_account_token")),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("scope"), knownvalue.StringExact("read")),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("service_account_id"), knownvalue.StringRegexp(regexp.MustCompile(`^sa_`))),
					statecheck.ExpectKnownValue(testAccAPITokenAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(testAccAPITokenRegexp)),
				},
				Check: acc.ComposeTestCheckFunc(
					acc.TestCheckResourceAttrPair(testAccAPITokenAddr, "service_account_id", testAccServiceAccountAddr, "id"),
					testAccCaptureAttr(testAccAPITokenAddr, "token", &readToken),
					func(*terraform.State) error {
						if err := testAccExpectStatus(http.MethodGet, "/datasets", readToken, nil, http.StatusOK); err != nil {
							return fmt.Errorf("read-only token: %w", err)
						}
						if err := testAccExpectStatus(http.MethodPost, "/datasets", readToken, newDataset, http.StatusForbidden); err != nil {
							return fmt.Errorf("read-only token: %w", err)
						}
						return nil
					},
				),
			},
			{
				// last_used_at: the Check above used the token after the state was written.
				ResourceName:            testAccAPITokenAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token", "last_used_at"},
			},
			{
				Config: config(true, "read_write"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionNoop),
					},
				},
				Check: func(s *terraform.State) error {
					token, err := testAccAttr(s, testAccAPITokenAddr, "token")
					if err != nil {
						return err
					}
					if err := testAccExpectStatus(http.MethodPost, "/datasets", token, newDataset, http.StatusCreated); err != nil {
						return fmt.Errorf("read + write token: %w", err)
					}
					return testAccExpectStatus(http.MethodGet, "/datasets", readToken, nil, http.StatusUnauthorized)
				},
			},
			{
				// Deactivation revokes the token at once; the next plan creates a new one.
				Config: config(false, "read_write"),
				Check: acc.ComposeTestCheckFunc(
					testAccCheckTokenStatus(testAccAPITokenAddr, "token", http.StatusUnauthorized),
				),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// A locked service account cannot get a token: the API says so at apply.
				Config:      config(false, "read_write"),
				ExpectError: regexp.MustCompile(`(?s)Error creating API token.*locked`),
			},
		},
	})
}

// create_before_destroy rotates without a gap: when keepers change, the new token exists and works
// while the old one still works too (probe_bearer, which uses the token, is updated in between),
// and after the apply the old one gets 401.
func TestAccAPIToken_rotationWithoutDowntime(t *testing.T) {
	c := testAccClient(t)
	name := testAccRandomName("rotating")
	config := func(generation string) string {
		return testAccAPITokenConfig(fmt.Sprintf(`  name       = %q
  expires_in = "30d"
  keepers    = { generation = %q }

  lifecycle {
    create_before_destroy = true
  }`, name, generation)) + `
resource "probe_bearer" "consumer" {
  token = alien_api_token.test.token
}
`
	}
	var oldID, oldToken, newID string

	acc.ParallelTest(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProbeFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config("1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("probe_bearer.consumer", tfjsonpath.New("status"), knownvalue.Int64Exact(http.StatusOK)),
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "id", &oldID),
					testAccCaptureAttr(testAccAPITokenAddr, "token", &oldToken),
				),
			},
			{
				Config: config("2"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectResourceAction("probe_bearer.consumer", plancheck.ResourceActionUpdate),
						plancheck.ExpectSensitiveValue(testAccAPITokenAddr, tfjsonpath.New("token")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// While Terraform applied: the new token worked, and so did the old one.
					statecheck.ExpectKnownValue("probe_bearer.consumer", tfjsonpath.New("status"), knownvalue.Int64Exact(http.StatusOK)),
					statecheck.ExpectKnownValue("probe_bearer.consumer", tfjsonpath.New("previous_status"), knownvalue.Int64Exact(http.StatusOK)),
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "id", &newID),
					testAccCheckTokenStatus(testAccAPITokenAddr, "token", http.StatusOK),
					func(*terraform.State) error {
						if newID == oldID {
							return fmt.Errorf("token %s was not replaced", oldID)
						}
						// After the apply, the old token is revoked.
						if err := testAccExpectStatus(http.MethodGet, "/datasets", oldToken, nil, http.StatusUnauthorized); err != nil {
							return fmt.Errorf("the old token: %w", err)
						}
						old, err := c.APITokens.Read(context.Background(), oldID)
						if err != nil {
							return err
						}
						if old.Status != client.TokenRevoked {
							return fmt.Errorf("the old token %s is %s, want revoked", oldID, old.Status)
						}
						return nil
					},
				),
			},
		},
	})
}

// rotate_before, by the API's clock: a 30d token with rotate_before = "7d" plans nothing today, and
// a replacement 24 days later by alien-local's clock, which only the server moves: the provider
// learns it from the Date of the API's answers (end to end, no seam in the provider). A token
// without rotate_before that expires leaves the state, and the next plan creates it again. Not
// parallel: it moves the clock every test shares.
func TestAccAPIToken_rotateBeforeAndExpiry(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	config := testAccAPITokenConfig(fmt.Sprintf(`  name          = %q
  expires_in    = "30d"
  rotate_before = "7d"

  lifecycle {
    create_before_destroy = true
  }`, testAccRandomName("rotate-before"))) + fmt.Sprintf(`
resource "alien_api_token" "plain" {
  name       = %q
  expires_in = "30d"
}
`, testAccRandomName("expiring"))
	var first, second string

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(c),
		Steps: []acc.TestStep{
			{
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCaptureAttr(testAccAPITokenAddr, "id", &first),
			},
			{
				// 24 days later, 6 days before expiry: replaced; the plain token stays.
				PreConfig: func() { testAccAdvanceClock(t, 24*24*time.Hour) },
				Config:    config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectUnknownValue(testAccAPITokenAddr, tfjsonpath.New("expires_at")),
						plancheck.ExpectResourceAction("alien_api_token.plain", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "id", &second),
					testAccCheckTokenStatus(testAccAPITokenAddr, "token", http.StatusOK),
					testAccCheckTokenStatus("alien_api_token.plain", "token", http.StatusOK),
					func(*terraform.State) error {
						if second == first {
							return fmt.Errorf("token %s was not rotated", first)
						}
						return nil
					},
				),
			},
			{
				// 7 more days: the plain token expired (31 days old) and leaves the state on refresh:
				// the plan creates it. The rotated token (7 days old) is not due.
				PreConfig:          func() { testAccAdvanceClock(t, 7*24*time.Hour) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("alien_api_token.plain", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionNoop),
					},
				},
			},
			{
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("alien_api_token.plain", plancheck.ResourceActionCreate),
					},
				},
				Check: testAccCheckTokenStatus("alien_api_token.plain", "token", http.StatusOK),
			},
		},
	})
}

// With TF_LOG=TRACE, no token value, client secret, access token or organization bootstrap token
// appears in the log: not in the provider's lines, the API client's, nor Terraform's, whether the
// provider authenticates with the environment's key, an OAuth client or a token from state. Not
// parallel: it sets TF_LOG.
func TestAccAPIToken_secretsNotLogged(t *testing.T) {
	c := testAccClient(t)
	logPath := testAccCaptureTraceLog(t)
	resources := fmt.Sprintf(`
resource "alien_service_account" "test" {
  email = %q
}

resource "alien_api_token" "test" {
  name               = "logged nowhere"
  expires_in         = "30d"
  service_account_id = alien_service_account.test.id
  scope              = "read"
}

resource "alien_api_token" "key" {
  name       = "logged nowhere either"
  expires_in = "never"
}

resource "alien_oauth_client" "test" {
  name = %q
}

resource "alien_organization" "test" {
  name = %q
}

data "alien_current_identity" "me" {}
`, testAccRandomEmail("log-bot"), testAccRandomName("log"), testAccRandomName("log-org"))
	var token, key, clientID, secret, bootstrap string
	vars := config.Variables{
		"client_id": testAccLazyString{&clientID}, "client_secret": testAccLazyString{&secret}, "key": testAccLazyString{&key},
	}
	variables := `
variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}

variable "key" {
  type      = string
  sensitive = true
}
`
	kind := func(want string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.alien_current_identity.me", tfjsonpath.New("kind"), knownvalue.StringExact(want)),
		}
	}

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   testAccEphemeralVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: acc.ComposeTestCheckFunc(testAccCheckAPITokensRevoked(c), testAccCheckOAuthClientsDeleted(c),
			testAccCheckOrganizationsGone(c)),
		Steps: []acc.TestStep{
			{
				// The environment's organization key.
				Config:            resources,
				ConfigStateChecks: kind("organization_key"),
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "token", &token),
					testAccCaptureAttr("alien_api_token.key", "token", &key),
					testAccCaptureAttr(testAccOAuthClientAddr, "client_id", &clientID),
					testAccCaptureAttr(testAccOAuthClientAddr, "client_secret", &secret),
					testAccCaptureAttr(testAccOrganizationAddr, "bootstrap_token", &bootstrap),
					// Used, so that it travels in a request the log could show.
					testAccCheckTokenStatus(testAccAPITokenAddr, "token", http.StatusOK),
				),
			},
			{
				// The OAuth client's credentials from state, and an access token obtained with them.
				Config: variables + `
provider "alien" {
  client_id     = var.client_id
  client_secret = var.client_secret
}

ephemeral "alien_access_token" "test" {}
` + resources,
				ConfigVariables:   vars,
				ConfigStateChecks: kind("oauth_client"),
			},
			{
				// The organization key from state.
				Config: variables + `
provider "alien" {
  token = var.key
}
` + resources,
				ConfigVariables:   vars,
				ConfigStateChecks: kind("organization_key"),
				Check:             acc.TestCheckResourceAttrPair("data.alien_current_identity.me", "token_id", "alien_api_token.key", "id"),
			},
			{
				// Back to the environment's key, which destroys everything (the key cannot revoke
				// itself and then go on).
				Config:            resources,
				ConfigStateChecks: kind("organization_key"),
			},
		},
	})

	log := testAccCheckLogExcludes(t, logPath, token, key, secret, bootstrap)
	for _, want := range []string{"OpenEphemeralResource", "alien_access_token"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log never mentions %q: was the access token obtained?", want)
		}
	}
}

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*apiTokenResource) testModel() any {
	return &apiTokenModel{Keepers: types.MapNull(types.StringType)}
}
