package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccManagedUsersDataSource_basic(t *testing.T) {
	// An organization of its own, so that the lists are exactly what the test made.
	org := testAccEnterpriseOrganization(t)
	suffix := strings.ToLower(testAccRandomName("mu"))
	emailA, emailB := "Ada-"+suffix+"@example.com", "bob-"+suffix+"@example.com"

	resources := testAccProviderBlock(org.Token) + fmt.Sprintf(`
resource "alien_managed_user" "b" {
  email      = %[2]q
  first_name = "Bob"
  last_name  = "Builder"
  active     = false
}

resource "alien_managed_user" "a" {
  email      = %[1]q
  first_name = "Ada"
  last_name  = "Lovelace"
}
`, emailA, emailB)
	config := resources + fmt.Sprintf(`
data "alien_managed_users" "all" {
  depends_on = [alien_managed_user.a, alien_managed_user.b]
}

data "alien_managed_users" "active" {
  status     = "active"
  depends_on = [alien_managed_user.a, alien_managed_user.b]
}

data "alien_managed_users" "locked_by_email" {
  status     = "locked"
  email      = %[1]q
  depends_on = [alien_managed_user.a, alien_managed_user.b]
}

data "alien_managed_users" "none" {
  status     = "locked"
  email      = %[2]q
  depends_on = [alien_managed_user.a, alien_managed_user.b]
}
`, strings.ToUpper(emailB), emailA)

	user := func(email, first, last string, isActive, passwordSet bool) knownvalue.Check {
		status, lockedAt := "active", knownvalue.Check(knownvalue.Null())
		if !isActive {
			status, lockedAt = "locked", knownvalue.StringRegexp(testAccRFC3339)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":           knownvalue.StringRegexp(regexp.MustCompile(`^mu_`)),
			"email":        knownvalue.StringExact(email),
			"first_name":   knownvalue.StringExact(first),
			"last_name":    knownvalue.StringExact(last),
			"active":       knownvalue.Bool(isActive),
			"status":       knownvalue.StringExact(status),
			"created_at":   knownvalue.StringRegexp(testAccRFC3339),
			"locked_at":    lockedAt,
			"password_set": knownvalue.Bool(passwordSet),
		})
	}
	list := func(name string, items ...knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.alien_managed_users."+name, tfjsonpath.New("managed_users"), knownvalue.ListExact(items))
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(org.Client),
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderBlock(org.Token) + `data "alien_managed_users" "bad" { email = "not an email" }`,
				ExpectError: regexp.MustCompile(`Attribute\s+email\s+must\s+be\s+a\s+bare\s+email\s+address`),
			},
			{
				Config: resources,
				// Ada sets her password through the link of her reset email.
				Check: func(*terraform.State) error {
					return client.Person(org.Client).ResetPassword(context.Background(), testAccLinkToken(t, emailA, "password_reset"), "a long enough password")
				},
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					// Sorted by email without regard to case: Ada-, bob-.
					list("all", user(emailA, "Ada", "Lovelace", true, true), user(emailB, "Bob", "Builder", false, false)),
					list("active", user(emailA, "Ada", "Lovelace", true, true)),
					list("locked_by_email", user(emailB, "Bob", "Builder", false, false)),
					list("none"),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*managedUsersDataSource) testModel() any { return &managedUsersDataSourceModel{} }
