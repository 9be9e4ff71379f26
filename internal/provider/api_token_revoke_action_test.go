package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAPITokenRevokeAction = "alien_api_token_revoke"

// testAccCreateAPIToken issues an organization key through c, as someone outside Terraform would.
// It is revoked when the test ends.
func testAccCreateAPIToken(t *testing.T, c *client.Client, expiresIn client.Expiry) *client.APITokenCreated {
	t.Helper()
	created, err := c.APITokens.Create(context.Background(), client.APITokenCreateOptions{
		Name: testAccRandomName("revoke"), ExpiresIn: expiresIn,
	})
	if err != nil {
		t.Fatalf("creating an API token: %v", err)
	}
	t.Cleanup(func() { _ = c.APITokens.Revoke(context.Background(), created.ID) })
	return created
}

// testAccExpectUnauthorized checks that a request with token gets 401.
func testAccExpectUnauthorized(t *testing.T, token string) {
	t.Helper()
	if _, err := testAccNewClient(t, token).Identity.Read(context.Background()); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("a request with the revoked token answered %v, want 401 unauthorized", err)
	}
}

func TestAPITokenRevokeAction_validation(t *testing.T) {
	p := newTestActionProvider(t)
	credential := "oat_dG9rX2xlYWtlZA.c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du"
	for name, tc := range map[string]struct {
		value, re string
	}{
		"the token's value":         {credential, `A credential where an id belongs: Attribute token_id holds a credential's secret value .*Remove the value`},
		"an access token":           {"oaa_Y2xhaW1z.c2lnbmF0dXJl", `A credential where an id belongs`},
		"a service account's id":    {"sa_abcdefghijklmnop", `Invalid API token id: Attribute token_id must be the id of an API token \(tok_\.\.\.\)`},
		"a path":                    {"tok_abc/../x", `Invalid API token id`},
		"an empty string":           {"", `Invalid API token id`},
		"the prefix without an id":  {"tok_", `Invalid API token id`},
		"an OAuth client's id (oc)": {"oc_abcdefghijklmnop", `Invalid API token id`},
	} {
		t.Run(name, func(t *testing.T) {
			values := map[string]string{"token_id": tc.value}
			for rpc, diags := range map[string][]*tfprotov6.Diagnostic{
				"validate": p.validate(testAPITokenRevokeAction, values),
				"plan":     p.plan(testAPITokenRevokeAction, values),
			} {
				t.Run(rpc, func(t *testing.T) {
					testExpectActionError(t, diags, "token_id", tc.re)
					testExpectNoSecret(t, testActionRun{Diagnostics: diags}, []string{credential, "c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du"})
				})
			}
		})
	}
	testExpectActionError(t, p.validate(testAPITokenRevokeAction, nil), "token_id", `Missing Configuration for Required Attribute`)
	// A variable without a value: terraform validate saw it unknown; the plan sees it null.
	testExpectActionError(t, p.plan(testAPITokenRevokeAction, nil), "token_id", `Missing required argument: The argument token_id is required, but its value is null`)
	if diags := p.validate(testAPITokenRevokeAction, map[string]string{"token_id": "tok_abcdefghijklmnop"}); len(diags) > 0 {
		t.Errorf("want no diagnostics, got %s", testActionRun{Diagnostics: diags})
	}
}

// TestAccAPITokenRevokeAction_revokes revokes a token that no configuration manages: requests
// with it get 401 at once, and a second run succeeds and says the token was already revoked. No
// progress message shows the token's value.
func TestAccAPITokenRevokeAction_revokes(t *testing.T) {
	t.Parallel()
	c := testAccClient(t)
	tok := testAccCreateAPIToken(t, c, client.Expiry90d)
	if _, err := testAccNewClient(t, tok.Token).Identity.Read(context.Background()); err != nil {
		t.Fatalf("the new token does not work: %v", err)
	}
	p := testAccActionProvider(t, nil)
	secrets := []string{tok.Token, tok.Token[strings.Index(tok.Token, ".")+1:], os.Getenv(envToken)}
	what := `API token ` + tok.ID + ` \("` + regexp.QuoteMeta(tok.Name) + `"\)`

	run := p.invoke(testAPITokenRevokeAction, map[string]string{"token_id": tok.ID})
	testExpectActionOK(t, run)
	testExpectProgress(t, run, secrets, `^Revoking `+what+`$`, `^Revoked `+what+`: requests with it get 401 from now on$`)
	if w := run.warnings(); len(w) > 0 {
		t.Errorf("unexpected warnings:\n%s", run)
	}
	testAccExpectUnauthorized(t, tok.Token)

	// An incident runbook may run twice.
	run = p.invoke(testAPITokenRevokeAction, map[string]string{"token_id": tok.ID})
	testExpectActionOK(t, run)
	testExpectProgress(t, run, secrets,
		`^`+what+` was already revoked at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: requests with it already get 401; nothing to do$`)
	// And from another provider process (no read cache shared with the first run).
	run = testAccActionProvider(t, nil).invoke(testAPITokenRevokeAction, map[string]string{"token_id": tok.ID})
	testExpectActionOK(t, run)
	testExpectProgress(t, run, secrets, `^`+what+` was already revoked at `)
}

