package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccInvitationAddr = "alien_invitation.test"

// testAccInvitationConfig is an alien_invitation named test.
func testAccInvitationConfig(email, role string) string {
	return fmt.Sprintf(`
resource "alien_invitation" "test" {
  email = %q
  role  = %q
}
`, email, role)
}

// testAccCheckInvitationsEnded is a CheckDestroy: every alien_invitation of the state that was
// not accepted is revoked (or gone); an accepted one is untouched, and its member still there.
func testAccCheckInvitationsEnded(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		ctx := context.Background()
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "alien_invitation" {
				continue
			}
			inv, err := c.Invitations.Read(ctx, rs.Primary.ID)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			switch inv.Status {
			case client.InvitationRevoked:
			case client.InvitationAccepted:
				if rs.Primary.Attributes["status"] != string(client.InvitationAccepted) {
					return fmt.Errorf("invitation %s was accepted behind the state's back", inv.ID)
				}
				if _, err := c.Members.Read(ctx, invitationMemberID(inv)); err != nil {
					return fmt.Errorf("destroying accepted invitation %s touched its member: %w", inv.ID, err)
				}
			default:
				return fmt.Errorf("invitation %s is still %s after destroy", inv.ID, inv.Status)
			}
		}
		return nil
	}
}

func TestAccInvitation_basic(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("invitation-basic")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	t.Cleanup(func() {
		// The accepted invitation's member outlives the invitation (destroy only forgets it).
		if m, err := c.Members.ReadByEmail(context.Background(), email); err == nil {
			if err := c.Members.Delete(context.Background(), m.ID); err != nil && !isNotFound(err) {
				t.Errorf("removing member %s: %v", m.ID, err)
			}
		}
	})

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInvitationsEnded(c),
		Steps: []resource.TestStep{
			{
				Config: testAccInvitationConfig(email, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^inv_`))),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("email"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("role"), knownvalue.StringExact("viewer")),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("sent_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("accepted_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("member_id"), knownvalue.Null()),
					sameID.AddStateValue(testAccInvitationAddr, tfjsonpath.New("id")),
				},
				Check: testAccCheckEmails(t, email, "invitation", 1),
			},
			{
				Config: testAccInvitationConfig(email, "writer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("role"), knownvalue.StringExact("writer")),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					sameID.AddStateValue(testAccInvitationAddr, tfjsonpath.New("id")),
				},
				Check: testAccCheckEmails(t, email, "invitation", 1),
			},
			{
				ResourceName:      testAccInvitationAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    testAccInvitationAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Accepted: it stays, as accepted, with no diff.
				PreConfig: func() { testAccAcceptInvitation(t, email) },
				Config:    testAccInvitationConfig(email, "writer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("member_id"), knownvalue.StringRegexp(regexp.MustCompile(`^mem_`))),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("accepted_at"), knownvalue.NotNull()),
					sameID.AddStateValue(testAccInvitationAddr, tfjsonpath.New("id")),
				},
			},
			{
				// The role of an accepted invitation cannot change.
				Config:      testAccInvitationConfig(email, "owner"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot change the role of an accepted invitation.*alien_member`),
			},
			{
				// Still fine with the accepted invitation's own role; destroying it only forgets it
				// (CheckDestroy: the member is still there).
				Config:   testAccInvitationConfig(email, "writer"),
				PlanOnly: true,
			},
		},
	})
}

