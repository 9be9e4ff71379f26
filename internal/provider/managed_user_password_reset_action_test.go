package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

const testPasswordResetAction = "alien_managed_user_password_reset"

// testAccCreateManagedUser creates a managed user through c, as someone outside Terraform would
// (the API sends its first password-reset email). It is deactivated when the test ends.
func testAccCreateManagedUser(t *testing.T, c *client.Client, email string) *client.ManagedUser {
	t.Helper()
	mu, err := c.ManagedUsers.Create(context.Background(), client.ManagedUserCreateOptions{Email: email, FirstName: "Jane", LastName: "Doe"})
	if err != nil {
		t.Fatalf("creating managed user %s: %v", email, err)
	}
	t.Cleanup(func() {
		if _, err := c.ManagedUsers.Deactivate(context.Background(), mu.ID); err != nil && !isNotFound(err) {
			t.Errorf("deactivating managed user %s: %v", mu.ID, err)
		}
	})
	return mu
}

func TestManagedUserPasswordResetAction_validation(t *testing.T) {
	p := newTestActionProvider(t)
	credential := "oat_dG9rX2xlYWtlZA.c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du"
	for name, tc := range map[string]struct {
		values   map[string]string
		attr, re string
	}{
		"neither":            {nil, "", `Missing Attribute Configuration: Exactly one of these attributes must be configured`},
		"both":               {map[string]string{"managed_user_id": "mu_abcdefghijklmnop", "email": "jane@example.com"}, "managed_user_id", `Invalid Attribute Combination`},
		"a service account":  {map[string]string{"managed_user_id": "sa_abcdefghijklmnop"}, "managed_user_id", `Invalid managed user id: .*must be the id of a managed user \(mu_\.\.\.\).*got "sa_abcdefghijklmnop"`},
		"a bare prefix":      {map[string]string{"managed_user_id": "mu_"}, "managed_user_id", `Invalid managed user id`},
		"a credential":       {map[string]string{"managed_user_id": credential}, "managed_user_id", `A credential where an id belongs: .*secret value`},
		"a display name":     {map[string]string{"email": "Jane <jane@example.com>"}, "email", `Invalid email address`},
		"a domain without .": {map[string]string{"email": "jane@localhost"}, "email", `has no dot`},
	} {
		t.Run(name, func(t *testing.T) {
			for rpc, diags := range map[string][]*tfprotov6.Diagnostic{
				"validate": p.validate(testPasswordResetAction, tc.values),
				"plan":     p.plan(testPasswordResetAction, tc.values),
			} {
				t.Run(rpc, func(t *testing.T) {
					testExpectActionError(t, diags, tc.attr, tc.re)
					testExpectNoSecret(t, testActionRun{Diagnostics: diags}, []string{credential})
				})
			}
		})
	}
	for _, values := range []map[string]string{{"managed_user_id": "mu_abcdefghijklmnop"}, {"email": "Jane.Doe@Example.com"}} {
		if diags := p.validate(testPasswordResetAction, values); len(diags) > 0 {
			t.Errorf("%v: want no diagnostics, got %s", values, testActionRun{Diagnostics: diags})
		}
	}
}

// TestAccManagedUserPasswordResetAction_sendsOneEmail invokes the action by id, then by email
// (in another letter case): each run sends exactly one email, whose link is the only one that
// works, and no progress message holds a secret.
func TestAccManagedUserPasswordResetAction_sendsOneEmail(t *testing.T) {
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	email := testAccMixedCaseEmail("reset")
	mu := testAccCreateManagedUser(t, c, email)
	firstLink := testAccLinkToken(t, email, "password_reset")
	p := testAccActionProvider(t, nil)

	run := p.invoke(testPasswordResetAction, map[string]string{"managed_user_id": mu.ID})
	testExpectActionOK(t, run)
	if n := testAccCountEmails(t, email, "password_reset"); n != 2 {
		t.Fatalf("%d password-reset emails after one run, want 2 (creation, action)", n)
	}
	secondLink := testAccLinkToken(t, email, "password_reset")
	who := fmt.Sprintf(`managed user %s \(%s\)`, mu.ID, strings.ReplaceAll(email, ".", `\.`))
	testExpectProgress(t, run, []string{secondLink, firstLink, os.Getenv(envToken)},
		`^Sending a password-reset email to `+who+`$`,
		`^Sent a password-reset email to `+who+`: its link is valid for 24 hours, and earlier reset links no longer work$`)

	run = p.invoke(testPasswordResetAction, map[string]string{"email": strings.ToLower(email)})
	testExpectActionOK(t, run)
	if n := testAccCountEmails(t, email, "password_reset"); n != 3 {
		t.Fatalf("%d password-reset emails after two runs, want 3", n)
	}
	thirdLink := testAccLinkToken(t, email, "password_reset")
	testExpectProgress(t, run, []string{thirdLink, secondLink}, `^Sending a password-reset email to `+who, `^Sent a password-reset`)

	// What the progress message says is true: only the newest link sets a password.
	ctx := context.Background()
	if err := client.Person(c).ResetPassword(ctx, secondLink, "correct horse battery staple"); err == nil {
		t.Error("an earlier reset link still set a password")
	}
	if err := client.Person(c).ResetPassword(ctx, thirdLink, "correct horse battery staple"); err != nil {
		t.Errorf("the newest reset link did not set a password: %v", err)
	}
}

