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
		{email: "bot@" + strings.Repeat("a", 250) + ".com", want: `Attribute email string length must be between 3 and 254`},
		{email: email, args: map[string]string{"description": fmt.Sprintf("%q", strings.Repeat("é", 501))},
			want: `Attribute description UTF-8 character count must be at most 500`},
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

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*serviceAccountResource) testModel() any { return &serviceAccountResourceModel{} }