func TestAccInvitation_validation(t *testing.T) {
	for _, tc := range []struct {
		name, email, role, errRe string
	}{
		{"bad email", "jane@@example.com", "viewer", `(?s)alien_invitation\.test.*Attribute email must be a bare email address`},
		{"unknown role", "jane@example.com", "Owner", `(?s)alien_invitation\.test.*Attribute role value must be one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccInvitationConfig(tc.email, tc.role),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.errRe),
				}},
			})
		})
	}
}

// TestAccInvitation_disappears changes the invitation's role outside Terraform (the next plan
// changes it back, in place), then revokes it outside Terraform: it leaves state, and the next
// plan creates it again.
func TestAccInvitation_disappears(t *testing.T) {
	c := testAccClient(t)
	email := testAccRandomEmail("invitation-gone")
	invitationID := func(s *terraform.State) string { return s.RootModule().Resources[testAccInvitationAddr].Primary.ID }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInvitationsEnded(c),
		Steps: []resource.TestStep{
			{
				Config: testAccInvitationConfig(email, "viewer"),
				Check: func(s *terraform.State) error {
					_, err := c.Invitations.Update(context.Background(), invitationID(s), client.InvitationUpdateOptions{Role: client.RoleOwner})
					return err
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionUpdate),
						testAccExpectChange(testAccInvitationAddr, "role", "owner", "viewer"),
					},
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: testAccInvitationConfig(email, "viewer"),
				Check: func(s *terraform.State) error {
					return c.Invitations.Revoke(context.Background(), invitationID(s))
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionCreate),
					},
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccInvitation_email changes only the letter case of the email (an in-place update that sends
// nothing), then the address (a replacement: the old invitation is revoked, the new address
// invited).
func TestAccInvitation_email(t *testing.T) {
	c := testAccClient(t)
	mixed := testAccMixedCaseEmail("Invitation-Case")
	lower := strings.ToLower(mixed)
	other := "other-" + lower
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var firstID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInvitationsEnded(c),
		Steps: []resource.TestStep{
			{
				Config: testAccInvitationConfig(lower, "viewer"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testAccInvitationAddr, tfjsonpath.New("id")),
				},
				Check: testAccCaptureAttr(testAccInvitationAddr, "id", &firstID),
			},
			{
				Config: testAccInvitationConfig(mixed, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("email"), knownvalue.StringExact(mixed)),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					sameID.AddStateValue(testAccInvitationAddr, tfjsonpath.New("id")),
				},
				Check: testAccCheckEmails(t, lower, "invitation", 1),
			},
			{
				Config: testAccInvitationConfig(other, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("email"), knownvalue.StringExact(other)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckEmails(t, other, "invitation", 1),
					func(*terraform.State) error {
						inv, err := c.Invitations.Read(context.Background(), firstID)
						if err != nil {
							return fmt.Errorf("reading the replaced invitation %s: %w", firstID, err)
						}
						if inv.Status != client.InvitationRevoked {
							return fmt.Errorf("the replaced invitation %s is %s, want revoked", firstID, inv.Status)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccInvitation_expiry lets the invitation expire (the clock moves 8 days): an in-place
// update, status "expired" -> "pending", sends it again. Not parallel: it moves the clock.
func TestAccInvitation_expiry(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("invitation-expiry")
	sentAgain := statecheck.CompareValue(compare.ValuesDiffer())

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInvitationsEnded(c),
		Steps: []resource.TestStep{
			{
				Config: testAccInvitationConfig(email, "viewer"),
				ConfigStateChecks: []statecheck.StateCheck{
					sentAgain.AddStateValue(testAccInvitationAddr, tfjsonpath.New("expires_at")),
				},
			},
			{
				PreConfig: func() { testAccAdvanceClock(t, 8*24*time.Hour) },
				Config:    testAccInvitationConfig(email, "writer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccInvitationAddr, plancheck.ResourceActionUpdate),
						testAccExpectChange(testAccInvitationAddr, "status", "expired", "pending"),
						plancheck.ExpectUnknownValue(testAccInvitationAddr, tfjsonpath.New("expires_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(testAccInvitationAddr, tfjsonpath.New("role"), knownvalue.StringExact("writer")),
					sentAgain.AddStateValue(testAccInvitationAddr, tfjsonpath.New("expires_at")),
				},
				Check: testAccCheckEmails(t, email, "invitation", 2),
			},
		},
	})
}

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*invitationResource) testModel() any { return &invitationModel{} }
