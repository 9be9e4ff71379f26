package provider

// Reads that scale (the client's read cache) must not hide drift: an object changed or deleted
// outside Terraform between two plans shows in the second plan. And a no-change plan costs a few
// list calls, not a request per resource.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// testAccScaleMembersConfig is one alien_member per email, named m0, m1, ...
func testAccScaleMembersConfig(emails []string, roles []string) string {
	var b strings.Builder
	for i, e := range emails {
		fmt.Fprintf(&b, "resource \"alien_member\" \"m%d\" {\n  email = %q\n  role  = %q\n}\n\n", i, e, roles[i])
	}
	return b.String()
}

// testAccCheckEmailsGone fails when one of the emails is still a member or has a pending
// invitation.
func testAccCheckEmailsGone(c *client.Client, emails []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		for _, e := range emails {
			if m, err := c.Members.ReadByEmail(ctx, e); err == nil {
				return fmt.Errorf("%s is still a member (%s)", e, m.ID)
			} else if !isNotFound(err) {
				return err
			}
			pending := client.InvitationPending
			invs, err := c.Invitations.List(ctx, client.InvitationListOptions{Email: &e, Status: &pending})
			if err != nil {
				return err
			}
			if len(invs) > 0 {
				return fmt.Errorf("%s still has a pending invitation (%s)", e, invs[0].ID)
			}
		}
		return nil
	}
}

