package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

const testInvitationResendAction = "alien_invitation_resend"

func TestInvitationResendAction_validation(t *testing.T) {
	p := newTestActionProvider(t)
	credential := "oat_dG9rX2xlYWtlZA.c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du"
	for name, tc := range map[string]struct {
		values   map[string]string
		attr, re string
	}{
		"neither":      {nil, "", `Missing Attribute Configuration: Exactly one of these attributes must be configured`},
		"both":         {map[string]string{"email": "jane@example.com", "invitation_id": "inv_abcdefghijklmnop"}, "email", `Invalid Attribute Combination`},
		"a member id":  {map[string]string{"invitation_id": "mem_abcdefghijklmnop"}, "invitation_id", `Invalid invitation id: .*must be the id of an invitation \(inv_\.\.\.\)`},
		"a credential": {map[string]string{"invitation_id": credential}, "invitation_id", `A credential where an id belongs`},
		"a bad email":  {map[string]string{"email": "jane doe@example.com"}, "email", `Invalid email address`},
	} {
		t.Run(name, func(t *testing.T) {
			for rpc, diags := range map[string][]*tfprotov6.Diagnostic{
				"validate": p.validate(testInvitationResendAction, tc.values),
				"plan":     p.plan(testInvitationResendAction, tc.values),
			} {
				t.Run(rpc, func(t *testing.T) {
					testExpectActionError(t, diags, tc.attr, tc.re)
					testExpectNoSecret(t, testActionRun{Diagnostics: diags}, []string{credential})
				})
			}
		})
	}
	for _, values := range []map[string]string{{"invitation_id": "inv_abcdefghijklmnop"}, {"email": "Jane.Doe@Example.com"}} {
		if diags := p.validate(testInvitationResendAction, values); len(diags) > 0 {
			t.Errorf("%v: want no diagnostics, got %s", values, testActionRun{Diagnostics: diags})
		}
	}
}