// TestAccAPITokenRevokeAction_errors checks that an unknown token and another organization's
// token fail at token_id, revoking nothing.
func TestAccAPITokenRevokeAction_errors(t *testing.T) {
	t.Parallel()
	org := testAccNewOrganization(t)
	other := testAccCreateAPIToken(t, org.Client, client.Expiry30d)
	p := testAccActionProvider(t, nil)

	for name, id := range map[string]string{"unknown": "tok_zzzzzzzzzzzzzzzz", "another organization's": other.ID} {
		t.Run(name, func(t *testing.T) {
			run := p.invoke(testAPITokenRevokeAction, map[string]string{"token_id": id})
			testExpectActionError(t, run.Diagnostics, "token_id", `API token not found: The organization has no API token `+id+
				`.*only be revoked with a credential of that organization.*Nothing was revoked`)
			if len(run.Progress) != 0 {
				t.Errorf("progress was shown for a run that revoked nothing:\n%s", run)
			}
		})
	}
	if _, err := org.Client.Identity.Read(context.Background()); err != nil {
		t.Errorf("the other organization's token stopped working: %v", err)
	}
	if got, err := org.Client.APITokens.Read(context.Background(), other.ID); err != nil || got.Status != client.TokenActive {
		t.Errorf("the other organization's token is %+v (%v), want active", got, err)
	}
}

// TestAccAPITokenRevokeAction_ownCredential revokes the token the provider authenticates with:
// it is revoked, with a warning that says what that means for the rest of the run.
func TestAccAPITokenRevokeAction_ownCredential(t *testing.T) {
	t.Parallel()
	tok := testAccCreateAPIToken(t, testAccClient(t), client.Expiry30d)
	p := testAccActionProvider(t, map[string]tftypes.Value{"token": str(tok.Token)})

	run := p.invoke(testAPITokenRevokeAction, map[string]string{"token_id": tok.ID})
	testExpectActionOK(t, run)
	testExpectNoSecret(t, run, []string{tok.Token})
	w := run.warnings()
	if len(w) != 1 || w[0].Summary != "The provider's own credential was revoked" ||
		!strings.Contains(w[0].Detail, tok.ID) || !strings.Contains(w[0].Detail, "every later API call of this run with it fails") {
		t.Errorf("want one warning about the provider's own credential, got:\n%s", run)
	}
	testAccExpectUnauthorized(t, tok.Token)
}

// TestAccAPITokenRevokeAction_expired runs the action on a token that expired (the clock moves 31
// days): it succeeds, says so, and revokes nothing. Not parallel: it moves the clock every test
// shares.
func TestAccAPITokenRevokeAction_expired(t *testing.T) {
	c := testAccClient(t)
	testAccRequireLocal(t)
	tok := testAccCreateAPIToken(t, c, client.Expiry30d)
	testAccAdvanceClock(t, 31*24*time.Hour)

	run := testAccActionProvider(t, nil).invoke(testAPITokenRevokeAction, map[string]string{"token_id": tok.ID})
	testExpectActionOK(t, run)
	testExpectProgress(t, run, []string{tok.Token},
		`^API token `+tok.ID+` \(.*\) already expired at `+formatTime(*tok.ExpiresAt)+`: requests with it already get 401; nothing to revoke$`)
	got, err := c.APITokens.Read(context.Background(), tok.ID)
	if err != nil || got.Status != client.TokenExpired || got.RevokedAt != nil {
		t.Errorf("the token is %+v (%v), want expired and never revoked", got, err)
	}
}

