package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// testAccCheckPeopleGone is a CheckDestroy: no alien_member of the state is still a member or
// invited, as c sees the organization.
func testAccCheckPeopleGone(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "alien_member" {
				continue
			}
			email := rs.Primary.Attributes["email"]
			p, err := lookupMemberPerson(context.Background(), c, email, "")
			if err != nil {
				return fmt.Errorf("looking up %s: %w", email, err)
			}
			if p.exists() {
				return fmt.Errorf("%s is still %s after destroy", email, p.status())
			}
		}
		return nil
	}
}

func TestMemberPickInvitation(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	inv := func(id string, status client.InvitationStatus, sentDays int) *client.Invitation {
		return &client.Invitation{ID: id, Status: status, SentAt: t0.AddDate(0, 0, sentDays)}
	}
	for _, tc := range []struct {
		name string
		invs []*client.Invitation
		want string // "" for nil
	}{
		{"none", nil, ""},
		{"one pending", []*client.Invitation{inv("a", client.InvitationPending, 0)}, "a"},
		{"one expired", []*client.Invitation{inv("a", client.InvitationExpired, 0)}, "a"},
		{"only revoked", []*client.Invitation{inv("a", client.InvitationRevoked, 0)}, ""},
		{"accepted, member gone", []*client.Invitation{inv("a", client.InvitationAccepted, 0)}, ""},
		{"pending beats a newer expired one", []*client.Invitation{
			inv("a", client.InvitationPending, 5), inv("b", client.InvitationExpired, 1)}, "a"},
		{"an older expired one resent is pending", []*client.Invitation{
			inv("a", client.InvitationPending, 9), inv("b", client.InvitationExpired, 2)}, "a"},
		{"expired, then revoked: gone", []*client.Invitation{
			inv("a", client.InvitationExpired, 0), inv("b", client.InvitationRevoked, 1)}, ""},
		{"revoked, then expired: the expired one", []*client.Invitation{
			inv("a", client.InvitationRevoked, 0), inv("b", client.InvitationExpired, 1)}, "b"},
		{"two pending: the last sent", []*client.Invitation{
			inv("a", client.InvitationPending, 3), inv("b", client.InvitationPending, 1)}, "a"},
		{"same sending time: the later created", []*client.Invitation{
			inv("a", client.InvitationExpired, 1), inv("b", client.InvitationExpired, 1)}, "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := memberPickInvitation(tc.invs)
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("picked %s, want none", got.ID)
			case tc.want != "" && (got == nil || got.ID != tc.want):
				t.Errorf("picked %v, want %s", got, tc.want)
			}
		})
	}
}

func TestMemberFromAPI(t *testing.T) {
	joined := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	active := memberFromAPI(memberPerson{member: &client.Member{
		ID: "mem_1", UserID: "usr_1", Email: "jane@example.com", Role: client.RoleWriter, JoinedAt: joined,
	}}, "Jane@Example.com")
	want := memberModel{
		ID: types.StringValue("mem_1"), Email: types.StringValue("Jane@Example.com"),
		Role: types.StringValue("writer"), Status: types.StringValue("active"),
		UserID: types.StringValue("usr_1"), JoinedAt: types.StringValue("2026-02-03T04:05:06Z"),
		InvitationID: types.StringNull(), ExpiresAt: types.StringNull(),
	}
	if active != want {
		t.Errorf("active member:\n got %+v\nwant %+v", active, want)
	}

	expired := memberFromAPI(memberPerson{invitation: &client.Invitation{
		ID: "inv_1", Email: "joe@example.com", Role: client.RoleViewer, Status: client.InvitationExpired,
		ExpiresAt: joined,
	}}, "someone.else@example.com")
	want = memberModel{
		ID: types.StringValue("inv_1"), Email: types.StringValue("joe@example.com"),
		Role: types.StringValue("viewer"), Status: types.StringValue("expired"),
		UserID: types.StringNull(), JoinedAt: types.StringNull(),
		InvitationID: types.StringValue("inv_1"), ExpiresAt: types.StringValue("2026-02-03T04:05:06Z"),
	}
	if expired != want {
		t.Errorf("expired invitation:\n got %+v\nwant %+v", expired, want)
	}
}

