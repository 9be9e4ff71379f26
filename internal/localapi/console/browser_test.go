package console_test

// The console in a real browser: Debian's chromium, driven by chromedp, against an in-process
// alien-local whose organization the provider (in-process, through terraform) manages.

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/provider"
)

// screenshotPath is the README's screenshot of the console, which TestBrowser_scenario takes.
const screenshotPath = "../../../docs/images/console.png"

// screenshotViewport is the browser window the screenshot is taken in.
const screenshotWidth, screenshotHeight = 1280, 800

// chromium finds the browser, or skips the test saying how to get one.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test: no chromium on PATH (apt-get install -y chromium, or set CHROMIUM=/path/to/chrome)")
	return ""
}

// newBrowser starts a headless chromium with a fresh profile and no network of its own, and
// answers a tab. The flags keep it from reaching out (the network may be closed, and it would
// stall) and let it run as root in a container.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(screenshotWidth, screenshotHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(screenshotWidth, screenshotHeight)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// stepDeadline bounds one browser step: far beyond any real run, even of chromium on a loaded
// machine, so that only a page that never shows what a step waits for reaches it.
const stepDeadline = 2 * time.Minute

// step runs browser actions with a deadline, failing the test with what it was doing.
func step(ctx context.Context, t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepDeadline)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// load runs actions that end in a page load (a link followed, a form sent) and returns once the
// new page has loaded. A query run while a page is being replaced can find a node of the old
// page and then fail with "Could not find node with given id", so every action that loads a page
// goes through load, and step's queries only ever see a page that has finished loading.
func load(ctx context.Context, t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepDeadline)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// pageText is the text of the page's main content.
func pageText(ctx context.Context, t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepDeadline)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatalf("browser: reading the page: %v", err)
	}
	return strings.Join(strings.Fields(s), " ")
}

func wantPageText(ctx context.Context, t *testing.T, want ...string) {
	t.Helper()
	got := pageText(ctx, t)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("browser: the page lacks %q; it reads:\n%s", w, got)
		}
	}
}

// TestBrowser_scenario applies examples/quickstart with the provider, then plays the other side
// in the console, in chromium: sign in, see the members the apply invited, accept an invitation
// through the outbox's link, disable the OAuth client, revoke the token. The provider's next plan
// must show exactly those changes: the OAuth client enabled again in place, the revoked token
// created anew, the accepted member unchanged (now active), nothing else.
func TestBrowser_scenario(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("browser test: set TF_ACC=1 (it applies a configuration with terraform)")
	}
	browser := newBrowser(t)
	l := startLocal(t)
	t.Setenv("ALIEN_ENDPOINT", l.URL)
	t.Setenv("ALIEN_TOKEN", l.Bootstrap.Token)
	t.Setenv("ALIEN_CLIENT_ID", "")
	t.Setenv("ALIEN_CLIENT_SECRET", "")
	// The quickstart names its provider alien-intelligence/alien: the in-process provider is
	// attached under that name.
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "alien-intelligence")
	config := quickstartConfig(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"alien": providerserver.NewProtocol6WithError(provider.New("test")()),
		},
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { playInTheConsole(browser, t, l) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						exactChanges{
							"alien_oauth_client.dashboard": plancheck.ResourceActionUpdate,
							"alien_api_token.reader":       plancheck.ResourceActionCreate,
						},
						plancheck.ExpectKnownValue("alien_oauth_client.dashboard", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
						expectPriorValue("alien_oauth_client.dashboard", "enabled", false),
						expectPriorValue("alien_member.writer", "status", "active"),
						expectPriorValue("alien_member.viewer", "status", "invited"),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_member.writer", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("alien_oauth_client.dashboard", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// quickstartConfig is examples/quickstart, what `make demo` applies (the provider block reads
// ALIEN_ENDPOINT and ALIEN_TOKEN).
func quickstartConfig(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{"main.tf", "outputs.tf"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "quickstart", f))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(src)
		b.WriteByte('\n')
	}
	return b.String()
}

