package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccManagedUserAddr = "alien_managed_user.test"

// testAccManagedUserConfig is an alien_managed_user "test" with the given arguments (HCL
// expressions); first_name and last_name default to "Jane" and "Doe", other missing arguments are
// left out.
func testAccManagedUserConfig(email string, args map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"alien_managed_user\" \"test\" {\n  email = %q\n", email)
	defaults := map[string]string{"first_name": `"Jane"`, "last_name": `"Doe"`}
	for _, name := range []string{"first_name", "last_name", "active", "password_reset_trigger"} {
		if v, ok := args[name]; ok {
			fmt.Fprintf(&b, "  %s = %s\n", name, v)
		} else if v, ok := defaults[name]; ok {
			fmt.Fprintf(&b, "  %s = %s\n", name, v)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// testAccManagedUserID reads the id of alien_managed_user.test from state into *id.
func testAccManagedUserID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[testAccManagedUserAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", testAccManagedUserAddr)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// testAccCheckLogin checks that email logs in with password (wantOK), or is refused as
// unauthorized.
func testAccCheckLogin(c *client.Client, email, password string, wantOK bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		tok, err := client.Person(c).Login(context.Background(), email, password)
		switch {
		case wantOK && err != nil:
			return fmt.Errorf("%s cannot log in: %w", email, err)
		case wantOK && tok.AccessToken == "":
			return fmt.Errorf("%s logged in without an access token", email)
		case !wantOK && err == nil:
			return fmt.Errorf("%s logged in, want unauthorized", email)
		case !wantOK && !errors.Is(err, client.ErrUnauthorized):
			return fmt.Errorf("%s: login failed with %w, want unauthorized", email, err)
		}
		return nil
	}
}

func TestAccManagedUser_basic(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccMixedCaseEmail("Jane.Doe")
	expect := func(attribute string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(testAccManagedUserAddr, tfjsonpath.New(attribute), v)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				Config: testAccManagedUserConfig(email, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccManagedUserAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(testAccManagedUserAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expect("id", knownvalue.StringRegexp(regexp.MustCompile(`^mu_`))),
					expect("email", knownvalue.StringExact(email)),
					expect("first_name", knownvalue.StringExact("Jane")),
					expect("last_name", knownvalue.StringExact("Doe")),
					expect("active", knownvalue.Bool(true)),
					expect("status", knownvalue.StringExact("active")),
					expect("created_at", knownvalue.StringRegexp(testAccRFC3339)),
					expect("locked_at", knownvalue.Null()),
					expect("password_set", knownvalue.Bool(false)),
					expect("password_reset_trigger", knownvalue.Null()),
				},
				// Creation sends the password-reset email.
				Check: testAccCheckEmails(t, email, "password_reset", 1),
			},
			{
				ResourceName:      testAccManagedUserAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      testAccManagedUserAddr,
				ImportState:       true,
				ImportStateId:     strings.ToUpper(email),
				ImportStateVerify: true,
			},
			{
				ResourceName:    testAccManagedUserAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// TestAccManagedUser_lifecycle follows a managed user end to end: the reset email after create,
// its link sets a password, login works; deactivation refuses login, reactivation restores it
// with the same password; a new password_reset_trigger sends a second email; names change in
// place; a new email replaces the user.
func TestAccManagedUser_lifecycle(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("lifecycle")
	newEmail := testAccRandomEmail("lifecycle-new")
	const password = "correct horse battery staple"
	var id, firstID string

	setPassword := func(*terraform.State) error {
		return client.Person(c).ResetPassword(context.Background(), testAccLinkToken(t, email, "password_reset"), password)
	}
	update := func(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccManagedUserAddr, plancheck.ResourceActionUpdate)}, checks...),
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	expect := func(attribute string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(testAccManagedUserAddr, tfjsonpath.New(attribute), v)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				// A trigger set at creation sends nothing more than the creation's email.
				Config:            testAccManagedUserConfig(email, map[string]string{"password_reset_trigger": `"initial"`}),
				ConfigStateChecks: []statecheck.StateCheck{expect("password_reset_trigger", knownvalue.StringExact("initial"))},
				Check: resource.ComposeTestCheckFunc(
					testAccManagedUserID(&id),
					testAccCheckEmails(t, email, "password_reset", 1),
					testAccCheckLogin(c, email, password, false),
					setPassword,
					testAccCheckLogin(c, email, password, true),
				),
			},
			{
				// The refresh sees the password the user set; nothing to change.
				Config:            testAccManagedUserConfig(email, map[string]string{"password_reset_trigger": `"initial"`}),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expect("password_set", knownvalue.Bool(true))},
			},
			{
				Config: testAccManagedUserConfig(email, map[string]string{"password_reset_trigger": `"initial"`, "active": "false"}),
				ConfigPlanChecks: update(
					testAccExpectChange(testAccManagedUserAddr, "active", true, false),
					plancheck.ExpectKnownValue(testAccManagedUserAddr, tfjsonpath.New("status"), knownvalue.StringExact("locked")),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", knownvalue.StringExact("locked")),
					expect("locked_at", knownvalue.StringRegexp(testAccRFC3339)),
				},
				Check: testAccCheckLogin(c, email, password, false),
			},
			{
				// No reset email for a deactivated user: refused at plan.
				Config: testAccManagedUserConfig(email, map[string]string{"password_reset_trigger": `"second"`, "active": "false"}),
				ExpectError: regexp.MustCompile(`(?s)Cannot send a password reset to a deactivated user.*` +
					`with\s+alien_managed_user.test,.*password_reset_trigger.*Set\s+active\s+=\s+true`),
			},
			{
				Config: testAccManagedUserConfig(email, map[string]string{"password_reset_trigger": `"initial"`, "active": "true"}),
				ConfigPlanChecks: update(
					testAccExpectChange(testAccManagedUserAddr, "active", false, true),
					plancheck.ExpectKnownValue(testAccManagedUserAddr, tfjsonpath.New("locked_at"), knownvalue.Null()),
				),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("active"))},
				Check:             testAccCheckLogin(c, email, password, true),
			},
			{
				Config:            testAccManagedUserConfig(email, map[string]string{"password_reset_trigger": `"second"`}),
				ConfigPlanChecks:  update(testAccExpectChange(testAccManagedUserAddr, "password_reset_trigger", "initial", "second")),
				ConfigStateChecks: []statecheck.StateCheck{expect("password_reset_trigger", knownvalue.StringExact("second"))},
				Check:             testAccCheckEmails(t, email, "password_reset", 2),
			},
			{
				// Removing the trigger sends nothing; the names change in place.
				Config: testAccManagedUserConfig(email, map[string]string{"first_name": `"Janet"`, "last_name": `"Doe-Smith"`}),
				ConfigPlanChecks: update(
					testAccExpectChange(testAccManagedUserAddr, "first_name", "Jane", "Janet"),
					testAccExpectChange(testAccManagedUserAddr, "last_name", "Doe", "Doe-Smith"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("first_name", knownvalue.StringExact("Janet")),
					expect("last_name", knownvalue.StringExact("Doe-Smith")),
					expect("password_reset_trigger", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					testAccCheckEmails(t, email, "password_reset", 2),
					func(*terraform.State) error {
						mu, err := c.ManagedUsers.Read(context.Background(), id)
						if err != nil {
							return err
						}
						if mu.FirstName != "Janet" || mu.LastName != "Doe-Smith" {
							return fmt.Errorf("the API holds %q %q, want Janet Doe-Smith", mu.FirstName, mu.LastName)
						}
						return nil
					},
				),
			},
			{
				// A new email replaces the user: the old one is locked, the new one gets its email.
				Config: testAccManagedUserConfig(newEmail, map[string]string{"first_name": `"Janet"`, "last_name": `"Doe-Smith"`}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccManagedUserAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						firstID = id
						return testAccManagedUserID(&id)(s)
					},
					func(*terraform.State) error {
						old, err := c.ManagedUsers.Read(context.Background(), firstID)
						if err != nil {
							return err
						}
						if id == firstID || old.Status != client.UserLocked {
							return fmt.Errorf("replaced managed user %s: status %s, new id %s; want locked and a new id", firstID, old.Status, id)
						}
						return nil
					},
					testAccCheckEmails(t, newEmail, "password_reset", 1),
					testAccCheckLogin(c, email, password, false),
				),
			},
		},
	})
}