func TestMemberActiveOwnerLosesRole(t *testing.T) {
	model := func(status, role string) memberModel {
		return memberModel{Status: types.StringValue(status), Role: types.StringValue(role)}
	}
	owner := model("active", "owner")
	writer := model("active", "writer")
	unknownRole := memberModel{Role: types.StringUnknown()}
	for _, tc := range []struct {
		name  string
		state memberModel
		plan  *memberModel
		want  bool
	}{
		{"owner removed", owner, nil, true},
		{"owner demoted", owner, &writer, true},
		{"owner stays owner", owner, &owner, false},
		{"owner, role unknown", owner, &unknownRole, false},
		{"writer removed", writer, nil, false},
		{"invited owner removed", model("invited", "owner"), nil, false},
		{"expired owner demoted", model("expired", "owner"), &writer, false},
	} {
		if got := memberActiveOwnerLosesRole(tc.state, tc.plan); got != tc.want {
			t.Errorf("%s: got %t, want %t", tc.name, got, tc.want)
		}
	}
}

// testAccMemberConfig is an alien_member named test.
func testAccMemberConfig(email, role string) string {
	return fmt.Sprintf(`
resource "alien_member" "test" {
  email = %q
  role  = %q
}
`, email, role)
}

const testAccMemberAddr = "alien_member.test"

func TestAccMember_basic(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("member-basic")
	sameInvitation := statecheck.CompareValue(compare.ValuesSame())
	idChanges := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPeopleGone(c),
		Steps: []resource.TestStep{
			{
				// Invited.
				Config: testAccMemberConfig(email, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMemberAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^inv_`))),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("email"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("role"), knownvalue.StringExact("viewer")),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("user_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("joined_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					statecheck.CompareValuePairs(testAccMemberAddr, tfjsonpath.New("id"), testAccMemberAddr, tfjsonpath.New("invitation_id"), compare.ValuesSame()),
					sameInvitation.AddStateValue(testAccMemberAddr, tfjsonpath.New("invitation_id")),
					idChanges.AddStateValue(testAccMemberAddr, tfjsonpath.New("id")),
				},
				Check: testAccCheckEmails(t, email, "invitation", 1),
			},
			{
				// The role of the pending invitation changes in place; nothing is sent again.
				Config: testAccMemberConfig(email, "writer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMemberAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("role"), knownvalue.StringExact("writer")),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					sameInvitation.AddStateValue(testAccMemberAddr, tfjsonpath.New("invitation_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckEmails(t, email, "invitation", 1),
					func(*terraform.State) error {
						invs, err := c.Invitations.List(context.Background(), client.InvitationListOptions{Email: &email})
						if err != nil {
							return err
						}
						if len(invs) != 1 || invs[0].Role != client.RoleWriter {
							return fmt.Errorf("want one writer invitation for %s, got %+v", email, invs)
						}
						return nil
					},
				),
			},
			{
				// Imported by invitation id while invited.
				ResourceName:      testAccMemberAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccAttribute(testAccMemberAddr, "invitation_id"),
				ImportStateVerify: true,
			},
			{
				// Accepted outside Terraform: the refresh shows it, with no diff and no error.
				PreConfig: func() { testAccAcceptInvitation(t, email) },
				Config:    testAccMemberConfig(email, "writer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^mem_`))),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("role"), knownvalue.StringExact("writer")),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("user_id"), knownvalue.StringRegexp(regexp.MustCompile(`^usr_`))),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("joined_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("invitation_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					idChanges.AddStateValue(testAccMemberAddr, tfjsonpath.New("id")),
				},
			},
			{
				// The member's role changes in place.
				Config: testAccMemberConfig(email, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccMemberAddr, plancheck.ResourceActionUpdate),
						// An active member's server-set values are known in the plan.
						plancheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						plancheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^mem_`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("role"), knownvalue.StringExact("viewer")),
				},
				Check: func(*terraform.State) error {
					m, err := c.Members.ReadByEmail(context.Background(), email)
					if err != nil {
						return err
					}
					if m.Role != client.RoleViewer {
						return fmt.Errorf("member %s is %s, want viewer", m.ID, m.Role)
					}
					return nil
				},
			},
			{
				// Imported by email, and by member id.
				ResourceName:      testAccMemberAddr,
				ImportState:       true,
				ImportStateId:     email,
				ImportStateVerify: true,
			},
			{
				ResourceName:      testAccMemberAddr,
				ImportState:       true,
				ImportStateIdFunc: testAccAttribute(testAccMemberAddr, "id"),
				ImportStateVerify: true,
			},
			{
				ResourceName:      testAccMemberAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: testAccAttribute(testAccMemberAddr, "id"),
			},
		},
	})
}

// testAccAttribute answers an attribute of a resource in state, as an import id.
func testAccAttribute(addr, attribute string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in state", addr)
		}
		v := rs.Primary.Attributes[attribute]
		if v == "" {
			return "", fmt.Errorf("%s.%s is empty", addr, attribute)
		}
		return v, nil
	}
}

func TestAccMember_validation(t *testing.T) {
	for _, tc := range []struct {
		name, email, role, errRe string
	}{
		{"bad email", "not-an-email", "viewer", `(?s)alien_member\.test.*Attribute email must be a bare email address`},
		{"email without domain", "jane@localhost", "viewer", `(?s)Attribute email must be a bare email address`},
		{"unknown role", "jane@example.com", "admin", `(?s)alien_member\.test.*Attribute role value must be one of:.*"viewer".*"writer".*"owner".*got:\s+"admin"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccMemberConfig(tc.email, tc.role),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.errRe),
				}},
			})
		})
	}
}

