package provider

// The acceptance-test harness and the helpers every acceptance test shares.
//
// With TF_ACC set, TestMain starts alien-local in-process (in memory, time travel on, every
// request and response checked against api/openapi.yaml) and points ALIEN_ENDPOINT and
// ALIEN_TOKEN at it, unless both are already set: then the tests run against that endpoint, and
// the tests that need alien-local's /_local extensions (outbox, clock) skip themselves.
//
// Tests that move the clock (testAccAdvanceClock) must not run in parallel: use resource.Test,
// not resource.ParallelTest. Go runs every sequential top-level test before the parallel ones, so
// such a test never overlaps a parallel test.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// testAccProtoV6ProviderFactories runs the provider in-process for every acceptance test.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"alien": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccLocalAPI is the in-process alien-local, nil when the tests run against ALIEN_ENDPOINT.
var testAccLocalAPI *localapi.Instance

func TestMain(m *testing.M) {
	os.Exit(testAccMain(m))
}

// testAccMain starts alien-local when the acceptance tests need one, runs the tests and fails the
// run when the local API saw a request or answered a response that breaks the contract.
func testAccMain(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" || (os.Getenv(envEndpoint) != "" && os.Getenv(envToken) != "") {
		return m.Run()
	}

	var (
		mu         sync.Mutex
		violations []string
	)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	inst, err := localapi.Start(ctx, "127.0.0.1:0", localapi.Config{
		DBPath:     ":memory:",
		Clock:      clock.NewOffset(),
		TimeTravel: true,
		ContractCheck: func(err error) {
			mu.Lock()
			defer mu.Unlock()
			violations = append(violations, err.Error())
		},
		// The tests need the password scheme, not its production cost.
		PasswordHashIterations: 1000,
	})
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "acceptance tests: cannot start alien-local: %v\n", err)
		return 1
	}
	if inst.Bootstrap == nil {
		fmt.Fprintln(os.Stderr, "acceptance tests: alien-local started without bootstrapping an organization")
		_ = inst.Close()
		return 1
	}
	testAccLocalAPI = inst
	for k, v := range map[string]string{
		envEndpoint: inst.URL, envToken: inst.Bootstrap.Token,
		// Nothing from the outer environment may change which credential the tests use.
		envClientID: "", envClientSecret: "",
	} {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintf(os.Stderr, "acceptance tests: %v\n", err)
			return 1
		}
	}

	code := m.Run()

	if err := inst.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "acceptance tests: closing alien-local: %v\n", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(violations) > 0 {
		counts := map[string]int{}
		for _, v := range violations {
			counts[v]++
		}
		distinct := make([]string, 0, len(counts))
		for v := range counts {
			distinct = append(distinct, v)
		}
		sort.Strings(distinct)
		fmt.Fprintf(os.Stderr, "\nFAIL: alien-local saw %d contract violations (api/openapi.yaml), %d distinct:\n",
			len(violations), len(distinct))
		for _, v := range distinct {
			fmt.Fprintf(os.Stderr, "  %dx %s\n", counts[v], v)
		}
		return 1
	}
	return code
}

// testAccPreCheck skips the test unless TF_ACC is set (as resource.Test does), and fails it when
// the harness has no endpoint and credential to test with. Tests that call the API before
// resource.Test get it through testAccClient.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	if os.Getenv(envEndpoint) == "" || os.Getenv(envToken) == "" {
		t.Fatalf("acceptance tests need %s and %s (TestMain sets them to an in-process alien-local when "+
			"TF_ACC is set and they are not both set)", envEndpoint, envToken)
	}
}

var (
	testAccClientMu     sync.Mutex
	testAccClients      = map[string]*client.Client{}
	testAccIdentityOnce sync.Once
	testAccIdentity     *client.Identity
	testAccIdentityErr  error
)