// TestAccInvitationResendAction_sendsOneEmail re-sends a pending invitation by email (in another
// letter case), then by id: each run sends exactly one email with a new link, the previous link
// stops working, and no progress message holds a link's secret.
func TestAccInvitationResendAction_sendsOneEmail(t *testing.T) {
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	ctx := context.Background()
	email := testAccMixedCaseEmail("resend")
	inv := testAccInvite(t, c, email, client.RoleWriter)
	t.Cleanup(func() { _ = c.Invitations.Revoke(context.Background(), inv.ID) })
	firstLink := testAccLinkToken(t, email, "invitation")
	p := testAccActionProvider(t, nil)

	run := p.invoke(testInvitationResendAction, map[string]string{"email": strings.ToUpper(email)})
	testExpectActionOK(t, run)
	if n := testAccCountEmails(t, email, "invitation"); n != 2 {
		t.Fatalf("%d invitation emails after one run, want 2 (invitation, action)", n)
	}
	secondLink := testAccLinkToken(t, email, "invitation")
	resent, err := c.Invitations.Read(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	quoted := regexp.QuoteMeta(email)
	testExpectProgress(t, run, []string{firstLink, secondLink, os.Getenv(envToken)},
		`^Sending invitation `+inv.ID+` \(role writer, pending until `+formatTime(inv.ExpiresAt)+`\) to `+quoted+` again$`,
		`^Sent invitation `+inv.ID+` to `+quoted+` again: a new link, valid until `+formatTime(resent.ExpiresAt)+
			`; the previous link no longer works$`)

	if _, err := client.Person(c).ViewInvitation(ctx, firstLink); !isNotFound(err) {
		t.Errorf("the previous invitation link still works (%v)", err)
	}
	if link, err := client.Person(c).ViewInvitation(ctx, secondLink); err != nil || link.Status != client.InvitationPending {
		t.Errorf("the new invitation link: %+v, %v; want a pending invitation", link, err)
	}

	run = p.invoke(testInvitationResendAction, map[string]string{"invitation_id": inv.ID})
	testExpectActionOK(t, run)
	if n := testAccCountEmails(t, email, "invitation"); n != 3 {
		t.Fatalf("%d invitation emails after two runs, want 3", n)
	}
	testExpectProgress(t, run, []string{secondLink, testAccLinkToken(t, email, "invitation")},
		`^Sending invitation `+inv.ID, `^Sent invitation `+inv.ID)
}

// TestAccInvitationResendAction_errors checks the people and invitations that get no email: a
// member (by email, and by the invitation they accepted), an unknown invitation or email, a
// revoked invitation, an accepted one whose member was removed. Each fails at the attribute,
// sends nothing and shows no progress.
func TestAccInvitationResendAction_errors(t *testing.T) {
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	ctx := context.Background()
	p := testAccActionProvider(t, nil)

	memberEmail := testAccRandomEmail("resend-member")
	member := testAccInviteAndAccept(t, c, memberEmail, client.RoleViewer)
	accepted, err := c.Invitations.List(ctx, client.InvitationListOptions{Email: &memberEmail})
	if err != nil || len(accepted) != 1 {
		t.Fatalf("listing the invitations of %s: %v, %d", memberEmail, err, len(accepted))
	}

	revokedEmail := testAccRandomEmail("resend-revoked")
	revoked := testAccInvite(t, c, revokedEmail, client.RoleViewer)
	if err := c.Invitations.Revoke(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}

	leftEmail := testAccRandomEmail("resend-left")
	left := testAccInvite(t, c, leftEmail, client.RoleViewer)
	leftMember := testAccAcceptInvitation(t, leftEmail)
	if err := c.Members.Delete(ctx, leftMember.Member.ID); err != nil {
		t.Fatal(err)
	}
	unknownEmail := testAccRandomEmail("resend-nobody")

	alreadyMember := `Already a member: ` + regexp.QuoteMeta(memberEmail) + ` is already a member of the organization \(member ` +
		member.ID + `, role viewer, joined .*Nothing was sent`
	for name, tc := range map[string]struct {
		values       map[string]string
		to, attr, re string
	}{
		"a member, by email":              {map[string]string{"email": strings.ToUpper(memberEmail)}, memberEmail, "email", alreadyMember},
		"a member, by invitation":         {map[string]string{"invitation_id": accepted[0].ID}, memberEmail, "invitation_id", alreadyMember},
		"unknown invitation":              {map[string]string{"invitation_id": "inv_zzzzzzzzzzzzzzzz"}, "", "invitation_id", `Invitation not found: The organization has no invitation inv_zzzzzzzzzzzzzzzz`},
		"unknown email":                   {map[string]string{"email": unknownEmail}, unknownEmail, "email", `No invitation to send again: .*no pending or expired invitation`},
		"revoked, by id":                  {map[string]string{"invitation_id": revoked.ID}, revokedEmail, "invitation_id", `Invitation revoked: Invitation ` + revoked.ID + ` .* is revoked`},
		"revoked, by email":               {map[string]string{"email": revokedEmail}, revokedEmail, "email", `No invitation to send again`},
		"accepted, member removed, by id": {map[string]string{"invitation_id": left.ID}, leftEmail, "invitation_id", `Invitation already accepted: .*member it made has since been removed`},
		"accepted, member removed, by email": {map[string]string{"email": leftEmail}, leftEmail, "email",
			`No invitation to send again`},
	} {
		t.Run(name, func(t *testing.T) {
			before := 0
			if tc.to != "" {
				before = testAccCountEmails(t, tc.to, "invitation")
			}
			run := p.invoke(testInvitationResendAction, tc.values)
			testExpectActionError(t, run.Diagnostics, tc.attr, tc.re)
			if len(run.Progress) != 0 {
				t.Errorf("progress was shown for a run that sent nothing:\n%s", run)
			}
			if tc.to != "" {
				if n := testAccCountEmails(t, tc.to, "invitation"); n != before {
					t.Errorf("%d invitation emails, want %d: a failed run sent one", n, before)
				}
			}
		})
	}
}

// TestAccInvitationResendAction_expired lets invitations expire (the clock moves 8 days): an
// expired invitation is sent again (pending, with a new expiry), by email or by id, unless a newer
// invitation is pending, which the email picks instead. An alien_member and an alien_invitation
// that manage expired invitations plan an in-place re-send; once the action re-sent them, the
// next plan is empty and the state holds the new expiry. Not parallel: it moves the clock every
// test shares.
func TestAccInvitationResendAction_expired(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	ctx := context.Background()
	p := testAccActionProvider(t, nil)

	olderEmail := testAccRandomEmail("resend-older")
	older := testAccInvite(t, c, olderEmail, client.RoleViewer)
	t.Cleanup(func() { _ = c.Invitations.Revoke(context.Background(), older.ID) })
	memberEmail := testAccRandomEmail("resend-member-state")
	invitationEmail := testAccRandomEmail("resend-invitation-state")
	config := fmt.Sprintf(`
resource "alien_member" "test" {
  email = %q
  role  = "viewer"
}

resource "alien_invitation" "test" {
  email = %q
  role  = "writer"
}
`, memberEmail, invitationEmail)
	expiry := func(email string) knownvalue.Check {
		return knownvalue.StringFunc(func(v string) error {
			invs, err := c.Invitations.List(ctx, client.InvitationListOptions{Email: &email})
			if err != nil {
				return fmt.Errorf("listing the invitations of %s: %w", email, err)
			}
			if len(invs) != 1 {
				return fmt.Errorf("%d invitations to %s, want 1", len(invs), email)
			}
			if want := formatTime(invs[0].ExpiresAt); v != want {
				return fmt.Errorf("expires_at %s in state, want %s (the API's)", v, want)
			}
			return nil
		})
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPeopleGone(c),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          func() { testAccAdvanceClock(t, 8*24*time.Hour) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true, // both plan an in-place re-send
			},
			{
				PreConfig: func() {
					// By email, for the member; by id, for the invitation.
					invs, err := c.Invitations.List(ctx, client.InvitationListOptions{Email: &invitationEmail})
					if err != nil || len(invs) != 1 {
						t.Fatalf("listing the invitations of %s: %v", invitationEmail, err)
					}
					for _, values := range []map[string]string{{"email": memberEmail}, {"invitation_id": invs[0].ID}} {
						run := p.invoke(testInvitationResendAction, values)
						testExpectActionOK(t, run)
						testExpectProgress(t, run, nil, `, expired at .*\) to .* again$`, `^Sent invitation inv_`)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_member.test", tfjsonpath.New("status"), knownvalue.StringExact("invited")),
					statecheck.ExpectKnownValue("alien_member.test", tfjsonpath.New("expires_at"), expiry(memberEmail)),
					statecheck.ExpectKnownValue("alien_invitation.test", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("alien_invitation.test", tfjsonpath.New("expires_at"), expiry(invitationEmail)),
				},
				Check: resource.ComposeTestCheckFunc(
					testAccCheckEmails(t, memberEmail, "invitation", 2),
					testAccCheckEmails(t, invitationEmail, "invitation", 2),
				),
			},
		},
	})

	// older expired with the clock move. A newer invitation to the same person is pending: the
	// old one is not sent again by id, and the email picks the new one.
	newer := testAccInvite(t, c, olderEmail, client.RoleWriter)
	t.Cleanup(func() { _ = c.Invitations.Revoke(context.Background(), newer.ID) })
	run := p.invoke(testInvitationResendAction, map[string]string{"invitation_id": older.ID})
	testExpectActionError(t, run.Diagnostics, "invitation_id", `A newer invitation is pending: Invitation `+older.ID+
		` to .* expired, and a newer invitation, `+newer.ID+` \(sent .*\), is pending`)
	run = p.invoke(testInvitationResendAction, map[string]string{"email": olderEmail})
	testExpectActionOK(t, run)
	testExpectProgress(t, run, nil, `^Sending invitation `+newer.ID+` \(role writer, pending until`, `^Sent invitation `+newer.ID)
	if n := testAccCountEmails(t, olderEmail, "invitation"); n != 3 {
		t.Errorf("%d invitation emails to %s, want 3 (two invitations, one re-send)", n, olderEmail)
	}
}

// TestAccInvitationResendAction_retriedOnce runs the action against an alien-local that drops
// half its answers after the write committed: each run still sends exactly one email.
func TestAccInvitationResendAction_retriedOnce(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	api := testAccStartFaultyAPI(t, localapi.FaultConfig{DropRate: 0.5, Seed: 10})
	checker, err := api.client()
	if err != nil {
		t.Fatal(err)
	}
	email := testAccRandomEmail("resend-faults")
	inv := testAccInvite(t, checker, email, client.RoleViewer)
	p := testAccActionProvider(t, map[string]tftypes.Value{
		"endpoint": str(api.faulty.URL), "token": str(api.faulty.Bootstrap.Token),
		"max_retries": tftypes.NewValue(tftypes.Number, 15), "retry_wait_max": str("1s"),
	})

	const runs = 6
	for i := 1; i <= runs; i++ {
		testExpectActionOK(t, p.invoke(testInvitationResendAction, map[string]string{"invitation_id": inv.ID}))
		emails, err := client.Local(checker).Outbox(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		if len(emails) != 1+i {
			t.Fatalf("after %d runs, %d emails were sent, want %d (the invitation, one per run)", i, len(emails), 1+i)
		}
	}
	testAccExpectReplayed(t, api, "POST /invitations/{invitation_id}/resend", runs)
}

// TestAccInvitationResendAction_invoke runs `terraform apply -invoke` (Terraform 1.14 and later)
// on a configuration that manages the person with alien_member: the run sends one email, says
// what it did, and the next plan is empty.
func TestAccInvitationResendAction_invoke(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	testAccRequireActions(t)
	testAccRequireLocal(t)
	c := testAccClient(t)
	email := testAccRandomEmail("resend-cli")
	w := testAccNewCLIWorkspace(t, fmt.Sprintf(`
resource "alien_member" "jane" {
  email = %q
  role  = "viewer"
}

action "alien_invitation_resend" "jane" {
  config {
    email = alien_member.jane.email
  }
}
`, email))
	t.Cleanup(func() { w.run("destroy", "-auto-approve") })

	w.mustRun("apply", "-auto-approve")
	if n := testAccCountEmails(t, email, "invitation"); n != 1 {
		t.Fatalf("%d invitation emails after apply, want 1: an action without a trigger runs only when invoked", n)
	}
	out := w.mustRun("apply", "-auto-approve", "-invoke=action.alien_invitation_resend.jane")
	if n := testAccCountEmails(t, email, "invitation"); n != 2 {
		t.Fatalf("%d invitation emails after -invoke, want 2:\n%s", n, out)
	}
	link := testAccLinkToken(t, email, "invitation")
	for _, want := range []string{"Sending invitation inv_", "Sent invitation inv_", "the previous link no longer works"} {
		if !strings.Contains(out, want) {
			t.Errorf("the -invoke output does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, link) || credentialShape.MatchString(out) {
		t.Errorf("the -invoke output shows a secret")
	}
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the re-send is not empty (exit %d):\n%s", code, out)
	}
	if _, err := c.Members.ReadByEmail(context.Background(), email); !isNotFound(err) {
		t.Errorf("%s is a member after a re-send (%v)", email, err)
	}
}

func (*invitationResendAction) testModel() any { return &invitationResendActionModel{} }