func TestAccManagedUser_disappears(t *testing.T) {
	c := testAccClient(t)
	email := testAccRandomEmail("drift-user")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				// Deactivated outside Terraform: the next plan reactivates the user.
				Config: testAccManagedUserConfig(email, nil),
				Check: func(s *terraform.State) error {
					var id string
					if err := testAccManagedUserID(&id)(s); err != nil {
						return err
					}
					_, err := c.ManagedUsers.Deactivate(context.Background(), id)
					return err
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccManagedUserAddr, plancheck.ResourceActionUpdate),
					testAccExpectChange(testAccManagedUserAddr, "active", false, true),
				}},
			},
			{
				Config: testAccManagedUserConfig(email, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccManagedUserAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
	})
}

func TestAccManagedUser_invalid(t *testing.T) {
	email := testAccRandomEmail("invalid-user")
	steps := []resource.TestStep{}
	for _, tc := range []struct {
		email string
		args  map[string]string
		want  string
	}{
		{email: "jane@@example.com", want: `Attribute email must be a bare email address`},
		{email: "jane doe@example.com", want: `Attribute email must be a bare email address`},
		{email: email, args: map[string]string{"first_name": `""`}, want: `Attribute first_name UTF-8 character count must be between 1 and 100`},
		{email: email, args: map[string]string{"last_name": `"   "`}, want: `Attribute last_name must not be blank`},
		{email: email, args: map[string]string{"first_name": `"Jane\nMary"`}, want: `Attribute first_name must not be blank, and must be on one line`},
		{email: email, args: map[string]string{"last_name": fmt.Sprintf("%q", strings.Repeat("x", 101))},
			want: `Attribute last_name UTF-8 character count must be between 1 and 100`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      testAccManagedUserConfig(tc.email, tc.args),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(tc.want), " ", `\s+`)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

func TestAccManagedUser_planRequired(t *testing.T) {
	free := testAccNewOrganization(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderBlock(free.Token) + testAccManagedUserConfig(testAccRandomEmail("free-user"), nil),
			ExpectError: regexp.MustCompile(`(?s)Error creating managed user.*managed\s+users\s+need\s+the\s+enterprise\s+plan;\s+this\s+organization\s+is\s+on\s+the\s+free\s+plan` +
				`.*available\s+on\s+the\s+Enterprise\s+plan\s+only`),
		}},
	})
}