// TestAccMember_adopt creates alien_members for a person who is already a member (another role)
// and one with a pending invitation: both are adopted, nobody is invited twice.
func TestAccMember_adopt(t *testing.T) {
	// Parallel before the setup: setup code before t.Parallel runs among the sequential tests,
	// one of which may move the clock and expire what it created.
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	memberEmail := testAccRandomEmail("member-adopt-active")
	invitedEmail := testAccRandomEmail("member-adopt-invited")
	existing := testAccInviteAndAccept(t, c, memberEmail, client.RoleViewer)
	pending := testAccInvite(t, c, invitedEmail, client.RoleViewer)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPeopleGone(c),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "alien_member" "active" {
  email = %q
  role  = "writer"
}

resource "alien_member" "invited" {
  email = %q
  role  = "writer"
}
`, memberEmail, invitedEmail),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("alien_member.active", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
				statecheck.ExpectKnownValue("alien_member.active", tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue("alien_member.active", tfjsonpath.New("role"), knownvalue.StringExact("writer")),
				statecheck.ExpectKnownValue("alien_member.invited", tfjsonpath.New("id"), knownvalue.StringExact(pending.ID)),
				statecheck.ExpectKnownValue("alien_member.invited", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				statecheck.ExpectKnownValue("alien_member.invited", tfjsonpath.New("role"), knownvalue.StringExact("writer")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				testAccCheckEmails(t, invitedEmail, "invitation", 1),
				func(*terraform.State) error {
					m, err := c.Members.Read(context.Background(), existing.ID)
					if err != nil {
						return err
					}
					if m.Role != client.RoleWriter {
						return fmt.Errorf("the adopted member is %s, want writer", m.Role)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccMember_disappears removes a member and revokes an invitation outside Terraform: the
// next plan creates both again.
func TestAccMember_disappears(t *testing.T) {
	// Parallel before the setup: setup code before t.Parallel runs among the sequential tests,
	// one of which may move the clock and expire what it created.
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	activeEmail := testAccRandomEmail("member-gone-active")
	invitedEmail := testAccRandomEmail("member-gone-invited")
	testAccInviteAndAccept(t, c, activeEmail, client.RoleViewer)

	config := fmt.Sprintf(`
resource "alien_member" "active" {
  email = %q
  role  = "viewer"
}

resource "alien_member" "invited" {
  email = %q
  role  = "viewer"
}
`, activeEmail, invitedEmail)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPeopleGone(c),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				ctx := context.Background()
				if err := c.Members.Delete(ctx, s.RootModule().Resources["alien_member.active"].Primary.ID); err != nil {
					return err
				}
				return c.Invitations.Revoke(ctx, s.RootModule().Resources["alien_member.invited"].Primary.ID)
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("alien_member.active", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("alien_member.invited", plancheck.ResourceActionCreate),
				},
			},
			ExpectNonEmptyPlan: true,
		}},
	})
}

// TestAccMember_emailCase changes only the letter case of the email: an in-place update, not a
// replacement, and state follows the configuration's spelling.
func TestAccMember_emailCase(t *testing.T) {
	c := testAccClient(t)
	lower := testAccRandomEmail("member-case")
	mixed := strings.ToUpper(lower[:1]) + lower[1:strings.Index(lower, "@")] + "@EXAMPLE.com"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPeopleGone(c),
		Steps: []resource.TestStep{
			{
				Config: testAccMemberConfig(mixed, "viewer"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("email"), knownvalue.StringExact(mixed)),
				},
			},
			{
				Config: testAccMemberConfig(lower, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMemberAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("email"), knownvalue.StringExact(lower)),
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
			{
				// Another address replaces the member.
				Config: testAccMemberConfig("other-"+lower, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAccMemberAddr, plancheck.ResourceActionReplace)},
				},
				Check: func(*terraform.State) error {
					p, err := lookupMemberPerson(context.Background(), c, lower, "")
					if err != nil {
						return err
					}
					if p.exists() {
						return fmt.Errorf("the replaced person %s is still %s", lower, p.status())
					}
					return nil
				},
			},
		},
	})
}

// TestAccMember_expiry lets an invitation expire (the clock moves 8 days): the plan shows an
// in-place update, status "expired" -> "invited", and the apply sends it again. Not parallel: it
// moves the clock every test shares.
func TestAccMember_expiry(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("member-expiry")
	expiryChanges := statecheck.CompareValue(compare.ValuesDiffer())
	sameInvitation := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPeopleGone(c),
		Steps: []resource.TestStep{
			{
				Config: testAccMemberConfig(email, "viewer"),
				ConfigStateChecks: []statecheck.StateCheck{
					expiryChanges.AddStateValue(testAccMemberAddr, tfjsonpath.New("expires_at")),
					sameInvitation.AddStateValue(testAccMemberAddr, tfjsonpath.New("id")),
				},
			},
			{
				PreConfig: func() { testAccAdvanceClock(t, 8*24*time.Hour) },
				Config:    testAccMemberConfig(email, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccMemberAddr, plancheck.ResourceActionUpdate),
						testAccExpectChange(testAccMemberAddr, "status", "expired", "invited"),
						plancheck.ExpectUnknownValue(testAccMemberAddr, tfjsonpath.New("expires_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccMemberAddr, tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					expiryChanges.AddStateValue(testAccMemberAddr, tfjsonpath.New("expires_at")),
					sameInvitation.AddStateValue(testAccMemberAddr, tfjsonpath.New("id")),
				},
				Check: testAccCheckEmails(t, email, "invitation", 2),
			},
		},
	})
}

// TestAccMember_lastOwner manages the only owner of a new organization: demoting or removing it
// fails at plan time.
func TestAccMember_lastOwner(t *testing.T) {
	// Parallel before the setup: setup code before t.Parallel runs among the sequential tests,
	// one of which may move the clock and expire what it created.
	t.Parallel()
	testAccRequireCLI(t, "a removed block (it forgets the last owner at the end)", testAccCLIHasRemovedBlocks)
	org := testAccNewOrganization(t)
	owners, err := org.Client.Members.List(context.Background(), client.MemberListOptions{})
	if err != nil || len(owners) != 1 {
		t.Fatalf("listing the new organization's members: %v, %d members", err, len(owners))
	}
	owner := owners[0]
	providerBlock := testAccAliasedProviderBlock("org", org.Token)
	memberConfig := func(role string) string {
		return testAccConfigJoin(providerBlock, fmt.Sprintf(`
resource "alien_member" "owner" {
  provider = alien.org
  email    = %q
  role     = %q
}
`, owner.Email, role))
	}
	which := regexp.QuoteMeta(owner.Email) + `\s+\(` + owner.ID + `\)`

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Nothing was removed: the owner is still there.
			_, err := org.Client.Members.Read(context.Background(), owner.ID)
			return err
		},
		Steps: []resource.TestStep{
			{
				Config:             memberConfig("owner"),
				ResourceName:       "alien_member.owner",
				ImportState:        true,
				ImportStateId:      owner.Email,
				ImportStatePersist: true,
			},
			{
				Config:      memberConfig("writer"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot demote the organization's last owner.*This\s+plan\s+demotes\s+member\s+` + which + `.*Make\s+another\s+member\s+an\s+owner\s+first`),
			},
			{
				Config:      providerBlock,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot remove the organization's last owner.*This\s+plan\s+removes\s+member\s+` + which + `.*Make\s+another\s+member\s+an\s+owner\s+first`),
			},
			{
				// Forget the owner without touching it.
				Config: testAccConfigJoin(providerBlock, `
removed {
  from = alien_member.owner
  lifecycle {
    destroy = false
  }
}
`),
			},
		},
	})
}