// TestAccScale_memberDriftSeen: a member whose role changed outside Terraform plans an update;
// a member removed, and an invitation revoked, outside Terraform plan a create.
func TestAccScale_memberDriftSeen(t *testing.T) {
	c := testAccClient(t)
	emails := []string{testAccRandomEmail("drift-a"), testAccRandomEmail("drift-b"), testAccRandomEmail("drift-c")}
	roles := []string{"viewer", "viewer", "viewer"}
	config := testAccScaleMembersConfig(emails, roles)
	ctx := context.Background()

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccRequireLocal(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEmailsGone(c, emails),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_member.m0", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
			{
				// m0 and m1 accept: they refresh as active, with no change to plan.
				PreConfig: func() {
					testAccAcceptInvitation(t, emails[0])
					testAccAcceptInvitation(t, emails[1])
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_member.m0", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("alien_member.m1", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("alien_member.m2", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
				},
			},
			{
				// Outside Terraform: m0 promoted, m1 removed, m2's invitation revoked.
				PreConfig: func() {
					m0, err := c.Members.ReadByEmail(ctx, emails[0])
					if err != nil {
						t.Fatal(err)
					}
					if _, err := c.Members.Update(ctx, m0.ID, client.MemberUpdateOptions{Role: client.RoleWriter}); err != nil {
						t.Fatal(err)
					}
					m1, err := c.Members.ReadByEmail(ctx, emails[1])
					if err != nil {
						t.Fatal(err)
					}
					if err := c.Members.Delete(ctx, m1.ID); err != nil {
						t.Fatal(err)
					}
					pending := client.InvitationPending
					invs, err := c.Invitations.List(ctx, client.InvitationListOptions{Email: &emails[2], Status: &pending})
					if err != nil || len(invs) != 1 {
						t.Fatalf("the pending invitation of %s: %v, %v", emails[2], invs, err)
					}
					if err := c.Invitations.Revoke(ctx, invs[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("alien_member.m0", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("alien_member.m0", tfjsonpath.New("role"), knownvalue.StringExact("viewer")),
						plancheck.ExpectResourceAction("alien_member.m1", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("alien_member.m2", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					m0, err := c.Members.ReadByEmail(ctx, emails[0])
					if err != nil {
						return err
					}
					if m0.Role != client.RoleViewer {
						return fmt.Errorf("%s has role %s after the apply, want viewer", emails[0], m0.Role)
					}
					return nil
				},
			},
		},
	})
}

// TestAccScale_tokenDriftSeen: a token revoked outside Terraform plans a create; the other
// token is left alone.
func TestAccScale_tokenDriftSeen(t *testing.T) {
	c := testAccClient(t)
	saEmail := testAccRandomEmail("drift-robot")
	name := testAccRandomName("drift")
	config := fmt.Sprintf(`
resource "alien_service_account" "robot" {
  email = %q
}

resource "alien_api_token" "t" {
  count              = 2
  name               = "%s-${count.index}"
  expires_in         = "never"
  service_account_id = alien_service_account.robot.id
  scope              = "read"
}
`, saEmail, name)
	var revoked string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					rs, ok := s.RootModule().Resources["alien_api_token.t.0"]
					if !ok {
						return fmt.Errorf("alien_api_token.t.0 is not in state")
					}
					revoked = rs.Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := c.APITokens.Revoke(context.Background(), revoked); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("alien_api_token.t[0]", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("alien_api_token.t[1]", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("alien_service_account.robot", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccScale_noChangePlanRequests counts the API requests of a no-change plan of 100 members,
// 100 service-account tokens and their service accounts, on an alien-local of the test's own: a
// few list calls per collection, not one request per resource.
func TestAccScale_noChangePlanRequests(t *testing.T) {
	testAccPreCheck(t)
	inst, err := localapi.Start(context.Background(), "127.0.0.1:0", localapi.Config{
		DBPath:        ":memory:",
		ContractCheck: func(err error) { t.Errorf("contract violation: %v", err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Close() })
	local, err := client.New(client.Config{Endpoint: inst.URL, Version: "acceptance-test"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	config := fmt.Sprintf(`
provider "alien" {
  endpoint = %q
  token    = %q
}

resource "alien_service_account" "robot" {
  count = 4
  email = "scale-robot-${count.index}@example.com"
}

resource "alien_api_token" "t" {
  count              = %d
  name               = "scale-${count.index}"
  expires_in         = "never"
  service_account_id = alien_service_account.robot[count.index %% 4].id
  scope              = "read"
}

resource "alien_member" "m" {
  count = %d
  email = "scale-member-${count.index}@example.com"
  role  = "viewer"
}
`, inst.URL, inst.Bootstrap.Token, n, n)

	// Requests per collection of the plan steps, and per resource.
	perCollection := func(st map[string]int) map[string]int {
		out := map[string]int{}
		for route, k := range st {
			if strings.Contains(route, " /_local/") {
				continue
			}
			_, p, _ := strings.Cut(route, " ")
			coll := strings.Split(strings.TrimPrefix(p, "/"), "/")[0]
			out[coll] += k
		}
		return out
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := client.Local(local).ResetStats(context.Background()); err != nil {
						t.Fatal(err)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				// The plan-only step above ran a plan without refresh and a plan with refresh.
				PreConfig: func() {
					st, err := client.Local(local).Stats(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					got := perCollection(st.Requests)
					t.Logf("requests of the no-change plans: %v (by route: %v)", got, st.Requests)
					for _, want := range []struct {
						name      string
						resources int
						requests  int
						max       int
					}{
						// A collection of at most 2 pages (100 objects plus the organization's own),
						// whatever the resource count.
						{"alien_api_token", n, got["api-tokens"], 4},
						{"alien_service_account", 4, got["service-accounts"], 4},
						// Members and invitations: an invited person is refreshed from the invitations
						// snapshot by the id in state, an active one from the members snapshot.
						{"alien_member", n, got["members"] + got["invitations"], 4},
					} {
						if want.requests > want.max {
							t.Errorf("%s: %d requests for a no-change plan of %d resources (%.2f per resource), want at most %d",
								want.name, want.requests, want.resources, float64(want.requests)/float64(want.resources), want.max)
						}
					}
					for route, k := range st.Requests {
						if strings.HasPrefix(route, "GET ") && strings.Contains(route, "{") {
							t.Errorf("%s: %d direct reads in a no-change plan, want none", route, k)
						}
					}
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}
