package provider

// Acceptance-test helpers of alien_service_account, alien_managed_user and their data sources.

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
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

// testAccResetLinkToken is the link token of the latest password-reset email sent to email.
func testAccResetLinkToken(t *testing.T, email string) string {
	t.Helper()
	var link string
	for _, e := range testAccOutbox(t, email) {
		if e.Kind == "password_reset" {
			link = e.Link
		}
	}
	if link == "" {
		t.Fatalf("no password-reset email was sent to %s", email)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("the password-reset email to %s has a bad link: %v", email, err)
	}
	token := u.Query().Get("token")
	if token == "" {
		t.Fatalf("the password-reset link sent to %s has no token parameter", email)
	}
	return token
}

// testAccCountEmails counts the emails of a kind sent to an address.
func testAccCountEmails(t *testing.T, to, kind string) int {
	t.Helper()
	n := 0
	for _, e := range testAccOutbox(t, to) {
		if strings.EqualFold(e.Kind, kind) {
			n++
		}
	}
	return n
}

// testAccExpectAttributeChange is a plan check: the plan changes attribute of the resource at
// addr from before to after (JSON values: bool, string, nil...).
func testAccExpectAttributeChange(addr, attribute string, before, after any) plancheck.PlanCheck {
	return attributeChangeCheck{addr: addr, attribute: attribute, before: before, after: after}
}

// attributeChangeCheck is the plan check testAccExpectAttributeChange returns.
type attributeChangeCheck struct {
	addr, attribute string
	before, after   any
}

// CheckPlan implements plancheck.PlanCheck.
func (c attributeChangeCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr || rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		if before[c.attribute] != c.before || after[c.attribute] != c.after {
			resp.Error = fmt.Errorf("%s.%s: planned %v -> %v, want %v -> %v",
				c.addr, c.attribute, before[c.attribute], after[c.attribute], c.before, c.after)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no change planned", c.addr)
}

// testCheckPart2aResourceModel checks that a resource's schema is valid and that its model struct
// matches it attribute for attribute, without an API.
func testCheckPart2aResourceModel(t *testing.T, r resource.Resource, model any) {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Errorf("the schema of %T is invalid: %v", r, diags)
	}
	state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Errorf("the model %T does not match the schema: %v", model, diags)
	}
}

// testPart2aState is the state (or, with Raw copied, the plan) of resource r holding model.
func testPart2aState(t *testing.T, r resource.Resource, model any) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Fatalf("setting %T: %v", model, diags)
	}
	return state
}