// TestAccMember_twoOwnersRemoved removes both owners of an organization in one run: the plan
// cannot see it (each one has another owner), and the API's refusal says what happened.
func TestAccMember_twoOwnersRemoved(t *testing.T) {
	// Parallel before the setup: setup code before t.Parallel runs among the sequential tests,
	// one of which may move the clock and expire what it created.
	t.Parallel()
	testAccRequireCLI(t, "removed blocks (they forget the owner left at the end)", testAccCLIHasRemovedBlocks)
	org := testAccNewOrganization(t)
	owners, err := org.Client.Members.List(context.Background(), client.MemberListOptions{})
	if err != nil || len(owners) != 1 {
		t.Fatalf("listing the new organization's members: %v, %d members", err, len(owners))
	}
	second := testAccRandomEmail("second-owner")
	// No cleanup of its own: either owner may be the one left, and the organization goes anyway.
	testAccInvite(t, org.Client, second, client.RoleOwner)
	testAccAcceptInvitation(t, second)
	providerBlock := testAccAliasedProviderBlock("org", org.Token)
	bothConfig := testAccConfigJoin(providerBlock, fmt.Sprintf(`
resource "alien_member" "first" {
  provider = alien.org
  email    = %q
  role     = "owner"
}

resource "alien_member" "second" {
  provider = alien.org
  email    = %q
  role     = "owner"
}
`, owners[0].Email, second))

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Both adopted.
				Config: bothConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config:      providerBlock,
				ExpectError: regexp.MustCompile(`(?s)Error deleting member.*last\s+owner.*another\s+change\s+in\s+this\s+run\s+\(or\s+outside\s+Terraform\)\s+has\s+removed\s+or\s+demoted\s+the\s+other\s+owners`),
			},
			{
				// Forget whichever is left.
				Config: testAccConfigJoin(providerBlock, `
removed {
  from = alien_member.first
  lifecycle {
    destroy = false
  }
}

removed {
  from = alien_member.second
  lifecycle {
    destroy = false
  }
}
`),
				Check: func(*terraform.State) error {
					left, err := org.Client.Members.List(context.Background(), client.MemberListOptions{})
					if err != nil {
						return err
					}
					if len(left) != 1 || left[0].Role != client.RoleOwner {
						return fmt.Errorf("want one owner left, got %+v", left)
					}
					return nil
				},
			},
		},
	})
}