func TestAccManagedUser_emailTaken(t *testing.T) {
	c := testAccClient(t)
	ctx := context.Background()
	email := testAccRandomEmail("locked-user")
	locked, err := c.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{Email: email, FirstName: "Locked", LastName: "User"})
	if err != nil {
		t.Fatalf("creating managed user %s: %v", email, err)
	}
	if _, err := c.ManagedUsers.Deactivate(ctx, locked.ID); err != nil {
		t.Fatalf("deactivating managed user %s: %v", locked.ID, err)
	}
	id := regexp.QuoteMeta(locked.ID)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccManagedUserConfig(email, nil),
			ExpectError: regexp.MustCompile(`(?s)Error creating managed user.*409\s+conflict.*belongs\s+to\s+a\s+locked\s+\(deactivated\)\s+managed\s+user,\s+` +
				id + `.*terraform\s+import\s+alien_managed_user.<name>\s+` + id + `.*set\s+.active\s+=\s+true.\s+to\s+reactivate`),
		}},
	})
}

func TestManagedUserUpdateRules(t *testing.T) {
	base := managedUserResourceModel{
		FirstName: types.StringValue("Jane"), LastName: types.StringValue("Doe"),
		PasswordResetTrigger: types.StringValue("1"),
	}
	with := func(f func(*managedUserResourceModel)) managedUserResourceModel {
		m := base
		f(&m)
		return m
	}

	for _, tc := range []struct {
		name        string
		plan, state managedUserResourceModel
		want        bool
	}{
		{name: "unchanged", plan: base, state: base, want: false},
		{name: "changed", plan: with(func(m *managedUserResourceModel) { m.PasswordResetTrigger = types.StringValue("2") }), state: base, want: true},
		{name: "first set", plan: base, state: with(func(m *managedUserResourceModel) { m.PasswordResetTrigger = types.StringNull() }), want: true},
		{name: "removed", plan: with(func(m *managedUserResourceModel) { m.PasswordResetTrigger = types.StringNull() }), state: base, want: false},
	} {
		if got := sendsPasswordReset(tc.plan, tc.state); got != tc.want {
			t.Errorf("%s: sendsPasswordReset = %v, want %v", tc.name, got, tc.want)
		}
	}

	if _, ok := managedUserUpdateOptions(base, base); ok {
		t.Error("unchanged names: want no update")
	}
	opts, ok := managedUserUpdateOptions(with(func(m *managedUserResourceModel) { m.LastName = types.StringValue("Smith") }), base)
	if !ok || opts.FirstName != nil || opts.LastName == nil || *opts.LastName != "Smith" {
		t.Errorf("last name changed: got %+v, %v; want only last_name Smith", opts, ok)
	}
}

