package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccServiceAccountsDataSource_basic(t *testing.T) {
	// An organization of its own, so that the lists are exactly what the test made.
	org := testAccEnterpriseOrganization(t)
	suffix := strings.ToLower(testAccRandomName("sa"))
	emailA, emailB, emailC := "a-"+suffix+"@example.com", "B-"+suffix+"@example.com", "c-"+suffix+"@example.com"

	config := testAccProviderBlock(org.Token) + fmt.Sprintf(`
resource "alien_service_account" "c" {
  email  = %[3]q
  active = false
}

resource "alien_service_account" "b" {
  email       = %[2]q
  description = "Nightly ingestion"
}

resource "alien_service_account" "a" {
  email = %[1]q
}

data "alien_service_accounts" "all" {
  depends_on = [alien_service_account.a, alien_service_account.b, alien_service_account.c]
}

data "alien_service_accounts" "locked" {
  status     = "locked"
  depends_on = [alien_service_account.a, alien_service_account.b, alien_service_account.c]
}

data "alien_service_accounts" "active" {
  status     = "active"
  depends_on = [alien_service_account.a, alien_service_account.b, alien_service_account.c]
}

data "alien_service_accounts" "by_email" {
  email      = %[4]q
  depends_on = [alien_service_account.a, alien_service_account.b, alien_service_account.c]
}
`, emailA, emailB, emailC, strings.ToLower(emailB))

	active := func(email, description string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":          knownvalue.StringRegexp(regexp.MustCompile(`^sa_`)),
			"email":       knownvalue.StringExact(email),
			"description": knownvalue.StringExact(description),
			"active":      knownvalue.Bool(true),
			"status":      knownvalue.StringExact("active"),
			"created_at":  knownvalue.StringRegexp(testAccRFC3339),
			"locked_at":   knownvalue.Null(),
		})
	}
	locked := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":          knownvalue.StringRegexp(regexp.MustCompile(`^sa_`)),
		"email":       knownvalue.StringExact(emailC),
		"description": knownvalue.StringExact(""),
		"active":      knownvalue.Bool(false),
		"status":      knownvalue.StringExact("locked"),
		"created_at":  knownvalue.StringRegexp(testAccRFC3339),
		"locked_at":   knownvalue.StringRegexp(testAccRFC3339),
	})
	list := func(name string, items ...knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.alien_service_accounts."+name, tfjsonpath.New("service_accounts"), knownvalue.ListExact(items))
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(org.Client),
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderBlock(org.Token) + `data "alien_service_accounts" "bad" { status = "deleted" }`,
				ExpectError: regexp.MustCompile(`Attribute\s+status\s+value\s+must\s+be\s+one\s+of`),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					// Sorted by email without regard to case: a-, B-, c-.
					list("all", active(emailA, ""), active(emailB, "Nightly ingestion"), locked),
					list("locked", locked),
					list("active", active(emailA, ""), active(emailB, "Nightly ingestion")),
					list("by_email", active(emailB, "Nightly ingestion")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*serviceAccountsDataSource) testModel() any { return &serviceAccountsDataSourceModel{} }
