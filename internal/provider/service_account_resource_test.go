package provider

import (
	"context"
	"fmt"
	"net/http"
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

func TestAccServiceAccount_update(t *testing.T) {
	c := testAccClient(t)
	email := testAccMixedCaseEmail("Ingest-Bot")
	newEmail := testAccRandomEmail("ingest-bot-2")
	var id, firstID, tokenID string

	// issueToken gives the service account a read-only token, to see deactivation revoke it.
	issueToken := func(*terraform.State) error {
		scope := client.ScopeRead
		tok, err := c.APITokens.Create(context.Background(), client.APITokenCreateOptions{
			Name: testAccRandomName("sa-token"), ExpiresIn: client.ExpiryNever, ServiceAccountID: &id, Scope: &scope,
		})
		if err != nil {
			return fmt.Errorf("issuing a token for service account %s: %w", id, err)
		}
		tokenID = tok.ID
		return nil
	}
	tokenStatus := func(want client.TokenStatus) resource.TestCheckFunc {
		return func(*terraform.State) error {
			tok, err := c.APITokens.Read(context.Background(), tokenID)
			if err != nil {
				return fmt.Errorf("reading token %s: %w", tokenID, err)
			}
			if tok.Status != want {
				return fmt.Errorf("token %s of service account %s is %s, want %s", tokenID, id, tok.Status, want)
			}
			return nil
		}
	}
	update := func(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionUpdate)}, checks...),
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	expect := func(attribute string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New(attribute), v)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				Config:            testAccServiceAccountConfig(email, map[string]string{"description": `"Nightly ingestion"`}),
				ConfigStateChecks: []statecheck.StateCheck{expect("description", knownvalue.StringExact("Nightly ingestion"))},
				Check:             resource.ComposeTestCheckFunc(testAccServiceAccountID(&id), issueToken, tokenStatus(client.TokenActive)),
			},
			{
				Config:           testAccServiceAccountConfig(email, map[string]string{"description": `"Nightly ingestion\nand weekly backfill"`}),
				ConfigPlanChecks: update(),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("description", knownvalue.StringExact("Nightly ingestion\nand weekly backfill")),
				},
				Check: testAccCheckServiceAccount(c, func(sa *client.ServiceAccount) error {
					if sa.Description != "Nightly ingestion\nand weekly backfill" {
						return fmt.Errorf("the API holds description %q", sa.Description)
					}
					return nil
				}),
			},
			{
				// Leaving description out clears it.
				Config:            testAccServiceAccountConfig(email, nil),
				ConfigPlanChecks:  update(testAccExpectChange(testAccServiceAccountAddr, "description", "Nightly ingestion\nand weekly backfill", "")),
				ConfigStateChecks: []statecheck.StateCheck{expect("description", knownvalue.StringExact(""))},
				Check: testAccCheckServiceAccount(c, func(sa *client.ServiceAccount) error {
					if sa.Description != "" {
						return fmt.Errorf("the API holds description %q, want none", sa.Description)
					}
					return nil
				}),
			},
			{
				// Deactivation locks the account and revokes its tokens.
				Config: testAccServiceAccountConfig(email, map[string]string{"active": "false"}),
				ConfigPlanChecks: update(
					testAccExpectChange(testAccServiceAccountAddr, "active", true, false),
					plancheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("locked")),
					plancheck.ExpectUnknownValue(testAccServiceAccountAddr, tfjsonpath.New("locked_at")),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("active", knownvalue.Bool(false)),
					expect("status", knownvalue.StringExact("locked")),
					expect("locked_at", knownvalue.StringRegexp(testAccRFC3339)),
				},
				Check: tokenStatus(client.TokenRevoked),
			},
			{
				// Reactivation unlocks it; the revoked token stays revoked.
				Config: testAccServiceAccountConfig(email, map[string]string{"active": "true"}),
				ConfigPlanChecks: update(
					testAccExpectChange(testAccServiceAccountAddr, "active", false, true),
					plancheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					plancheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("locked_at"), knownvalue.Null()),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("active", knownvalue.Bool(true)),
					expect("status", knownvalue.StringExact("active")),
					expect("locked_at", knownvalue.Null()),
				},
				Check: tokenStatus(client.TokenRevoked),
			},
			{
				// A change of case only is no new email: updated in place, nothing replaced.
				Config:            testAccServiceAccountConfig(strings.ToLower(email), nil),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: []statecheck.StateCheck{expect("email", knownvalue.StringExact(strings.ToLower(email)))},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						firstID = id
						return testAccServiceAccountID(&id)(s)
					},
					testAccCheckServiceAccount(c, func(sa *client.ServiceAccount) error {
						if sa.ID != firstID || sa.Email != email {
							return fmt.Errorf("the API holds %s %s, want %s %s (unchanged)", sa.ID, sa.Email, firstID, email)
						}
						return nil
					}),
				),
			},
			{
				// A new email replaces the account; the old one is deactivated and kept.
				Config: testAccServiceAccountConfig(newEmail, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{expect("email", knownvalue.StringExact(newEmail))},
				Check: resource.ComposeTestCheckFunc(
					testAccServiceAccountID(&id),
					func(*terraform.State) error {
						old, err := c.ServiceAccounts.Read(context.Background(), firstID)
						if err != nil {
							return fmt.Errorf("reading the replaced service account %s: %w", firstID, err)
						}
						if id == firstID || old.Status != client.UserLocked {
							return fmt.Errorf("replaced service account %s: status %s, new id %s; want locked and a new id", firstID, old.Status, id)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccServiceAccount_disappears(t *testing.T) {
	c := testAccClient(t)
	email := testAccRandomEmail("drift-bot")
	var id string
	outside := func(deactivate bool) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			if err := testAccServiceAccountID(&id)(s); err != nil {
				return err
			}
			var err error
			if deactivate {
				_, err = c.ServiceAccounts.Deactivate(context.Background(), id)
			} else {
				_, err = c.ServiceAccounts.Reactivate(context.Background(), id)
			}
			return err
		}
	}
	drift := func(before, after bool) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionUpdate),
			testAccExpectChange(testAccServiceAccountAddr, "active", before, after),
		}}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				// Deactivated outside Terraform: the next plan reactivates it.
				Config:             testAccServiceAccountConfig(email, nil),
				Check:              outside(true),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   drift(false, true),
			},
			{
				Config: testAccServiceAccountConfig(email, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			{
				// Reactivated outside Terraform while the configuration says false.
				Config:             testAccServiceAccountConfig(email, map[string]string{"active": "false"}),
				Check:              outside(false),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   drift(true, false),
			},
			{
				Config: testAccServiceAccountConfig(email, map[string]string{"active": "false"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("locked")),
				},
			},
		},
	})
}