// playInTheConsole is what a person does in the console after the first apply.
func playInTheConsole(ctx context.Context, t *testing.T, l *local) {
	t.Helper()
	base := l.URL

	// Without a session, a page sends the browser to sign-in first, then back.
	step(ctx, t, "open the members page", chromedp.Navigate(base+"/console/members"), chromedp.WaitVisible(chromedp.CSS(`input[name="token"]`)))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, base+"/console/sign-in?next=") {
		t.Fatalf("browser: without a session the members page went to %q (%v), want sign-in", loc, err)
	}
	step(ctx, t, "type the organization key", chromedp.SendKeys(chromedp.CSS(`input[name="token"]`), l.Bootstrap.Token))
	load(ctx, t, "sign in", chromedp.Click(chromedp.CSS(`form:has(input[name="token"]) button`)))
	step(ctx, t, "see the members page", chromedp.WaitVisible(chromedp.CSS(`#invitations`)))

	// The members the apply invited: the owner, and two pending invitations.
	wantPageText(ctx, t, "Signed in with organization key “bootstrap” of owner@example.com",
		"owner@example.com", "data.engineer@example.com Writer Pending", "auditor@example.com Viewer Pending")

	// The data engineer accepts through the link of their invitation email, in the outbox.
	load(ctx, t, "open the outbox", chromedp.Click(chromedp.CSS(`nav a[href="/console/outbox"]`)))
	load(ctx, t, "open the invitation link from the outbox",
		chromedp.Click(`//article[contains(., "To data.engineer@example.com")][.//span[contains(., "Invitation")]]//a[contains(., "Open the link")]`))
	step(ctx, t, "see the invitation", chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)))
	wantPageText(ctx, t, "Join Local Organization", "as a Writer", "data.engineer@example.com")
	step(ctx, t, "type a name", chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Dana Engineer"))
	load(ctx, t, "accept the invitation", chromedp.Click(chromedp.CSS(`form[action="/console/accept-invitation"] button`)))
	step(ctx, t, "see the welcome", chromedp.WaitVisible(`//h1[contains(., "Welcome to Local Organization")]`))
	wantPageText(ctx, t, "Dana Engineer, you joined Local Organization as a Writer")
	step(ctx, t, "see the new member",
		chromedp.Navigate(base+"/console/members"),
		chromedp.WaitVisible(`//td[contains(., "Dana Engineer")]`),
	)

	// Disable the OAuth client the apply created.
	load(ctx, t, "open the OAuth clients page", chromedp.Click(chromedp.CSS(`nav a[href="/console/oauth-clients"]`)))
	load(ctx, t, "disable the OAuth client", chromedp.Click(`//tr[contains(., "Reporting dashboard")]//button[normalize-space(.)="Disable"]`))
	step(ctx, t, "see the OAuth client disabled", chromedp.WaitVisible(`//div[contains(@class, "note-ok")][contains(., "is disabled")]`))
	wantPageText(ctx, t, "Reporting dashboard", "Disabled")

	// Revoke the reporting bot's token: the button asks first.
	load(ctx, t, "open the API tokens page", chromedp.Click(chromedp.CSS(`nav a[href="/console/api-tokens"]`)))
	step(ctx, t, "ask to revoke the token",
		chromedp.Click(`//tr[contains(., "Reporting bot (read-only)")]//summary[normalize-space(.)="Revoke"]`),
		chromedp.WaitVisible(`//tr[contains(., "Reporting bot (read-only)")]//div[contains(@class, "confirm-pop")]`),
	)
	load(ctx, t, "revoke the token", chromedp.Click(`//tr[contains(., "Reporting bot (read-only)")]//div[contains(@class, "confirm-pop")]//button`))
	step(ctx, t, "see the token revoked", chromedp.WaitVisible(`//div[contains(@class, "note-ok")][contains(., "was revoked")]`))
	wantPageText(ctx, t, "API token “Reporting bot (read-only)” was revoked", "Revoked")

	// The README's screenshot: the members page, as the apply and the acceptance left it.
	load(ctx, t, "open the members page for the screenshot", chromedp.Click(chromedp.CSS(`nav a[href="/console/members"]`)))
	step(ctx, t, "see the members", chromedp.WaitVisible(`//td[contains(., "Dana Engineer")]`))
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	checkScreenshot(t, shot)
}

