package provider

// Tests of what alien_service_account and alien_managed_user share.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

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