// TestMemberModifyPlan_ownersReadOnlyWhenNeeded runs alien_member's ModifyPlan against a server
// that records requests: only a plan that removes or demotes an active owner reads the owners
// list, and it fails when that owner is the only one.
func TestMemberModifyPlan_ownersReadOnlyWhenNeeded(t *testing.T) {
	var (
		mu       sync.Mutex
		requests []string
		owners   = `[{"id":"mem_owner","user_id":"usr_1","email":"boss@example.com","name":null,"role":"owner","joined_at":"2026-01-01T00:00:00Z"}]`
	)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":` + owners + `,"next_cursor":null}`))
	}))
	defer server.Close()
	c, err := client.New(client.Config{Endpoint: server.URL, Token: "oat_a.b", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &memberResource{client: c}
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	sch := schemaResp.Schema

	model := func(id, status, role string) *memberModel {
		m := memberModel{
			ID: types.StringValue(id), Email: types.StringValue("boss@example.com"), Role: types.StringValue(role),
			Status: types.StringValue(status), UserID: types.StringNull(), JoinedAt: types.StringNull(),
			InvitationID: types.StringNull(), ExpiresAt: types.StringNull(),
		}
		return &m
	}
	toState := func(m *memberModel) tfsdk.State {
		s := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
		if m != nil {
			if diags := s.Set(ctx, m); diags.HasError() {
				t.Fatal(diags)
			}
		}
		return s
	}
	for _, tc := range []struct {
		name        string
		state, plan *memberModel
		wantRequest bool
		wantError   string
	}{
		{"active owner demoted", model("mem_owner", "active", "owner"), model("mem_owner", "active", "writer"), true, "Cannot demote the organization's last owner"},
		{"active owner removed", model("mem_owner", "active", "owner"), nil, true, "Cannot remove the organization's last owner"},
		{"another owner removed", model("mem_other", "active", "owner"), nil, true, ""},
		{"active writer promoted", model("mem_owner", "active", "writer"), model("mem_owner", "active", "owner"), false, ""},
		{"active writer removed", model("mem_owner", "active", "writer"), nil, false, ""},
		{"invited owner removed", model("inv_1", "invited", "owner"), nil, false, ""},
		{"owner unchanged", model("mem_owner", "active", "owner"), model("mem_owner", "active", "owner"), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			requests = nil
			mu.Unlock()
			plan := toState(tc.plan)
			req := fwresource.ModifyPlanRequest{State: toState(tc.state), Plan: tfsdk.Plan(plan)}
			resp := &fwresource.ModifyPlanResponse{Plan: tfsdk.Plan(plan)}
			r.ModifyPlan(ctx, req, resp)

			mu.Lock()
			got := append([]string(nil), requests...)
			mu.Unlock()
			switch {
			case tc.wantRequest && (len(got) != 1 || !strings.HasPrefix(got[0], "GET /members?") || !strings.Contains(got[0], "role=owner")):
				t.Errorf("requests %v, want one GET /members?role=owner", got)
			case !tc.wantRequest && len(got) != 0:
				t.Errorf("requests %v, want none", got)
			}
			switch {
			case tc.wantError == "" && resp.Diagnostics.HasError():
				t.Errorf("unexpected error: %v", resp.Diagnostics)
			case tc.wantError != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), tc.wantError)):
				t.Errorf("diagnostics %v, want %q", resp.Diagnostics, tc.wantError)
			case tc.wantError != "" && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "boss@example.com (mem_owner)"):
				t.Errorf("the error does not name the member: %s", resp.Diagnostics.Errors()[0].Detail())
			}
		})
	}
}