// testAccNewClient is an API client that authenticates with token, without read cache (tests
// check what the API holds now). Clients are shared per token.
func testAccNewClient(t *testing.T, token string) *client.Client {
	t.Helper()
	testAccClientMu.Lock()
	defer testAccClientMu.Unlock()
	if c, ok := testAccClients[token]; ok {
		return c
	}
	c, err := client.New(client.Config{
		Endpoint: os.Getenv(envEndpoint),
		Token:    token,
		Version:  "acceptance-test",
	})
	if err != nil {
		t.Fatalf("creating an API client: %v", err)
	}
	testAccClients[token] = c
	return c
}

// testAccClient is an API client with the tests' owner credential (ALIEN_TOKEN).
func testAccClient(t *testing.T) *client.Client {
	t.Helper()
	testAccPreCheck(t)
	return testAccNewClient(t, os.Getenv(envToken))
}

// testAccOrganizationID is the id of the organization the tests' credential belongs to.
func testAccOrganizationID(t *testing.T) string {
	t.Helper()
	return testAccCurrentIdentity(t).Organization.ID
}

// testAccCurrentIdentity is who the tests' owner credential is (GET /me, read once).
func testAccCurrentIdentity(t *testing.T) *client.Identity {
	t.Helper()
	c := testAccClient(t)
	testAccIdentityOnce.Do(func() {
		testAccIdentity, testAccIdentityErr = c.Identity.Read(context.Background())
	})
	if testAccIdentityErr != nil {
		t.Fatalf("reading the tests' identity: %v", testAccIdentityErr)
	}
	return testAccIdentity
}

// testAccRandomEmail is a fresh email address, e.g. "member-q3k9...@example.com".
func testAccRandomEmail(prefix string) string {
	return strings.ToLower(prefix) + "-" + acctest.RandString(12) + "@example.com"
}

// testAccRandomName is a fresh name for an object, e.g. "tf-acc-token-q3k9...".
func testAccRandomName(prefix string) string {
	return "tf-acc-" + prefix + "-" + acctest.RandString(10)
}

// testAccMixedCaseEmail is a fresh email with upper-case letters, to prove that the spelling a
// configuration gives is the one kept.
func testAccMixedCaseEmail(prefix string) string {
	return prefix + "-" + acctest.RandString(10) + "@Example.COM"
}

var (
	testAccLocalOnce sync.Once
	testAccLocalErr  error
)

// testAccRequireLocal skips the test when the endpoint has no alien-local /_local extensions
// (the real platform answers them 404).
func testAccRequireLocal(t *testing.T) {
	t.Helper()
	c := testAccClient(t)
	testAccLocalOnce.Do(func() {
		_, testAccLocalErr = client.Local(c).Clock(context.Background())
	})
	switch {
	case testAccLocalErr == nil:
	case isNotFound(testAccLocalErr):
		t.Skipf("%s is not alien-local: this test needs its /_local extensions", os.Getenv(envEndpoint))
	default:
		t.Fatalf("probing alien-local's /_local extensions: %v", testAccLocalErr)
	}
}

// testAccOutbox lists the emails alien-local sent to an address (case-insensitive), oldest
// first. It skips the test against an endpoint that is not alien-local.
func testAccOutbox(t *testing.T, to string) []*client.Email {
	t.Helper()
	testAccRequireLocal(t)
	emails, err := client.Local(testAccClient(t)).Outbox(context.Background(), to)
	if err != nil {
		t.Fatalf("reading the outbox of %s: %v", to, err)
	}
	return emails
}

// testAccAdvanceClock moves alien-local's clock forward by d. It skips the test against an
// endpoint that is not alien-local, or one started without --time-travel. The clock is shared by
// every test: call it only from tests that do not run in parallel (resource.Test). The provider
// follows it: it judges the API's times by the Date header of the API's answers.
func testAccAdvanceClock(t *testing.T, d time.Duration) *client.ClockState {
	t.Helper()
	testAccRequireLocal(t)
	state, err := client.Local(testAccClient(t)).AdvanceClock(context.Background(), d)
	if errors.Is(err, client.ErrForbidden) {
		t.Skipf("alien-local at %s does not allow time travel (start it with --time-travel)", os.Getenv(envEndpoint))
	}
	if err != nil {
		t.Fatalf("advancing alien-local's clock by %s: %v", d, err)
	}
	return state
}

