package provider

// Tests of what alien_service_account and alien_managed_user share (org_user.go).

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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

// TestAccOrgUser_importErrors: an import by an email that no user of the kind has, or by the
// other kind's id, fails with a message that says so.
func TestAccOrgUser_importErrors(t *testing.T) {
	for _, tc := range []struct {
		name, addr, config, id, want string
	}{
		{"service account by unknown email", testAccServiceAccountAddr, testAccServiceAccountConfig("nobody@example.com", nil),
			testAccRandomEmail("nobody"), "The organization has no service account with the email"},
		{"service account by managed user id", testAccServiceAccountAddr, testAccServiceAccountConfig("nobody@example.com", nil),
			"mu_abcdefghijklmnop", "is the id of a managed user, not of a service account: import it as alien_managed_user"},
		{"managed user by unknown email", testAccManagedUserAddr, testAccManagedUserConfig("nobody@example.com", nil),
			testAccRandomEmail("nobody"), "The organization has no managed user with the email"},
		{"managed user by service account id", testAccManagedUserAddr, testAccManagedUserConfig("nobody@example.com", nil),
			"sa_abcdefghijklmnop", "is the id of a service account, not of a managed user: import it as alien_service_account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        tc.config,
					ResourceName:  tc.addr,
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   regexp.MustCompile(testAccPhrase(tc.want)),
				}},
			})
		})
	}
}

func TestOrgUserLess(t *testing.T) {
	type user struct{ email, id string }
	users := []user{{"c@x.io", "sa_1"}, {"B@x.io", "sa_2"}, {"a@x.io", "sa_3"}, {"b@x.io", "sa_4"}}
	sort.Slice(users, func(i, j int) bool {
		return orgUserLess(users[i].email, users[i].id, users[j].email, users[j].id)
	})
	got := fmt.Sprint(users)
	if want := "[{a@x.io sa_3} {B@x.io sa_2} {b@x.io sa_4} {c@x.io sa_1}]"; got != want {
		t.Errorf("sorted %s, want %s", got, want)
	}
}

func TestOrgUserImportIDOK(t *testing.T) {
	for _, tc := range []struct {
		kind     *orgUserKind
		id       string
		wantOK   bool
		wantText string
	}{
		{kind: serviceAccountKind, id: "sa_abc", wantOK: true},
		{kind: serviceAccountKind, id: "mu_abc", wantText: "import it as alien_managed_user"},
		{kind: managedUserKind, id: "mu_abc", wantOK: true},
		{kind: managedUserKind, id: "sa_abc", wantText: "import it as alien_service_account"},
		{kind: managedUserKind, id: " ", wantText: "The import id is empty"},
	} {
		var diags diag.Diagnostics
		ok := orgUserImportIDOK(&diags, tc.kind, tc.id)
		if ok != tc.wantOK || ok == diags.HasError() {
			t.Errorf("%s %q: ok %v, diagnostics %v; want ok %v", tc.kind.name, tc.id, ok, diags, tc.wantOK)
			continue
		}
		if !ok && !strings.Contains(diags.Errors()[0].Detail(), tc.wantText) {
			t.Errorf("%s %q: %q lacks %q", tc.kind.name, tc.id, diags.Errors()[0].Detail(), tc.wantText)
		}
	}
}

func TestOrgUserStatusAndLockedAtFromActive(t *testing.T) {
	ctx := context.Background()
	r := NewServiceAccountResource()
	const lockedAt = "2026-01-02T03:04:05Z"
	model := func(active types.Bool, locked types.String) serviceAccountResourceModel {
		return serviceAccountResourceModel{
			ID: types.StringValue("sa_x"), Email: types.StringValue("bot@example.com"), Description: types.StringValue(""),
			Active: active, Status: types.StringUnknown(), CreatedAt: types.StringValue(lockedAt), LockedAt: locked,
		}
	}
	for _, tc := range []struct {
		name         string
		state        *serviceAccountResourceModel
		planActive   types.Bool
		wantStatus   types.String
		wantLockedAt types.String
	}{
		{name: "create active", planActive: types.BoolValue(true),
			wantStatus: types.StringValue("active"), wantLockedAt: types.StringNull()},
		{name: "create deactivated", planActive: types.BoolValue(false),
			wantStatus: types.StringValue("locked"), wantLockedAt: types.StringUnknown()},
		{name: "deactivate", state: ptrTo(model(types.BoolValue(true), types.StringNull())), planActive: types.BoolValue(false),
			wantStatus: types.StringValue("locked"), wantLockedAt: types.StringUnknown()},
		{name: "stays deactivated", state: ptrTo(model(types.BoolValue(false), types.StringValue(lockedAt))), planActive: types.BoolValue(false),
			wantStatus: types.StringValue("locked"), wantLockedAt: types.StringValue(lockedAt)},
		{name: "reactivate", state: ptrTo(model(types.BoolValue(false), types.StringValue(lockedAt))), planActive: types.BoolValue(true),
			wantStatus: types.StringValue("active"), wantLockedAt: types.StringNull()},
		{name: "active unknown", state: ptrTo(model(types.BoolValue(true), types.StringNull())), planActive: types.BoolUnknown(),
			wantStatus: types.StringUnknown(), wantLockedAt: types.StringUnknown()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := tfsdk.Plan(testResourceState(t, r, ptrTo(model(tc.planActive, types.StringUnknown()))))
			state := tfsdk.State{Schema: plan.Schema, Raw: tftypes.NewValue(plan.Raw.Type(), nil)}
			stateLockedAt := types.StringNull()
			if tc.state != nil {
				state = testResourceState(t, r, tc.state)
				stateLockedAt = tc.state.LockedAt
			}

			statusResp := &planmodifier.StringResponse{PlanValue: types.StringUnknown()}
			orgUserStatusFromActive().PlanModifyString(ctx, planmodifier.StringRequest{
				Path: path.Root("status"), Plan: plan, State: state, PlanValue: types.StringUnknown(),
			}, statusResp)
			if !statusResp.PlanValue.Equal(tc.wantStatus) || statusResp.Diagnostics.HasError() {
				t.Errorf("status planned %s (%v), want %s", statusResp.PlanValue, statusResp.Diagnostics, tc.wantStatus)
			}

			lockedResp := &planmodifier.StringResponse{PlanValue: types.StringUnknown()}
			orgUserLockedAtFromActive().PlanModifyString(ctx, planmodifier.StringRequest{
				Path: path.Root("locked_at"), Plan: plan, State: state, PlanValue: types.StringUnknown(), StateValue: stateLockedAt,
			}, lockedResp)
			if !lockedResp.PlanValue.Equal(tc.wantLockedAt) || lockedResp.Diagnostics.HasError() {
				t.Errorf("locked_at planned %s (%v), want %s", lockedResp.PlanValue, lockedResp.Diagnostics, tc.wantLockedAt)
			}
		})
	}
}

// ptrTo returns a pointer to a copy of v.
func ptrTo[T any](v T) *T { return &v }