// TestAccAPITokenRevokeAction_managedToken revokes a token that an alien_api_token manages, from
// outside that configuration: the next plan of the configuration sees it gone and plans a new
// one, which works.
func TestAccAPITokenRevokeAction_managedToken(t *testing.T) {
	t.Parallel()
	config := testAccAPITokenConfig(fmt.Sprintf("  name       = %q\n  expires_in = \"30d\"", testAccRandomName("revoke-managed")))
	var revokedID, revokedValue string

	acc.Test(t, acc.TestCase{ // parallel already
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckAPITokensRevoked(testAccClient(t)),
		Steps: []acc.TestStep{
			{
				Config: config,
				Check: acc.ComposeTestCheckFunc(
					testAccCaptureAttr(testAccAPITokenAddr, "id", &revokedID),
					testAccCaptureAttr(testAccAPITokenAddr, "token", &revokedValue),
				),
			},
			{
				PreConfig: func() {
					testExpectActionOK(t, testAccActionProvider(t, nil).invoke(testAPITokenRevokeAction,
						map[string]string{"token_id": revokedID}))
					testAccExpectUnauthorized(t, revokedValue)
				},
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccAPITokenAddr, plancheck.ResourceActionCreate),
					},
				},
				Check: acc.ComposeTestCheckFunc(
					testAccCheckTokenStatus(testAccAPITokenAddr, "token", 200),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources[testAccAPITokenAddr].Primary.ID; id == revokedID {
							return fmt.Errorf("the state still holds the revoked token %s", id)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccAPITokenRevokeAction_invoke runs the incident runbook of the token rotation guide with a
// real CLI (Terraform 1.14 and later), in the configuration that manages the leaked token:
// `terraform apply -invoke=... -var leaked_token_id=...` revokes it at once (it gets 401); a
// second run succeeds and says it was already revoked; without the variable the plan fails
// naming the argument; then `terraform apply` issues the replacement.
func TestAccAPITokenRevokeAction_invoke(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	testAccRequireActions(t)
	w := testAccNewCLIWorkspace(t, fmt.Sprintf(`
resource "alien_api_token" "ci" {
  name       = %q
  expires_in = "90d"
}

output "ci_token" {
  value     = alien_api_token.ci.token
  sensitive = true
}

variable "leaked_token_id" {
  type    = string
  default = null
}

action "alien_api_token_revoke" "leaked" {
  config {
    token_id = var.leaked_token_id
  }
}
`, testAccRandomName("revoke-cli")))
	t.Cleanup(func() { w.run("destroy", "-auto-approve") })

	w.mustRun("apply", "-auto-approve")
	leaked := strings.TrimSpace(w.mustRun("output", "-raw", "ci_token"))
	leakedID := strings.TrimSpace(w.mustRun("state", "show", "-no-color", "alien_api_token.ci"))
	if m := regexp.MustCompile(`(?m)^\s*id\s*=\s*"(tok_[a-z0-9]+)"`).FindStringSubmatch(leakedID); m != nil {
		leakedID = m[1]
	} else {
		t.Fatalf("no token id in the state:\n%s", leakedID)
	}
	if _, err := testAccNewClient(t, leaked).Identity.Read(context.Background()); err != nil {
		t.Fatalf("the token does not work before the action: %v", err)
	}

	invoke := []string{"apply", "-auto-approve", "-invoke=action.alien_api_token_revoke.leaked", "-var", "leaked_token_id=" + leakedID}
	out := w.mustRun(invoke...)
	testAccExpectUnauthorized(t, leaked)
	if !regexp.MustCompile(`Revoked API token ` + leakedID + ` \(".*"\): requests with it get 401 from now on`).MatchString(out) {
		t.Errorf("the -invoke output does not say what was revoked:\n%s", out)
	}
	if strings.Contains(out, leaked) || credentialShape.MatchString(out) {
		t.Error("the -invoke output shows a secret")
	}

	out = w.mustRun(invoke...)
	if !regexp.MustCompile(`API token ` + leakedID + ` \(".*"\) was already revoked at `).MatchString(out) {
		t.Errorf("the second -invoke does not say the token was already revoked:\n%s", out)
	}

	out, code := w.run("apply", "-auto-approve", "-invoke=action.alien_api_token_revoke.leaked")
	if code == 0 || !regexp.MustCompile(testAccPhrase("The argument token_id is required, but its value is null")).MatchString(out) {
		t.Errorf("an -invoke without the variable: exit %d, want an error naming token_id:\n%s", code, out)
	}

	out, code = w.run("plan", "-detailed-exitcode")
	if code != 2 || !strings.Contains(out, "alien_api_token.ci will be created") {
		t.Fatalf("the plan after the revocation does not create a new token (exit %d):\n%s", code, out)
	}
	w.mustRun("apply", "-auto-approve")
	rotated := strings.TrimSpace(w.mustRun("output", "-raw", "ci_token"))
	if _, err := testAccNewClient(t, rotated).Identity.Read(context.Background()); err != nil {
		t.Errorf("the new token does not work: %v", err)
	}
}

func (*apiTokenRevokeAction) testModel() any { return &apiTokenRevokeActionModel{} }