// TestAccManagedUserPasswordResetAction_errors checks that a locked user, an unknown id, an
// unknown email and a service account's email each fail with an error at the attribute, send
// nothing and show no progress.
func TestAccManagedUserPasswordResetAction_errors(t *testing.T) {
	t.Parallel()
	c := testAccClient(t)
	testAccRequireLocal(t)
	ctx := context.Background()
	p := testAccActionProvider(t, nil)

	lockedEmail := testAccRandomEmail("reset-locked")
	locked := testAccCreateManagedUser(t, c, lockedEmail)
	if _, err := c.ManagedUsers.Deactivate(ctx, locked.ID); err != nil {
		t.Fatal(err)
	}
	saEmail := testAccRandomEmail("reset-sa")
	sa, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: saEmail})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = c.ServiceAccounts.Deactivate(context.Background(), sa.ID) })
	unknownEmail := testAccRandomEmail("reset-nobody")

	for name, tc := range map[string]struct {
		values       map[string]string
		to, attr, re string
	}{
		"locked, by id":    {map[string]string{"managed_user_id": locked.ID}, lockedEmail, "managed_user_id", `Cannot send a password reset to a deactivated managed user: The managed user ` + locked.ID + ` .* is deactivated \(locked since .*Reactivate the user first`},
		"locked, by email": {map[string]string{"email": lockedEmail}, lockedEmail, "email", `deactivated managed user`},
		"unknown id":       {map[string]string{"managed_user_id": "mu_zzzzzzzzzzzzzzzz"}, "", "managed_user_id", `Managed user not found: The organization has no managed user mu_zzzzzzzzzzzzzzzz`},
		"unknown email":    {map[string]string{"email": unknownEmail}, unknownEmail, "email", `Managed user not found: The organization has no managed user with the email`},
		"a service account's email": {map[string]string{"email": saEmail}, saEmail, "email",
			`belongs to service account ` + sa.ID + `, not to a managed user`},
	} {
		t.Run(name, func(t *testing.T) {
			before := 0
			if tc.to != "" {
				before = testAccCountEmails(t, tc.to, "password_reset")
			}
			run := p.invoke(testPasswordResetAction, tc.values)
			testExpectActionError(t, run.Diagnostics, tc.attr, tc.re)
			if len(run.Progress) != 0 {
				t.Errorf("progress was shown for a run that sent nothing:\n%s", run)
			}
			if tc.to != "" {
				if n := testAccCountEmails(t, tc.to, "password_reset"); n != before {
					t.Errorf("%d password-reset emails, want %d: a failed run sent one", n, before)
				}
			}
		})
	}
}