// testAccAcceptInvitation accepts the latest invitation sent to email, by following the link of
// the invitation email as the invitee would. It skips the test against an endpoint that is not
// alien-local.
func testAccAcceptInvitation(t *testing.T, email string) *client.InvitationAcceptance {
	t.Helper()
	linkToken := testAccLinkToken(t, email, "invitation")
	accepted, err := client.Person(testAccClient(t)).AcceptInvitation(context.Background(), linkToken, "Invited Person")
	if err != nil {
		t.Fatalf("accepting the invitation sent to %s: %v", email, err)
	}
	return accepted
}

// testAccInvite invites email as role through c, as someone outside Terraform would.
func testAccInvite(t *testing.T, c *client.Client, email string, role client.Role) *client.Invitation {
	t.Helper()
	inv, err := c.Invitations.Create(context.Background(), client.InvitationCreateOptions{Email: email, Role: role})
	if err != nil {
		t.Fatalf("inviting %s: %v", email, err)
	}
	return inv
}

// testAccInviteAndAccept makes email a member with role through c: invited, then accepted through
// the emailed link. The member is removed when the test ends.
func testAccInviteAndAccept(t *testing.T, c *client.Client, email string, role client.Role) *client.Member {
	t.Helper()
	testAccInvite(t, c, email, role)
	accepted := testAccAcceptInvitation(t, email)
	t.Cleanup(func() {
		if err := c.Members.Delete(context.Background(), accepted.Member.ID); err != nil && !isNotFound(err) {
			t.Errorf("removing member %s: %v", accepted.Member.ID, err)
		}
	})
	return &accepted.Member
}

// testAccLinkToken is the token parameter of the link in the latest email of a kind
// ("invitation", "password_reset") sent to an address. It skips the test against an endpoint that
// is not alien-local.
func testAccLinkToken(t *testing.T, to, kind string) string {
	t.Helper()
	var link string
	for _, e := range testAccOutbox(t, to) {
		if e.Kind == kind {
			link = e.Link
		}
	}
	if link == "" {
		t.Fatalf("no %s email was sent to %s", kind, to)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("the %s email to %s has a bad link: %v", kind, to, err)
	}
	token := u.Query().Get("token")
	if token == "" {
		t.Fatalf("the %s link sent to %s has no token parameter", kind, to)
	}
	return token
}