func TestMemberWriteError(t *testing.T) {
	lastOwner := &client.APIError{StatusCode: 409, Code: client.CodeLastOwner, RequestID: "req_1",
		Message: "member mem_1 (boss@example.com) is the last owner of the organization and cannot be removed; make another member an owner first"}
	const hint = "another change in this run"
	checked := memberWriteError("deleting", "boss@example.com", true, lastOwner)
	if checked.Summary() != "Error deleting member" || !strings.Contains(checked.Detail(), lastOwner.Message) ||
		!strings.Contains(checked.Detail(), hint) || !strings.Contains(checked.Detail(), "req_1") {
		t.Errorf("plan-checked last-owner conflict: %s: %s", checked.Summary(), checked.Detail())
	}
	if d := memberWriteError("creating", "boss@example.com", false, lastOwner); strings.Contains(d.Detail(), hint) {
		t.Errorf("a conflict the plan did not check got the hint: %s", d.Detail())
	}
	// The decision is the code's, never the message's: another conflict gets no hint, even one
	// whose message mentions the last owner.
	for _, message := range []string{"something else", "the last owner is busy"} {
		other := &client.APIError{StatusCode: 409, Code: client.CodeConflict, Message: message}
		if d := memberWriteError("updating", "x@example.com", true, other); strings.Contains(d.Detail(), hint) {
			t.Errorf("another conflict (%q) got the hint: %s", message, d.Detail())
		}
	}
}