// TestAccManagedUserPasswordResetAction_retriedOnce runs the action against an alien-local that
// drops half its answers after the write committed: the client retries with the same
// idempotency key, and each run still sends exactly one email.
func TestAccManagedUserPasswordResetAction_retriedOnce(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	api := testAccStartFaultyAPI(t, localapi.FaultConfig{DropRate: 0.5, Seed: 10})
	checker, err := api.client()
	if err != nil {
		t.Fatal(err)
	}
	email := testAccRandomEmail("reset-faults")
	mu := testAccCreateManagedUser(t, checker, email)
	p := testAccActionProvider(t, map[string]tftypes.Value{
		"endpoint": str(api.faulty.URL), "token": str(api.faulty.Bootstrap.Token),
		"max_retries": tftypes.NewValue(tftypes.Number, 15), "retry_wait_max": str("1s"),
	})

	const runs = 6
	for i := 1; i <= runs; i++ {
		testExpectActionOK(t, p.invoke(testPasswordResetAction, map[string]string{"managed_user_id": mu.ID}))
		emails, err := client.Local(checker).Outbox(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		if len(emails) != 1+i {
			t.Fatalf("after %d runs, %d emails were sent, want %d (one at creation, one per run)", i, len(emails), 1+i)
		}
	}
	testAccExpectReplayed(t, api, "POST /managed-users/{managed_user_id}/password-reset", runs)
}

// testAccExpectReplayed checks that the faulty alien-local got more requests on route than the
// runs made, so that some request was retried after its answer was dropped: without that, a test
// of retries proved nothing.
func testAccExpectReplayed(t *testing.T, api *testAccFaultyAPI, route string, runs int) {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: api.faulty.URL, Version: "acceptance-test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := client.Local(c).Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests[route] <= runs || st.Faults["dropped"] == 0 {
		t.Fatalf("%d requests on %s for %d runs, %d answers dropped: no retry after a dropped answer "+
			"happened, so the test proved nothing (change the seed); all requests: %v",
			st.Requests[route], route, runs, st.Faults["dropped"], st.Requests)
	}
}

// TestAccManagedUserPasswordResetAction_afterUpdate drives a real action_trigger (Terraform 1.14
// and later): a managed user whose update triggers the action gets one email at creation (from
// the API, not the action), and one more for each update.
func TestAccManagedUserPasswordResetAction_afterUpdate(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	testAccRequireActions(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("reset-trigger")
	config := func(firstName string) string {
		return fmt.Sprintf(`
resource "alien_managed_user" "test" {
  email      = %q
  first_name = %q
  last_name  = "Doe"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.alien_managed_user_password_reset.test]
    }
  }
}

action "alien_managed_user_password_reset" "test" {
  config {
    managed_user_id = alien_managed_user.test.id
  }
}
`, email, firstName)
	}

	resource.Test(t, resource.TestCase{ // parallel already
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgUsersLocked(testAccClient(t)),
		Steps: []resource.TestStep{
			{
				Config: config("Jane"),
				Check:  testAccCheckEmails(t, email, "password_reset", 1),
			},
			{
				Config: config("Janet"),
				Check: resource.ComposeTestCheckFunc(
					testAccCheckEmails(t, email, "password_reset", 2),
					func(*terraform.State) error {
						mu, err := testAccClient(t).ManagedUsers.List(context.Background(), client.ManagedUserListOptions{Email: &email})
						if err != nil {
							return fmt.Errorf("listing managed users: %w", err)
						}
						if len(mu) != 1 || mu[0].FirstName != "Janet" {
							return fmt.Errorf("want one managed user named Janet, got %v", mu)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccManagedUserPasswordResetAction_invoke runs `terraform apply -invoke` (Terraform 1.14 and
// later) on a configuration that holds nothing but the action, naming by email a user that no
// configuration manages: one email is sent, the output says so and shows no secret, and a second
// run sends a second email.
func TestAccManagedUserPasswordResetAction_invoke(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	testAccRequireActions(t)
	testAccRequireLocal(t)
	email := testAccRandomEmail("reset-cli")
	mu := testAccCreateManagedUser(t, testAccClient(t), email)
	w := testAccNewCLIWorkspace(t, fmt.Sprintf(`
action "alien_managed_user_password_reset" "jane" {
  config {
    email = %q
  }
}
`, email))

	for run := 1; run <= 2; run++ {
		out := w.mustRun("apply", "-auto-approve", "-invoke=action.alien_managed_user_password_reset.jane")
		if n := testAccCountEmails(t, email, "password_reset"); n != 1+run {
			t.Fatalf("%d password-reset emails after %d runs, want %d:\n%s", n, run, 1+run, out)
		}
		want := "Sent a password-reset email to managed user " + mu.ID + " (" + email + ")"
		if !strings.Contains(out, want) || !strings.Contains(out, "Actions: 1 invoked.") {
			t.Errorf("the -invoke output does not say %q:\n%s", want, out)
		}
		if link := testAccLinkToken(t, email, "password_reset"); strings.Contains(out, link) || credentialShape.MatchString(out) {
			t.Error("the -invoke output shows a secret")
		}
	}
}

func (*managedUserPasswordResetAction) testModel() any { return &managedUserPasswordResetActionModel{} }
