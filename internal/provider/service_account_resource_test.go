package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccServiceAccountAddr = "alien_service_account.test"

// testAccServiceAccountConfig is an alien_service_account "test" with the given arguments (HCL
// expressions, e.g. `"a note"` or `false`); a missing argument is left out.
func testAccServiceAccountConfig(email string, args map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"alien_service_account\" \"test\" {\n  email = %q\n", email)
	for _, name := range []string{"description", "active"} {
		if v, ok := args[name]; ok {
			fmt.Fprintf(&b, "  %s = %s\n", name, v)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// testAccServiceAccountID reads the id of alien_service_account.test from state into *id.
func testAccServiceAccountID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[testAccServiceAccountAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", testAccServiceAccountAddr)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// testAccCheckServiceAccount checks the service account behind alien_service_account.test as the
// API holds it.
func testAccCheckServiceAccount(c *client.Client, check func(*client.ServiceAccount) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var id string
		if err := testAccServiceAccountID(&id)(s); err != nil {
			return err
		}
		sa, err := c.ServiceAccounts.Read(context.Background(), id)
		if err != nil {
			return fmt.Errorf("reading service account %s: %w", id, err)
		}
		return check(sa)
	}
}

func TestAccServiceAccount_basic(t *testing.T) {
	c := testAccClient(t)
	email := testAccMixedCaseEmail("Pipeline-Bot")
	var id string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				Config: testAccServiceAccountConfig(email, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						plancheck.ExpectUnknownValue(testAccServiceAccountAddr, tfjsonpath.New("id")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^sa_`))),
					// The configured spelling, upper case and all.
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("email"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(testAccRFC3339)),
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("locked_at"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					testAccServiceAccountID(&id),
					testAccCheckServiceAccount(c, func(sa *client.ServiceAccount) error {
						if sa.Email != email || sa.Description != "" || sa.Status != client.UserActive {
							return fmt.Errorf("the API holds %+v, want email %s, no description, active", sa, email)
						}
						return nil
					}),
				),
			},
			{
				ResourceName:      testAccServiceAccountAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// By email, in another case.
				ResourceName:      testAccServiceAccountAddr,
				ImportState:       true,
				ImportStateId:     strings.ToLower(email),
				ImportStateVerify: true,
			},
			{
				ResourceName:    testAccServiceAccountAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}