// checkScreenshot writes the screenshot to docs/images/console.png when UPDATE_SCREENSHOTS=1;
// otherwise it checks that the README's copy is a screenshot of the same size (its content
// changes with every run: ids, dates), so that a change of the viewport shows.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		if err := os.MkdirAll(filepath.Dir(screenshotPath), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(screenshotPath, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%dx%d)", screenshotPath, img.Bounds().Dx(), img.Bounds().Dy())
		return
	}
	f, err := os.Open(screenshotPath)
	if err != nil {
		t.Fatalf("the README's screenshot: %v (UPDATE_SCREENSHOTS=1 make test, or go test ./internal/localapi/console -run TestBrowser, writes it)", err)
	}
	defer f.Close()
	committed, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", screenshotPath, err)
	}
	if committed.Width != img.Bounds().Dx() || committed.Height != img.Bounds().Dy() {
		t.Errorf("%s is %dx%d, the browser test's screenshot %dx%d: run the test with UPDATE_SCREENSHOTS=1",
			screenshotPath, committed.Width, committed.Height, img.Bounds().Dx(), img.Bounds().Dy())
	}
}

// exactChanges is a plan check: the managed resources it names get those actions, every other
// managed resource no change.
type exactChanges map[string]plancheck.ResourceActionType

func (want exactChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var problems []string
	seen := map[string]bool{}
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Mode != "managed" {
			continue
		}
		seen[rc.Address] = true
		got := actionOf(rc.Change.Actions.NoOp(), rc.Change.Actions.Update(), rc.Change.Actions.Create(), rc.Change.Actions.Delete(), rc.Change.Actions.Replace())
		exp, ok := want[rc.Address]
		if !ok {
			exp = plancheck.ResourceActionNoop
		}
		if got != exp {
			problems = append(problems, fmt.Sprintf("%s: planned %s, want %s", rc.Address, got, exp))
		}
	}
	for addr := range want {
		if !seen[addr] {
			problems = append(problems, addr+": not in the plan")
		}
	}
	if len(problems) > 0 {
		resp.Error = fmt.Errorf("the plan is not exactly the console's changes:\n  %s", strings.Join(problems, "\n  "))
	}
}

func actionOf(noop, update, create, del, replace bool) plancheck.ResourceActionType {
	switch {
	case noop:
		return plancheck.ResourceActionNoop
	case update:
		return plancheck.ResourceActionUpdate
	case replace:
		return plancheck.ResourceActionReplace
	case create:
		return plancheck.ResourceActionCreate
	case del:
		return plancheck.ResourceActionDestroy
	}
	return "read"
}

// expectPriorValue is a plan check: the refreshed state of addr (the plan's "before") holds want
// at attr, so the refresh saw what the console did.
func expectPriorValue(addr, attr string, want any) plancheck.PlanCheck {
	return priorValue{addr: addr, attr: attr, want: want}
}

type priorValue struct {
	addr, attr string
	want       any
}

func (c priorValue) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, ok := rc.Change.Before.(map[string]any)
		if !ok {
			resp.Error = fmt.Errorf("%s has no prior state in the plan", c.addr)
			return
		}
		if got := before[c.attr]; got != c.want {
			resp.Error = fmt.Errorf("%s.%s before the plan = %v, want %v", c.addr, c.attr, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}