// testModel is an empty value of the model of the resource, which TestModelsMatchSchemas checks
// against its schema.
func (*memberResource) testModel() any { return &memberModel{} }

// testMemberProvider is one provider server, as one Terraform run starts it, configured with an
// endpoint and a token: TestMember_concurrentRunsAdopt drives alien_member's Create through it the
// way Terraform does (PlanResourceChange, then ApplyResourceChange).
type testMemberProvider struct {
	server tfprotov6.ProviderServer
	member tftypes.Object // alien_member's type
}

func newTestMemberProvider(t *testing.T, endpoint, token string) *testMemberProvider {
	t.Helper()
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("provider schema: %v %v", err, schemas.Diagnostics)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, typ := range providerType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	values["endpoint"], values["token"] = str(endpoint), str(token)
	config, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, values))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configuring the provider: %v %v", err, resp.Diagnostics)
	}
	return &testMemberProvider{server: server, member: schemas.ResourceSchemas["alien_member"].ValueType().(tftypes.Object)}
}

// create plans and applies a new alien_member; it answers the new state's attributes, or the
// error diagnostics.
func (p *testMemberProvider) create(ctx context.Context, email, role string) (map[string]tftypes.Value, error) {
	config := map[string]tftypes.Value{}
	proposed := map[string]tftypes.Value{}
	for name, typ := range p.member.AttributeTypes {
		config[name] = tftypes.NewValue(typ, nil)
		proposed[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	config["email"], config["role"] = str(email), str(role)
	proposed["email"], proposed["role"] = str(email), str(role)
	dyn := func(v map[string]tftypes.Value) *tfprotov6.DynamicValue {
		d, err := tfprotov6.NewDynamicValue(p.member, tftypes.NewValue(p.member, v))
		if err != nil {
			panic(err)
		}
		return &d
	}
	null, err := tfprotov6.NewDynamicValue(p.member, tftypes.NewValue(p.member, nil))
	if err != nil {
		return nil, err
	}
	plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "alien_member", PriorState: &null, ProposedNewState: dyn(proposed), Config: dyn(config),
	})
	if err != nil || diagsError(plan.Diagnostics) != nil {
		return nil, errors.Join(err, diagsError(plan.Diagnostics))
	}
	applied, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "alien_member", PriorState: &null, PlannedState: plan.PlannedState, Config: dyn(config),
		PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil || diagsError(applied.Diagnostics) != nil {
		return nil, errors.Join(err, diagsError(applied.Diagnostics))
	}
	state, err := applied.NewState.Unmarshal(p.member)
	if err != nil {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	return attrs, state.As(&attrs)
}

// TestMember_concurrentRunsAdopt: two runs with two states apply the same 20 alien_member at
// once (a pipeline re-run while the first run still goes), truly in parallel: 40 Creates, each
// through its run's provider server. In front of alien-local, a gate holds each person's first
// invitation until both runs have looked the person up, so that every pair races: both find
// nothing, both invite, and one invitation of each pair answers 409 invitation_pending. That
// Create reads again and adopts the invitation, as a Create that had found it would. Both states
// end with the same invitation, and nobody is invited twice.
func TestMember_concurrentRunsAdopt(t *testing.T) {
	const people = 20
	ctx := context.Background()
	srv, err := localapi.NewServer(ctx, localapi.Config{
		DBPath:        ":memory:",
		ContractCheck: func(err error) { t.Errorf("contract violation: %v", err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		lookups = map[string]int{}           // GET /invitations?email=... per email
		looked  = map[string]chan struct{}{} // closed once both runs looked the email up
		raced   atomic.Int64
	)
	bothLooked := func(email string) chan struct{} {
		if looked[email] == nil {
			looked[email] = make(chan struct{})
		}
		return looked[email]
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/invitations" && r.URL.Query().Get("email") != "" {
			// Counted once answered: the answer was read before any invitation was let through.
			defer func() {
				email := strings.ToLower(r.URL.Query().Get("email"))
				mu.Lock()
				if lookups[email]++; lookups[email] == 2 {
					close(bothLooked(email))
				}
				mu.Unlock()
			}()
		}
		if r.Method == http.MethodPost && r.URL.Path == "/invitations" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var inv struct{ Email string }
			_ = json.Unmarshal(body, &inv)
			mu.Lock()
			wait := bothLooked(strings.ToLower(inv.Email))
			mu.Unlock()
			select {
			case <-wait:
			case <-time.After(10 * time.Second):
				t.Errorf("the other run never looked %s up", inv.Email)
			}
		}
		rec := &statusRecorder{ResponseWriter: w}
		srv.Handler().ServeHTTP(rec, r)
		if r.Method == http.MethodPost && r.URL.Path == "/invitations" && rec.status == http.StatusConflict {
			raced.Add(1)
		}
	}))
	t.Cleanup(func() { api.Close(); _ = srv.Close() })
	token := srv.Bootstrap().Token

	runs := []*testMemberProvider{newTestMemberProvider(t, api.URL, token), newTestMemberProvider(t, api.URL, token)}
	states := make([][]map[string]tftypes.Value, len(runs))
	errs := make([][]error, len(runs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for r, run := range runs {
		states[r], errs[r] = make([]map[string]tftypes.Value, people), make([]error, people)
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				states[r][i], errs[r][i] = run.create(ctx, fmt.Sprintf("person-%02d@example.com", i), "writer")
			}()
		}
	}
	close(start)
	wg.Wait()

	for i := range people {
		var ids [2]string
		for r := range runs {
			if errs[r][i] != nil {
				t.Errorf("run %d, person %d: %v", r, i, errs[r][i])
				continue
			}
			var status string
			if err := states[r][i]["status"].As(&status); err != nil || status != memberStatusInvited {
				t.Errorf("run %d, person %d: status %q (%v), want invited", r, i, status, err)
			}
			if err := states[r][i]["id"].As(&ids[r]); err != nil {
				t.Error(err)
			}
		}
		if ids[0] != ids[1] {
			t.Errorf("person %d: the two states hold invitations %s and %s, want one", i, ids[0], ids[1])
		}
	}
	c, err := client.New(client.Config{Endpoint: api.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	invitations, err := c.Invitations.List(ctx, client.InvitationListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(invitations) != people {
		t.Errorf("%d invitations, want %d (one per person)", len(invitations), people)
	}
	if n := raced.Load(); n != people {
		t.Errorf("%d invitations answered 409, want %d (one per pair): the runs did not race as the test means", n, people)
	}
}

// statusRecorder records the status of an answer it passes through.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status.
func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