func TestAccServiceAccount_invalid(t *testing.T) {
	email := testAccRandomEmail("invalid-bot")
	steps := []resource.TestStep{}
	for _, tc := range []struct {
		email string
		args  map[string]string
		want  string
	}{
		{email: "not-an-email", want: `Attribute email must be a bare email address`},
		{email: "Bot <bot@example.com>", want: `Attribute email must be a bare email address`},
		{email: "bot@localhost", want: `Attribute email must be a bare email address`},
		{email: "bot@" + strings.Repeat("a", 250) + ".com", want: `Attribute email must be a bare email address such as jane.doe@example.com (no display name, no spaces): it is 258 bytes long, more than 254`},
		{email: email, args: map[string]string{"description": fmt.Sprintf("%q", strings.Repeat("é", 501))},
			want: `Attribute description must not contain control characters or invisible formatting characters (newlines and tabs are allowed), and must be at most 500 characters long: it is 501 characters long, more than 500`},
		{email: email, args: map[string]string{"description": `"ring\u0007bell"`}, want: `Attribute description must not contain control characters`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      testAccServiceAccountConfig(tc.email, tc.args),
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

func TestAccServiceAccount_planRequired(t *testing.T) {
	free := testAccNewOrganization(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderBlock(free.Token) + testAccServiceAccountConfig(testAccRandomEmail("free-bot"), nil),
			ExpectError: regexp.MustCompile(`(?s)Error creating service account.*enterprise\s+plan;\s+this\s+organization\s+is\s+on\s+the\s+free\s+plan` +
				`.*Status:\s+403\s+plan_required.*available\s+on\s+the\s+Enterprise\s+plan\s+only`),
		}},
	})
}

// TestAccServiceAccount_deactivateAfterDowngrade: after the organization leaves the Enterprise
// plan, the API refuses to read service accounts but still deactivates them (it is how access is
// cut: their tokens authenticate until then). The refresh keeps the state with a warning, and
// active = false deactivates the account; its token stops working.
func TestAccServiceAccount_deactivateAfterDowngrade(t *testing.T) {
	org := testAccEnterpriseOrganization(t)
	email := testAccRandomEmail("downgraded-bot")
	account := func(active bool) string {
		return testAccProviderBlock(org.Token) + testAccServiceAccountConfig(email, map[string]string{"active": fmt.Sprint(active)})
	}
	token := `resource "alien_api_token" "test" {
  name               = "nightly"
  expires_in         = "30d"
  service_account_id = alien_service_account.test.id
  scope              = "read"
}
`
	var tokenValue string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			// Destroyed on the team plan (by deactivation); read back on the Enterprise plan.
			if _, err := testAccClient(t).Local.SetPlan(context.Background(), org.Organization.ID, client.PlanEnterprise); err != nil {
				return err
			}
			return testAccCheckOrgUsersLocked(org.Client)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: account(true) + token,
				Check:  testAccCaptureAttr("alien_api_token.test", "token", &tokenValue),
			},
			{
				PreConfig: func() {
					if _, err := testAccClient(t).Local.SetPlan(context.Background(), org.Organization.ID, client.PlanTeam); err != nil {
						t.Fatalf("moving organization %s to the team plan: %v", org.Organization.ID, err)
					}
					if err := testAccExpectStatus(http.MethodGet, "/datasets", tokenValue, nil, http.StatusOK); err != nil {
						t.Fatalf("after the downgrade, before the deactivation: %v", err)
					}
				},
				Config: account(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("locked")),
				},
				Check: func(*terraform.State) error {
					return testAccExpectStatus(http.MethodGet, "/datasets", tokenValue, nil, http.StatusUnauthorized)
				},
			},
		},
	})
}