func TestManagedUserModifyPlan(t *testing.T) {
	ctx := context.Background()
	r := NewManagedUserResource().(*managedUserResource)
	model := func(active bool, trigger string) *managedUserResourceModel {
		return &managedUserResourceModel{
			ID: types.StringValue("mu_x"), Email: types.StringValue("jane@example.com"),
			FirstName: types.StringValue("Jane"), LastName: types.StringValue("Doe"), Active: types.BoolValue(active),
			PasswordResetTrigger: types.StringValue(trigger), Status: types.StringUnknown(), CreatedAt: types.StringUnknown(),
			LockedAt: types.StringUnknown(), PasswordSet: types.BoolUnknown(),
		}
	}
	for _, tc := range []struct {
		name        string
		state, plan *managedUserResourceModel
		wantError   bool
	}{
		{name: "reset while active", state: model(true, "1"), plan: model(true, "2")},
		{name: "reset while deactivating", state: model(true, "1"), plan: model(false, "2"), wantError: true},
		{name: "reset of a locked user staying locked", state: model(false, "1"), plan: model(false, "2"), wantError: true},
		{name: "reset with reactivation", state: model(false, "1"), plan: model(true, "2")},
		{name: "deactivation alone", state: model(true, "1"), plan: model(false, "1")},
		{name: "create", plan: model(false, "2")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := testResourceState(t, r, tc.plan)
			state := tfsdk.State{Schema: plan.Schema, Raw: tftypes.NewValue(plan.Raw.Type(), nil)}
			if tc.state != nil {
				state = testResourceState(t, r, tc.state)
			}
			resp := &fwresource.ModifyPlanResponse{Plan: tfsdk.Plan(plan)}
			r.ModifyPlan(ctx, fwresource.ModifyPlanRequest{Plan: tfsdk.Plan(plan), State: state}, resp)
			if resp.Diagnostics.HasError() != tc.wantError {
				t.Fatalf("diagnostics %v, want error: %v", resp.Diagnostics, tc.wantError)
			}
			if tc.wantError {
				if d, ok := resp.Diagnostics.Errors()[0].(diag.DiagnosticWithPath); !ok || !d.Path().Equal(path.Root("password_reset_trigger")) {
					t.Errorf("the error is not at password_reset_trigger: %v", resp.Diagnostics)
				}
			}
		})
	}
}

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*managedUserResource) testModel() any { return &managedUserResourceModel{} }
