package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccOrganizationAddr = "alien_organization.test"

// testAccOrganizationConfig is an alien_organization named test.
func testAccOrganizationConfig(name string) string {
	return fmt.Sprintf(`
resource "alien_organization" "test" {
  name = %q
}
`, name)
}

// testAccCheckOrganizationsGone is a CheckDestroy: no alien_organization of the state exists any
// more.
func testAccCheckOrganizationsGone(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "alien_organization" {
				continue
			}
			_, err := c.Organizations.Read(context.Background(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("organization %s still exists after destroy", rs.Primary.ID)
			}
			if !isNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// testAccCheckBootstrapToken checks that the bootstrap token in state authenticates as an owner
// of the organization in state.
func testAccCheckBootstrapToken(t *testing.T, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		token := rs.Primary.Attributes["bootstrap_token"]
		if !strings.HasPrefix(token, "oat_") {
			return fmt.Errorf("%s.bootstrap_token is not an API token", addr)
		}
		me, err := testAccNewClient(t, token).Identity.Read(context.Background())
		if err != nil {
			return fmt.Errorf("authenticating with the bootstrap token: %w", err)
		}
		if me.Organization.ID != rs.Primary.ID || me.TokenID == nil || *me.TokenID != rs.Primary.Attributes["bootstrap_token_id"] {
			return fmt.Errorf("the bootstrap token is token %v of %s, want token %s of %s", me.TokenID, me.Organization.ID,
				rs.Primary.Attributes["bootstrap_token_id"], rs.Primary.ID)
		}
		return nil
	}
}

func TestAccOrganization_basic(t *testing.T) {
	c := testAccClient(t)
	name := testAccRandomName("org")
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationsGone(c),
		Steps: []resource.TestStep{
			{
				Config: testAccOrganizationConfig(name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOrganizationAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectSensitiveValue(testAccOrganizationAddr, tfjsonpath.New("bootstrap_token")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^org_`))),
					statecheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("plan"), knownvalue.StringExact("free")),
					statecheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("bootstrap_token_id"), knownvalue.StringRegexp(regexp.MustCompile(`^tok_`))),
					statecheck.ExpectSensitiveValue(testAccOrganizationAddr, tfjsonpath.New("bootstrap_token")),
					sameID.AddStateValue(testAccOrganizationAddr, tfjsonpath.New("id")),
				},
				Check: testAccCheckBootstrapToken(t, testAccOrganizationAddr),
			},
			{
				// Renamed in place; the bootstrap token is kept.
				Config: testAccOrganizationConfig(name + "-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOrganizationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("plan"), knownvalue.StringExact("free")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccOrganizationAddr, tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
					sameID.AddStateValue(testAccOrganizationAddr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckBootstrapToken(t, testAccOrganizationAddr),
					func(s *terraform.State) error {
						org, err := c.Organizations.Read(context.Background(), s.RootModule().Resources[testAccOrganizationAddr].Primary.ID)
						if err != nil {
							return err
						}
						if org.Name != name+"-renamed" {
							return fmt.Errorf("the organization is named %q", org.Name)
						}
						return nil
					},
				),
			},
			{
				// The bootstrap token cannot be read back.
				ResourceName:            testAccOrganizationAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"bootstrap_token", "bootstrap_token_id"},
			},
			{
				ResourceName:    testAccOrganizationAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func TestAccOrganization_validation(t *testing.T) {
	for _, tc := range []struct {
		name, orgName, errRe string
	}{
		{"empty", "", `(?s)alien_organization\.test.*Attribute name UTF-8 character count must be between 1 and 100`},
		{"blank", "   ", `(?s)Attribute name must not be blank, and must be on one line`},
		{"two lines", "a\nb", `(?s)Attribute name must not be blank, and must be on one line`},
		{"too long", strings.Repeat("x", 101), `(?s)Attribute name UTF-8 character count must be between 1 and 100`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccOrganizationConfig(tc.orgName),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.errRe),
				}},
			})
		})
	}
}

// TestAccOrganization_disappears renames the organization outside Terraform (the next plan
// renames it back, in place), then deletes it outside Terraform: the next plan creates it again.
func TestAccOrganization_disappears(t *testing.T) {
	c := testAccClient(t)
	name := testAccRandomName("org-gone")
	organizationID := func(s *terraform.State) string { return s.RootModule().Resources[testAccOrganizationAddr].Primary.ID }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationsGone(c),
		Steps: []resource.TestStep{
			{
				Config: testAccOrganizationConfig(name),
				Check: func(s *terraform.State) error {
					renamed := name + "-renamed"
					_, err := c.Organizations.Update(context.Background(), organizationID(s), client.OrganizationUpdateOptions{Name: &renamed})
					return err
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOrganizationAddr, plancheck.ResourceActionUpdate),
						testAccExpectChange(testAccOrganizationAddr, "name", name+"-renamed", name),
					},
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: testAccOrganizationConfig(name),
				Check: func(s *terraform.State) error {
					return c.Organizations.Delete(context.Background(), organizationID(s))
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOrganizationAddr, plancheck.ResourceActionCreate),
					},
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccOrganization_twoProviders is the documented pattern: one run creates an organization,
// and a second provider block, configured with its bootstrap token (known only after apply),
// invites a member into it. It runs the built provider binary, one process per provider block
// as Terraform does (testAccBuiltProvider): not in parallel.
func TestAccOrganization_twoProviders(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	externalProviders := testAccBuiltProvider(t)
	name := testAccRandomName("org-two")
	email := testAccRandomEmail("new-org-member")
	var orgID, bootstrapToken string
	config := testAccOrganizationConfig(name) + fmt.Sprintf(`
provider "alien" {
  alias = "new"
  token = alien_organization.test.bootstrap_token
}

resource "alien_member" "in_new" {
  provider = alien.new
  email    = %q
  role     = "writer"
}
`, email)

	resource.Test(t, resource.TestCase{
		PreCheck:          func() { testAccPreCheck(t) },
		ExternalProviders: externalProviders,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckOrganizationsGone(c),
			func(*terraform.State) error {
				// The bootstrap token died with its organization.
				if _, err := testAccNewClient(t, bootstrapToken).Identity.Read(context.Background()); err == nil {
					return fmt.Errorf("the bootstrap token of deleted organization %s still works", orgID)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccOrganizationAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("alien_member.in_new", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_member.in_new", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					statecheck.ExpectKnownValue("alien_member.in_new", tfjsonpath.New("role"), knownvalue.StringExact("writer")),
				},
				Check: func(s *terraform.State) error {
					rs := s.RootModule().Resources[testAccOrganizationAddr]
					orgID, bootstrapToken = rs.Primary.ID, rs.Primary.Attributes["bootstrap_token"]
					// The invitation is in the new organization, not in the provider's own.
					invs, err := testAccNewClient(t, bootstrapToken).Invitations.List(context.Background(),
						client.InvitationListOptions{Email: &email})
					if err != nil {
						return err
					}
					if len(invs) != 1 || invs[0].Role != client.RoleWriter || invs[0].Status != client.InvitationPending {
						return fmt.Errorf("want one pending writer invitation for %s in %s, got %+v", email, orgID, invs)
					}
					own, err := c.Invitations.List(context.Background(), client.InvitationListOptions{Email: &email})
					if err != nil {
						return err
					}
					if len(own) != 0 {
						return fmt.Errorf("the invitation of %s landed in the provider's own organization", email)
					}
					return nil
				},
			},
			{
				// The invitee accepts: the second provider sees the member.
				PreConfig: func() { testAccAcceptInvitation(t, email) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_member.in_new", tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
	})
}

// TestAccOrganization_ownOrganization imports the organization of the provider's own credential
// (to manage its name), and refuses at plan time to destroy it.
func TestAccOrganization_ownOrganization(t *testing.T) {
	t.Parallel()
	testAccRequireCLI(t, "a removed block (it stops managing its own organization with one)", testAccCLIHasRemovedBlocks)
	org := testAccNewOrganization(t)
	providerBlock := testAccAliasedProviderBlock("own", org.Token)
	config := func(name string) string {
		return testAccConfigJoin(providerBlock, fmt.Sprintf(`
resource "alien_organization" "own" {
  provider = alien.own
  name     = %q
}
`, name))
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Never deleted.
			_, err := org.Client.Organizations.Current(context.Background())
			return err
		},
		Steps: []resource.TestStep{
			{
				Config:             config(org.Organization.Name),
				ResourceName:       "alien_organization.own",
				ImportState:        true,
				ImportStateId:      org.Organization.ID,
				ImportStatePersist: true,
			},
			{
				Config: config(org.Organization.Name + "-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("alien_organization.own", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_organization.own", tfjsonpath.New("bootstrap_token"), knownvalue.Null()),
					statecheck.ExpectKnownValue("alien_organization.own", tfjsonpath.New("bootstrap_token_id"), knownvalue.Null()),
				},
			},
			{
				Config:      providerBlock,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot destroy the provider's own organization.*` + org.Organization.ID + `.*removed\s+\{`),
			},
			{
				Config: testAccConfigJoin(providerBlock, `
removed {
  from = alien_organization.own
  lifecycle {
    destroy = false
  }
}
`),
			},
		},
	})
}

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*organizationResource) testModel() any { return &organizationModel{} }