func TestAccServiceAccount_emailTaken(t *testing.T) {
	c := testAccClient(t)
	ctx := context.Background()
	lockedEmail := testAccRandomEmail("locked-bot")
	locked, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: lockedEmail, Description: "retired"})
	if err != nil {
		t.Fatalf("creating service account %s: %v", lockedEmail, err)
	}
	if _, err := c.ServiceAccounts.Deactivate(ctx, locked.ID); err != nil {
		t.Fatalf("deactivating service account %s: %v", locked.ID, err)
	}
	userEmail := testAccRandomEmail("taken-by-user")
	user, err := c.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{Email: userEmail, FirstName: "Taken", LastName: "User"})
	if err != nil {
		t.Fatalf("creating managed user %s: %v", userEmail, err)
	}
	t.Cleanup(func() {
		if _, err := c.ManagedUsers.Deactivate(context.Background(), user.ID); err != nil {
			t.Errorf("deactivating managed user %s: %v", user.ID, err)
		}
	})
	id := regexp.QuoteMeta(locked.ID)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(c),
		Steps: []resource.TestStep{
			{
				// The email of a locked service account, in another case.
				Config: testAccServiceAccountConfig(strings.ToUpper(lockedEmail), nil),
				ExpectError: regexp.MustCompile(`(?s)Error creating service account.*409\s+conflict.*belongs\s+to\s+a\s+locked\s+\(deactivated\)\s+service\s+account,\s+` +
					id + `.*terraform\s+import\s+alien_service_account.<name>\s+` + id + `.*import.\s+block.*set\s+.active\s+=\s+true.\s+to\s+reactivate`),
			},
			{
				// The email of a managed user.
				Config: testAccServiceAccountConfig(userEmail, nil),
				ExpectError: regexp.MustCompile(`(?s)Error creating service account.*belongs\s+to\s+an\s+active\s+managed\s+user,\s+` +
					regexp.QuoteMeta(user.ID) + `.*cannot\s+be\s+a\s+service\s+account\s+and\s+a\s+managed\s+user.*alien_managed_user`),
			},
			{
				// Re-adoption as the documentation says: an import block, and active = true.
				Config: fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", testAccServiceAccountAddr, locked.ID) +
					testAccServiceAccountConfig(lockedEmail, map[string]string{"description": `"retired"`, "active": "true"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccServiceAccountAddr, plancheck.ResourceActionUpdate),
						testAccExpectChange(testAccServiceAccountAddr, "active", false, true),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("id"), knownvalue.StringExact(locked.ID)),
					statecheck.ExpectKnownValue(testAccServiceAccountAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
	})
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
		kind, id string
		wantOK   bool
		wantText string
	}{
		{kind: orgUserKindServiceAccount, id: "sa_abc", wantOK: true},
		{kind: orgUserKindServiceAccount, id: "mu_abc", wantText: "import it as alien_managed_user"},
		{kind: orgUserKindManagedUser, id: "mu_abc", wantOK: true},
		{kind: orgUserKindManagedUser, id: "sa_abc", wantText: "import it as alien_service_account"},
		{kind: orgUserKindManagedUser, id: " ", wantText: "The import id is empty"},
	} {
		var diags diag.Diagnostics
		ok := orgUserImportIDOK(&diags, tc.kind, tc.id)
		if ok != tc.wantOK || ok == diags.HasError() {
			t.Errorf("%s %q: ok %v, diagnostics %v; want ok %v", tc.kind, tc.id, ok, diags, tc.wantOK)
			continue
		}
		if !ok && !strings.Contains(diags.Errors()[0].Detail(), tc.wantText) {
			t.Errorf("%s %q: %q lacks %q", tc.kind, tc.id, diags.Errors()[0].Detail(), tc.wantText)
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
		{name: "deactivate", state: part2aPtr(model(types.BoolValue(true), types.StringNull())), planActive: types.BoolValue(false),
			wantStatus: types.StringValue("locked"), wantLockedAt: types.StringUnknown()},
		{name: "stays deactivated", state: part2aPtr(model(types.BoolValue(false), types.StringValue(lockedAt))), planActive: types.BoolValue(false),
			wantStatus: types.StringValue("locked"), wantLockedAt: types.StringValue(lockedAt)},
		{name: "reactivate", state: part2aPtr(model(types.BoolValue(false), types.StringValue(lockedAt))), planActive: types.BoolValue(true),
			wantStatus: types.StringValue("active"), wantLockedAt: types.StringNull()},
		{name: "active unknown", state: part2aPtr(model(types.BoolValue(true), types.StringNull())), planActive: types.BoolUnknown(),
			wantStatus: types.StringUnknown(), wantLockedAt: types.StringUnknown()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := tfsdk.Plan(testResourceState(t, r, part2aPtr(model(tc.planActive, types.StringUnknown()))))
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

// part2aPtr returns a pointer to a copy of v.
func part2aPtr[T any](v T) *T { return &v }
