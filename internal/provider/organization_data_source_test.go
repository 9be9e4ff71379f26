package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccOrganizationDataSource_current(t *testing.T) {
	org, err := testAccClient(t).Organizations.Current(context.Background())
	if err != nil {
		t.Fatalf("reading the current organization: %v", err)
	}
	const addr = "data.alien_organization.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "alien_organization" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(testAccOrganizationID(t))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(org.Name)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("plan"), knownvalue.StringExact(string(org.Plan))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringExact(timeValue(org.CreatedAt).ValueString())),
			},
		}},
	})
}

func TestAccOrganizationDataSource_byID(t *testing.T) {
	other := testAccNewOrganization(t)
	const addr = "data.alien_organization.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The tests' credential reads another organization where its user is an Owner.
				Config: `
data "alien_organization" "test" {
  id = "` + other.Organization.ID + `"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(other.Organization.ID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(other.Organization.Name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("plan"), knownvalue.StringExact("free")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"),
						knownvalue.StringExact(timeValue(other.Organization.CreatedAt).ValueString())),
				},
			},
			{
				// The new organization's bootstrap token reads its own organization.
				Config: `
provider "alien" {
  token = "` + other.Token + `"
}

data "alien_organization" "test" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(other.Organization.ID)),
				},
			},
		},
	})
}

func TestAccOrganizationDataSource_notFound(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "alien_organization" "test" {
  id = "org_aaaaaaaaaaaaaaaa"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Error reading organization.*Reading\s+organization\s+"org_aaaaaaaaaaaaaaaa"\s+failed.*404\s+not_found.*Request\s+ID:`),
		}},
	})
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*organizationDataSource) testModel() any { return &organizationDataSourceModel{} }