// testAccCountEmails counts the emails of a kind ("invitation", "password_reset") sent to an
// address.
func testAccCountEmails(t *testing.T, to, kind string) int {
	t.Helper()
	n := 0
	for _, e := range testAccOutbox(t, to) {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// testAccCheckEmails checks that alien-local sent want emails of a kind to an address.
func testAccCheckEmails(t *testing.T, to, kind string, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := testAccCountEmails(t, to, kind); n != want {
			return fmt.Errorf("%d %s emails were sent to %s, want %d", n, kind, to, want)
		}
		return nil
	}
}

// testAccExpectChange is a plan check: the plan changes attribute of the resource at addr from
// before to after (JSON values: bool, string, nil for null; plancheck.ExpectUnknownValue checks
// unknown values).
func testAccExpectChange(addr, attribute string, before, after any) plancheck.PlanCheck {
	return attributeChangeCheck{addr: addr, attribute: attribute, before: before, after: after}
}

// attributeChangeCheck is the plan check testAccExpectChange returns.
type attributeChangeCheck struct {
	addr, attribute string
	before, after   any
}

// CheckPlan implements plancheck.PlanCheck.
func (c attributeChangeCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr || rc.Change == nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		if before[c.attribute] != c.before || after[c.attribute] != c.after {
			resp.Error = fmt.Errorf("%s.%s: planned %v -> %v, want %v -> %v",
				c.addr, c.attribute, before[c.attribute], after[c.attribute], c.before, c.after)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no change planned", c.addr)
}

// testAccOrganization is a brand-new organization made for one test.
type testAccOrganization struct {
	// Organization is the new organization (plan free).
	Organization client.Organization
	// Token is its bootstrap organization key.
	Token string
	// Client authenticates with Token.
	Client *client.Client
}

// testAccNewOrganization creates an organization owned by the user behind the tests' credential
// (its only owner), for tests that need a known set of owners or a Free plan. It is deleted when
// the test ends.
func testAccNewOrganization(t *testing.T) *testAccOrganization {
	t.Helper()
	owner := testAccClient(t)
	created, err := owner.Organizations.Create(context.Background(),
		client.OrganizationCreateOptions{Name: testAccRandomName("org")})
	if err != nil {
		t.Fatalf("creating an organization: %v", err)
	}
	t.Cleanup(func() {
		if err := owner.Organizations.Delete(context.Background(), created.ID); err != nil && !isNotFound(err) {
			t.Errorf("deleting organization %s: %v", created.ID, err)
		}
	})
	return &testAccOrganization{
		Organization: created.Organization,
		Token:        created.BootstrapToken,
		Client:       testAccNewClient(t, created.BootstrapToken),
	}
}

// testAccEnterpriseOrganization is a new organization (see testAccNewOrganization) moved to the
// Enterprise plan, for tests that need a known set of service accounts and managed users. It
// skips the test against an endpoint that is not alien-local (the plan changes through billing).
func testAccEnterpriseOrganization(t *testing.T) *testAccOrganization {
	t.Helper()
	testAccRequireLocal(t)
	org := testAccNewOrganization(t)
	updated, err := client.Local(testAccClient(t)).SetPlan(context.Background(), org.Organization.ID, client.PlanEnterprise)
	if err != nil {
		t.Fatalf("moving organization %s to the enterprise plan: %v", org.Organization.ID, err)
	}
	org.Organization = *updated
	return org
}

// testAccCreateOAuthClient creates an OAuth client through c, deleted when the test ends.
func testAccCreateOAuthClient(t *testing.T, c *client.Client, prefix string) *client.OAuthClientCreated {
	t.Helper()
	created, err := c.OAuthClients.Create(context.Background(),
		client.OAuthClientCreateOptions{Name: testAccRandomName(prefix)})
	if err != nil {
		t.Fatalf("creating an OAuth client: %v", err)
	}
	t.Cleanup(func() {
		if err := c.OAuthClients.Delete(context.Background(), created.ID); err != nil && !isNotFound(err) {
			t.Errorf("deleting OAuth client %s: %v", created.ID, err)
		}
	})
	return created
}

// testAccCaptureTraceLog makes the rest of the test log at TRACE level (Terraform and the
// in-process provider alike) into a file, and answers its path. It sets environment variables,
// so the test must not run in parallel (resource.Test).
func testAccCaptureTraceLog(t *testing.T) string {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_LOG_PATH_MASK", "")
	t.Setenv("TF_LOG_PROVIDER", "")
	t.Setenv("TF_LOG_CORE", "")
	return logPath
}

// credentialShape matches anything shaped like a platform credential (API token or access token).
var credentialShape = regexp.MustCompile(`(oat|oaa)_[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{6,}`)

// testAccCheckLogExcludes fails the test when the log at logPath holds one of secrets, or
// anything shaped like a credential, and answers the log. Failures name line numbers, never the
// secret.
func testAccCheckLogExcludes(t *testing.T, logPath string, secrets ...string) string {
	t.Helper()
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the captured log: %v", err)
	}
	if len(data) == 0 {
		t.Fatalf("the captured log %s is empty: was TF_LOG honoured?", logPath)
	}
	log := string(data)
	lines := strings.Split(log, "\n")
	for i, secret := range secrets {
		if secret == "" {
			t.Fatalf("secret #%d is empty: the check would prove nothing", i+1)
		}
		for n, line := range lines {
			if strings.Contains(line, secret) {
				t.Errorf("secret #%d appears in the log, line %d: %s", i+1, n+1,
					strings.ReplaceAll(line, secret, "<SECRET>"))
			}
		}
	}
	for n, line := range lines {
		if loc := credentialShape.FindStringIndex(line); loc != nil {
			t.Errorf("a credential-shaped value appears in the log, line %d, column %d", n+1, loc[0]+1)
		}
	}
	return log
}
