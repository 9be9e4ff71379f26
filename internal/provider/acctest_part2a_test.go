package provider

// Acceptance-test helpers of alien_service_account, alien_managed_user and their data sources.

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// testAccRFC3339 matches the timestamps the provider writes to state.
var testAccRFC3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// testAccMixedCaseEmail is a fresh email with upper-case letters, to prove that the spelling a
// configuration gives is the one kept.
func testAccMixedCaseEmail(prefix string) string {
	return prefix + "-" + acctest.RandString(10) + "@Example.COM"
}

// testAccCheckOrgUsersLocked is a CheckDestroy: every service account and managed user the
// configuration managed is still there, locked (destroy deactivates, it never deletes). c reads
// them (the organization they belong to).
func testAccCheckOrgUsersLocked(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		ctx := context.Background()
		for _, rs := range s.RootModule().Resources {
			var (
				status client.UserStatus
				err    error
			)
			switch rs.Type {
			case "alien_service_account":
				var sa *client.ServiceAccount
				if sa, err = c.ServiceAccounts.Read(ctx, rs.Primary.ID); err == nil {
					status = sa.Status
				}
			case "alien_managed_user":
				var mu *client.ManagedUser
				if mu, err = c.ManagedUsers.Read(ctx, rs.Primary.ID); err == nil {
					status = mu.Status
				}
			default:
				continue
			}
			if err != nil {
				return fmt.Errorf("%s %s after destroy: want it kept (locked), reading it failed: %w", rs.Type, rs.Primary.ID, err)
			}
			if status != client.UserLocked {
				return fmt.Errorf("%s %s after destroy: status %q, want %q", rs.Type, rs.Primary.ID, status, client.UserLocked)
			}
		}
		return nil
	}
}

// testAccEnterpriseOrganization is a new organization (see testAccNewOrganization) moved to the
// Enterprise plan, for tests that need a known set of service accounts and managed users. It
// skips the test against an endpoint that is not alien-local (the plan changes through billing).
func testAccEnterpriseOrganization(t *testing.T) *testAccOrganization {
	t.Helper()
	testAccRequireLocal(t)
	org := testAccNewOrganization(t)
	updated, err := testAccClient(t).Local.SetPlan(context.Background(), org.Organization.ID, client.PlanEnterprise)
	if err != nil {
		t.Fatalf("moving organization %s to the enterprise plan: %v", org.Organization.ID, err)
	}
	org.Organization = *updated
	return org
}

// testAccProviderBlock is a provider block that authenticates with token (another organization's).
func testAccProviderBlock(token string) string {
	return fmt.Sprintf("provider \"alien\" {\n  token = %q\n}\n", token)
}
