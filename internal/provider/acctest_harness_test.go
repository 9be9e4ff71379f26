package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The acceptance harness's own tests: the helpers other tests rely on must work.

func TestAccHarness_invitationThroughOutbox(t *testing.T) {
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	ctx := context.Background()
	email := testAccRandomEmail("harness")

	inv, err := c.Invitations.Create(ctx, client.InvitationCreateOptions{Email: email, Role: client.RoleViewer})
	if err != nil {
		t.Fatalf("inviting %s: %v", email, err)
	}
	emails := testAccOutbox(t, strings.ToUpper(email))
	if len(emails) != 1 || emails[0].Kind != "invitation" || emails[0].Link == "" {
		t.Fatalf("want one invitation email with a link to %s, got %+v", email, emails)
	}

	accepted := testAccAcceptInvitation(t, email)
	t.Cleanup(func() {
		if err := c.Members.Delete(context.Background(), accepted.Member.ID); err != nil && !isNotFound(err) {
			t.Errorf("removing member %s: %v", accepted.Member.ID, err)
		}
	})
	if accepted.Organization.ID != testAccOrganizationID(t) || accepted.Member.Role != client.RoleViewer {
		t.Errorf("accepted into %s as %s, want %s as viewer", accepted.Organization.ID, accepted.Member.Role, testAccOrganizationID(t))
	}
	member, err := c.Members.ReadByEmail(ctx, email)
	if err != nil {
		t.Fatalf("reading member %s: %v", email, err)
	}
	if member.ID != accepted.Member.ID {
		t.Errorf("member %s, want %s", member.ID, accepted.Member.ID)
	}
	after, err := c.Invitations.Read(ctx, inv.ID)
	if err != nil {
		t.Fatalf("reading invitation %s: %v", inv.ID, err)
	}
	if after.Status != client.InvitationAccepted {
		t.Errorf("invitation %s is %s, want accepted", inv.ID, after.Status)
	}
}

// Not parallel: it moves the clock every test shares.
func TestAccHarness_advanceClock(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	before, err := client.Local(c).Clock(context.Background())
	if err != nil {
		t.Fatalf("reading the clock: %v", err)
	}
	after := testAccAdvanceClock(t, time.Minute)
	if moved := after.Now.Sub(before.Now); moved < time.Minute || moved > time.Minute+time.Hour {
		t.Errorf("the clock moved by %s, want about 1m", moved)
	}
}

func TestAccHarness_newOrganization(t *testing.T) {
	t.Parallel()
	org := testAccNewOrganization(t)
	if org.Organization.Plan != client.PlanFree {
		t.Errorf("a new organization is on plan %s, want free", org.Organization.Plan)
	}
	me, err := org.Client.Identity.Read(context.Background())
	if err != nil {
		t.Fatalf("reading the new organization's identity: %v", err)
	}
	if me.Organization.ID != org.Organization.ID || me.Role != "owner" {
		t.Errorf("the bootstrap token is %s of %s, want owner of %s", me.Role, me.Organization.ID, org.Organization.ID)
	}
	members, err := org.Client.Members.List(context.Background(), client.MemberListOptions{})
	if err != nil {
		t.Fatalf("listing the new organization's members: %v", err)
	}
	if len(members) != 1 || members[0].Role != client.RoleOwner {
		t.Errorf("the new organization has members %+v, want one owner", members)
	}
}

func TestAccHarness_randomNames(t *testing.T) {
	a, b := testAccRandomEmail("Harness"), testAccRandomEmail("Harness")
	if a == b || !strings.HasPrefix(a, "harness-") || !strings.HasSuffix(a, "@example.com") {
		t.Errorf("testAccRandomEmail gave %q and %q", a, b)
	}
	if n := testAccRandomName("x"); !strings.HasPrefix(n, "tf-acc-x-") {
		t.Errorf("testAccRandomName gave %q", n)
	}
}
