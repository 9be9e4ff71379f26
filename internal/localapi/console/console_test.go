package console_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// privatePages are the pages that need a session.
var privatePages = []string{
	"/console/organization", "/console/members", "/console/api-users", "/console/api-tokens",
	"/console/oauth-clients", "/console/outbox",
}

func TestConsole_nonLoopbackClientsGet403(t *testing.T) {
	l := startLocal(t)
	h := l.Server.Handler()
	for _, tc := range []struct {
		name, method, path, remote, host string
	}{
		{"remote client, page", "GET", "/console/sign-in", "192.0.2.10:51234", "127.0.0.1:8080"},
		{"remote client, private page", "GET", "/console/members", "[2001:db8::1]:51234", "127.0.0.1:8080"},
		{"remote client, form", "POST", "/console/sign-in", "198.51.100.7:40000", "127.0.0.1:8080"},
		{"remote client, stylesheet", "GET", "/console/static/console.css", "192.0.2.10:51234", "127.0.0.1:8080"},
		{"loopback client, another site's name (DNS rebinding)", "GET", "/console/sign-in", "127.0.0.1:40000", "attacker.example:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader("method=token&token=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr, req.Host = tc.remote, tc.host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden {
				t.Fatalf("%s %s from %s to %s = %d, want 403", tc.method, tc.path, tc.remote, tc.host, rec.Code)
			}
			if !strings.Contains(text(rec.Body.String()), "loopback") {
				t.Errorf("the 403 page does not say why: %s", text(rec.Body.String()))
			}
			if c := rec.Header().Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("a refused client got cookies: %v", c)
			}
		})
	}
	// The same request from a loopback client, addressed to localhost, is served.
	req := httptest.NewRequest("GET", "/console/sign-in", nil)
	req.RemoteAddr, req.Host = "127.0.0.1:40000", "localhost:8080"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /console/sign-in from loopback = %d, want 200", rec.Code)
	}
}

func TestConsole_pagesWithoutSessionRedirectToSignIn(t *testing.T) {
	l := startLocal(t)
	v := newVisitor(t, l.URL)
	for _, path := range privatePages {
		p := v.get(path)
		if p.status != http.StatusSeeOther || p.location != "/console/sign-in?next="+url.QueryEscape(path) {
			t.Errorf("GET %s without a session = %d to %q, want 303 to sign-in", path, p.status, p.location)
		}
	}
	// A made-up session cookie is no session.
	u, _ := url.Parse(l.URL + "/console/")
	v.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "alien_console_session", Value: strings.Repeat("A", 43), Path: "/console/", HttpOnly: true, SameSite: http.SameSiteStrictMode}}) //nolint:gosec // a forged cookie, over loopback http
	if p := v.get("/console/members"); p.status != http.StatusSeeOther {
		t.Errorf("GET /console/members with a forged session cookie = %d, want 303", p.status)
	}
	// After sign-in, the page asked for first opens.
	v.get("/console/sign-in?next=" + url.QueryEscape("/console/api-tokens"))
	p := v.post("/console/sign-in", url.Values{"method": {"token"}, "token": {l.Bootstrap.Token}, "next": {"/console/api-tokens"}})
	if p.status != http.StatusSeeOther || p.location != "/console/api-tokens" {
		t.Fatalf("sign-in = %d to %q, want 303 to /console/api-tokens", p.status, p.location)
	}
	// next never leaves the console.
	for _, next := range []string{"https://attacker.example/", "//attacker.example/console/", "/members", "/console/../_local/outbox"} {
		v2 := newVisitor(t, l.URL)
		v2.get("/console/sign-in")
		p := v2.post("/console/sign-in", url.Values{"method": {"token"}, "token": {l.Bootstrap.Token}, "next": {next}})
		if p.location != "/console/organization" {
			t.Errorf("sign-in with next=%q goes to %q, want /console/organization", next, p.location)
		}
	}
}

func TestConsole_formsWithoutCSRFTokenAreRefused(t *testing.T) {
	l := startLocal(t)
	ctx := t.Context()
	other := newVisitor(t, l.URL) // another browser, with its own session and token
	other.signIn(l.Bootstrap.Token)
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)

	for _, tc := range []struct {
		name string
		csrf string
	}{
		{"no token", ""},
		{"another browser's token", other.csrf},
		{"a made-up token", strings.Repeat("x", 43)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := v.post("/console/oauth-clients", url.Values{"name": {"Refused " + tc.name}, "csrf": {tc.csrf}})
			if p.status != http.StatusForbidden || !strings.Contains(text(p.body), "CSRF") {
				t.Fatalf("POST without a valid CSRF token = %d: %s", p.status, text(p.body))
			}
		})
	}
	clients, err := l.api.OAuthClients.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(clients) != 0 {
		t.Fatalf("a refused form created OAuth clients: %+v", clients)
	}

	// The public forms too: accepting an invitation without the token accepts nothing.
	inv, err := l.api.Invitations.Create(ctx, client.InvitationCreateOptions{Email: "jane.doe@example.com", Role: client.RoleWriter})
	if err != nil {
		t.Fatal(err)
	}
	token := tokenOf(t, lastLink(t, l, "jane.doe@example.com"))
	jane := newVisitor(t, l.URL)
	jane.get("/console/accept-invitation?token=" + url.QueryEscape(token))
	if p := jane.post("/console/accept-invitation", url.Values{"token": {token}, "name": {"Jane"}, "csrf": {""}}); p.status != http.StatusForbidden {
		t.Fatalf("accepting without a CSRF token = %d, want 403", p.status)
	}
	if got, err := l.api.Invitations.Read(ctx, inv.ID); err != nil || got.Status != client.InvitationPending {
		t.Fatalf("after a refused accept, the invitation is %+v, %v; want pending", got, err)
	}
	// And sign-in: a form from elsewhere starts no session.
	anon := newVisitor(t, l.URL)
	if p := anon.post("/console/sign-in", url.Values{"method": {"token"}, "token": {l.Bootstrap.Token}}); p.status != http.StatusForbidden {
		t.Fatalf("sign-in without a CSRF token = %d, want 403", p.status)
	}

	// With its token, the same form works.
	v.get("/console/oauth-clients")
	if p := v.post("/console/oauth-clients", url.Values{"name": {"Accepted"}}); p.status != http.StatusSeeOther {
		t.Fatalf("POST with the CSRF token = %d: %s", p.status, text(p.body))
	}
}

// A browser of another site posting to the console is refused before the token is even looked
// at (net/http's CrossOriginProtection, from the browser's Sec-Fetch-Site header).
func TestConsole_crossSiteFormsAreRefused(t *testing.T) {
	l := startLocal(t)
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)
	req, err := http.NewRequest(http.MethodPost, l.URL+"/console/oauth-clients", strings.NewReader(url.Values{"name": {"x"}, "csrf": {v.csrf}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := v.do(req); p.status != http.StatusForbidden {
		t.Fatalf("a cross-site POST = %d, want 403", p.status)
	}
}

func TestConsole_signInKeepsTheCredentialOnTheServer(t *testing.T) {
	l := startLocal(t)
	v := newVisitor(t, l.URL)
	v.get("/console/sign-in")
	p := v.post("/console/sign-in", url.Values{"method": {"token"}, "token": {l.Bootstrap.Token}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d: %s", p.status, text(p.body))
	}
	var session *http.Cookie
	for _, c := range p.cookies {
		if c.Name == "alien_console_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in set no session cookie: %v", p.cookies)
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/console/" {
		t.Errorf("session cookie = %+v; want HttpOnly, SameSite=Strict, Path=/console/", session)
	}
	if strings.Contains(session.Value, "oat_") || strings.Contains(l.Bootstrap.Token, session.Value) || len(session.Value) != 43 {
		t.Errorf("the session cookie %q is not a random id", session.Value)
	}
	page := v.follow(p)
	wantText(t, page, "Signed in with organization key “bootstrap” of owner@example.com", "Local Organization")

	// Signing out forgets the session on the server: the old cookie opens nothing.
	v.post("/console/sign-out", url.Values{})
	stale := newVisitor(t, l.URL)
	u, _ := url.Parse(l.URL + "/console/")
	stale.hc.Jar.SetCookies(u, []*http.Cookie{{Name: session.Name, Value: session.Value, Path: "/console/", HttpOnly: true, SameSite: http.SameSiteStrictMode}}) //nolint:gosec // a stale cookie, over loopback http
	if p := stale.get("/console/members"); p.status != http.StatusSeeOther {
		t.Errorf("the cookie of a signed-out session still opens pages: %d", p.status)
	}
	assertNoSecret(t, l, v, l.Bootstrap.Token)
}

func TestConsole_signInWithAnOAuthClient(t *testing.T) {
	l := startLocal(t)
	oc, err := l.api.OAuthClients.Create(t.Context(), client.OAuthClientCreateOptions{Name: "Console"})
	if err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, l.URL)
	v.get("/console/sign-in")
	p := v.post("/console/sign-in", url.Values{"method": {"oauth"}, "client_id": {oc.ClientID}, "client_secret": {"wrong"}})
	if p.status != http.StatusUnauthorized {
		t.Fatalf("sign-in with a wrong secret = %d: %s", p.status, text(p.body))
	}
	wantText(t, p, oc.ClientID)
	p = v.post("/console/sign-in", url.Values{"method": {"oauth"}, "client_id": {oc.ClientID}, "client_secret": {oc.ClientSecret}})
	wantText(t, v.follow(p), "Signed in with OAuth client “Console” of owner@example.com")

	// Disabling the client the session signed in with ends the session: the API refuses it.
	v.get("/console/oauth-clients")
	p = v.post("/console/oauth-clients/"+oc.ID+"/disable", url.Values{})
	after := v.get(p.location)
	if after.status != http.StatusUnauthorized {
		t.Fatalf("a page after disabling the session's own client = %d, want 401 (sign-in)", after.status)
	}
	wantText(t, after, "The API no longer accepts the credential this session signed in with", "Sign in")
	if p := v.get("/console/members"); p.status != http.StatusSeeOther {
		t.Errorf("the session survived its credential: %d", p.status)
	}
	assertNoSecret(t, l, v, oc.ClientSecret)
}

func TestConsole_signInRefusesClientRoleCredentials(t *testing.T) {
	l := startLocal(t)
	ctx := t.Context()
	sa, err := l.api.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: "bot@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	scope := client.ScopeReadWrite
	tok, err := l.api.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "bot", ExpiresIn: client.ExpiryNever, ServiceAccountID: &sa.ID, Scope: &scope})
	if err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, l.URL)
	v.get("/console/sign-in")
	for _, tc := range []struct{ token, want string }{
		{tok.Token, "A service-account token has the Client role"},
		{"oat_bm9wZQ.bm9wZQ", "Malformed API token"},
		{"not a token", "Unknown credential"},
	} {
		p := v.post("/console/sign-in", url.Values{"method": {"token"}, "token": {tc.token}})
		if p.status == http.StatusSeeOther {
			t.Fatalf("sign-in with %q started a session", tc.want)
		}
		wantText(t, p, tc.want)
		for _, c := range p.cookies {
			if c.Name == "alien_console_session" {
				t.Errorf("a refused sign-in set a session cookie")
			}
		}
	}
	assertNoSecret(t, l, v, tok.Token)
}

// The rules are the API's: the console shows the API's refusal, here the last-owner rule's.
func TestConsole_showsTheAPIsRefusals(t *testing.T) {
	l := startLocal(t)
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)
	members, err := l.api.Members.List(t.Context(), client.MemberListOptions{})
	if err != nil || len(members) != 1 {
		t.Fatalf("members = %v, %v", members, err)
	}
	owner := members[0]
	v.get("/console/members")
	p := v.follow(v.post("/console/members/"+owner.ID+"/role", url.Values{"role": {"viewer"}}))
	wantText(t, p, "is the last owner of the organization and cannot be demoted", "request req_")
	if !strings.Contains(p.body, `class="note note-error"`) {
		t.Errorf("the refusal is not shown as an error")
	}
	// An invalid email: the API's 400 names the field.
	p = v.follow(v.post("/console/invitations", url.Values{"email": {"not an email"}, "role": {"writer"}}))
	wantText(t, p, "email")
	if got, _ := l.api.Invitations.List(t.Context(), client.InvitationListOptions{}); len(got) != 0 {
		t.Errorf("a refused invitation was made: %+v", got)
	}
	// A plan without API users: the API's plan_required message, on the page.
	if _, err := client.Local(l.api).SetPlan(t.Context(), l.Bootstrap.OrganizationID, client.PlanTeam); err != nil {
		t.Fatal(err)
	}
	wantText(t, v.get("/console/api-users"), "Service accounts need the enterprise plan; this organization is on the team plan")
	wantText(t, v.get("/console/organization"), "Enterprise plan only")
}

func TestConsole_oneTimeSecretsAreShownOnce(t *testing.T) {
	l := startLocal(t)
	ctx := t.Context()
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)

	v.get("/console/api-tokens")
	p := v.follow(v.post("/console/api-tokens", url.Values{"name": {"Deploy key"}, "owner": {""}, "scope": {""}, "expires_in": {"30d"}}))
	wantText(t, p, "API token “Deploy key” issued", "this is the only time it is shown")
	token := copyBoxValue(t, p.body, "Token")
	if !strings.HasPrefix(token, "oat_") {
		t.Fatalf("copy box holds %q, want an API token", token)
	}
	// The value works: it is the token the API issued.
	issued, err := client.New(client.Config{Endpoint: l.URL, Token: token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := issued.Organizations.Current(ctx); err != nil {
		t.Fatalf("the token shown does not work: %v", err)
	}
	// Shown once: not on the next page, nor on any other.
	if again := v.get("/console/api-tokens"); strings.Contains(again.body, token) {
		t.Fatal("the token's value is shown a second time")
	}
	wantText(t, v.get("/console/api-tokens"), "Deploy key", "Organization key owner@example.com · Full access")

	v.get("/console/oauth-clients")
	p = v.follow(v.post("/console/oauth-clients", url.Values{"name": {"Dashboard"}}))
	secret := copyBoxValue(t, p.body, "Client secret")
	clientID := copyBoxValue(t, p.body, "Client ID")
	if _, err := issued.Public.ClientCredentialsToken(ctx, clientID, secret); err != nil {
		t.Fatalf("the client secret shown does not work: %v", err)
	}
	if again := v.get("/console/oauth-clients"); strings.Contains(again.body, secret) || !strings.Contains(again.body, clientID) {
		t.Fatal("the client secret is shown a second time, or the client ID is not listed")
	}
	// The one-time page was the only place: the other pages, and every log line, never held them.
	v.pages = v.pages[:0]
	for _, path := range privatePages {
		v.get(path)
	}
	assertNoSecret(t, l, v, token, secret, l.Bootstrap.Token)
}

// copyBoxValue reads the value of the copy box labelled label.
func copyBoxValue(t *testing.T, body, label string) string {
	t.Helper()
	re := regexp.MustCompile(`value="([^"]*)"[^>]*aria-label="` + regexp.QuoteMeta(label) + `"`)
	m := re.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		t.Fatalf("no copy box %q on the page", label)
	}
	return m[1]
}

// assertNoSecret fails the test when a page the visitor read after the one-time display, or a
// line alien-local logged, holds one of the secrets.
func assertNoSecret(t *testing.T, l *local, v *visitor, secrets ...string) {
	t.Helper()
	logs := l.log.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("alien-local's log holds a secret (%.8s...)", s)
		}
		for _, p := range v.pages {
			if strings.Contains(p, s) {
				t.Errorf("a page holds a secret (%.8s...): %s", s, text(p))
			}
		}
	}
}

func TestConsole_membersInvitationsAndTheAcceptPage(t *testing.T) {
	l := startLocal(t)
	ctx := t.Context()
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)

	v.get("/console/members")
	p := v.follow(v.post("/console/invitations", url.Values{"email": {"jane.doe@example.com"}, "role": {"writer"}}))
	wantText(t, p, "Invitation sent to jane.doe@example.com as Writer", "jane.doe@example.com Writer Pending")

	// The outbox lists the email with the console page of its link.
	out := v.get("/console/outbox")
	wantText(t, out, "You are invited to join Local Organization on Alien Intelligence", "To jane.doe@example.com")
	open := regexp.MustCompile(`href="(/console/accept-invitation\?token=[^"]+)"`).FindStringSubmatch(out.body)
	if open == nil {
		t.Fatalf("the outbox has no link to the accept page:\n%s", out.body)
	}
	link := strings.ReplaceAll(open[1], "&amp;", "&")
	if link != "/console/accept-invitation?token="+url.QueryEscape(tokenOf(t, lastLink(t, l, "jane.doe@example.com"))) {
		t.Errorf("the outbox opens %q, not the email's link", link)
	}

	// Jane, in another browser, without a session.
	jane := newVisitor(t, l.URL)
	accept := jane.get(link)
	wantText(t, accept, "Join Local Organization", "as a Writer", "jane.doe@example.com")
	done := jane.post("/console/accept-invitation", url.Values{"token": {tokenOf(t, link)}, "name": {"Jane Doe"}})
	if done.status != http.StatusOK {
		t.Fatalf("accept = %d: %s", done.status, text(done.body))
	}
	wantText(t, done, "Welcome to Local Organization", "Jane Doe, you joined Local Organization as a Writer")
	m, err := l.api.Members.ReadByEmail(ctx, "jane.doe@example.com")
	if err != nil || m.Role != client.RoleWriter || m.Name == nil || *m.Name != "Jane Doe" {
		t.Fatalf("member after accepting = %+v, %v", m, err)
	}
	// The link is spent: the API says so.
	again := jane.post("/console/accept-invitation", url.Values{"token": {tokenOf(t, link)}, "name": {"Jane Doe"}})
	if again.status != http.StatusConflict {
		t.Errorf("accepting twice = %d, want the API's 409", again.status)
	}
	wantText(t, again, "This invitation is accepted")
	if p := jane.get("/console/accept-invitation?token=made-up"); p.status != http.StatusNotFound {
		t.Errorf("an unknown link = %d, want 404", p.status)
	}

	// Back in the console: Jane is a member; make her an owner, then remove her.
	members := v.get("/console/members")
	wantText(t, members, "Jane Doe jane.doe@example.com")
	p = v.follow(v.post("/console/members/"+m.ID+"/role", url.Values{"role": {"owner"}}))
	wantText(t, p, "jane.doe@example.com is now an Owner")
	p = v.follow(v.post("/console/members/"+m.ID+"/remove", url.Values{}))
	wantText(t, p, "jane.doe@example.com was removed from the organization")
	if _, err := l.api.Members.Read(ctx, m.ID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("removed member still there: %v", err)
	}

	// Resend and revoke an invitation.
	inv, err := l.api.Invitations.Create(ctx, client.InvitationCreateOptions{Email: "sam@example.com", Role: client.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	v.get("/console/members")
	wantText(t, v.follow(v.post("/console/invitations/"+inv.ID+"/resend", url.Values{})), "A new invitation email went to sam@example.com")
	wantText(t, v.follow(v.post("/console/invitations/"+inv.ID+"/revoke", url.Values{})), "The invitation of sam@example.com was revoked")
	if got, err := l.api.Invitations.Read(ctx, inv.ID); err != nil || got.Status != client.InvitationRevoked {
		t.Errorf("after revoke: %+v, %v", got, err)
	}
}

func TestConsole_apiUsersAndTheResetPage(t *testing.T) {
	l := startLocal(t)
	ctx := t.Context()
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)

	v.get("/console/api-users")
	wantText(t, v.follow(v.post("/console/service-accounts", url.Values{"email": {"pipeline-bot@example.com"}, "description": {"Nightly ingestion"}})),
		"Service account pipeline-bot@example.com created", "pipeline-bot@example.com Nightly ingestion Service account Active")
	p := v.follow(v.post("/console/managed-users", url.Values{"email": {"mia@example.com"}, "first_name": {"Mia"}, "last_name": {"Wong"}}))
	wantText(t, p, "Managed user mia@example.com created", "mia@example.com Mia Wong Managed user password not set yet Active")

	sas, err := l.api.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{})
	if err != nil || len(sas) != 1 {
		t.Fatalf("service accounts = %v, %v", sas, err)
	}
	// Issue the account a read-only token, then deactivate it: its token is revoked with it.
	v.get("/console/api-tokens?owner=" + sas[0].ID)
	p = v.follow(v.post("/console/api-tokens", url.Values{"name": {"Ingestion"}, "owner": {sas[0].ID}, "scope": {"api-key"}, "expires_in": {"90d"}}))
	wantText(t, p, "Ingestion", "pipeline-bot@example.com Service account · Read-only", "Never used", "Active")
	p = v.follow(v.post("/console/service-accounts/"+sas[0].ID+"/deactivate", url.Values{}))
	wantText(t, p, "pipeline-bot@example.com is locked, and every token it held is revoked", "Locked")
	wantText(t, v.get("/console/api-tokens"), "Ingestion", "Revoked")
	wantText(t, v.follow(v.post("/console/service-accounts/"+sas[0].ID+"/reactivate", url.Values{})), "pipeline-bot@example.com is active again")

	// Mia follows her reset link from the outbox and sets her password.
	link := lastLinkOfKind(t, l, "mia@example.com", "password_reset")
	mia := newVisitor(t, l.URL)
	page := mia.get("/console/reset-password?token=" + url.QueryEscape(tokenOf(t, link)))
	wantText(t, page, "Set your password", "For mia@example.com")
	short := mia.post("/console/reset-password", url.Values{"token": {tokenOf(t, link)}, "password": {"short"}, "confirm": {"short"}})
	if short.status != http.StatusBadRequest {
		t.Errorf("a short password = %d, want the API's 400", short.status)
	}
	wantText(t, short, "12 to 256 characters")
	const password = "correct horse battery staple"
	if p := mia.post("/console/reset-password", url.Values{"token": {tokenOf(t, link)}, "password": {password}, "confirm": {password + "!"}}); p.status != http.StatusBadRequest {
		t.Errorf("two different passwords = %d, want 400", p.status)
	}
	done := mia.post("/console/reset-password", url.Values{"token": {tokenOf(t, link)}, "password": {password}, "confirm": {password}})
	wantText(t, done, "Your password is set", "mia@example.com can now log in")
	if _, err := client.Person(l.api).Login(ctx, "mia@example.com", password); err != nil {
		t.Fatalf("login with the password set in the console: %v", err)
	}
	if p := mia.get("/console/reset-password?token=" + url.QueryEscape(tokenOf(t, link))); p.status != http.StatusNotFound {
		t.Errorf("a used reset link = %d, want 404", p.status)
	}
	assertNoSecret(t, l, mia, password)

	// Deactivate Mia, then send a reset: the API refuses a locked user.
	mus, err := l.api.ManagedUsers.List(ctx, client.ManagedUserListOptions{})
	if err != nil || len(mus) != 1 {
		t.Fatalf("managed users = %v, %v", mus, err)
	}
	v.get("/console/api-users")
	wantText(t, v.follow(v.post("/console/managed-users/"+mus[0].ID+"/deactivate", url.Values{})), "mia@example.com is locked and can no longer log in")
	wantText(t, v.follow(v.post("/console/managed-users/"+mus[0].ID+"/password-reset", url.Values{})), "is locked; reactivate it before sending a password reset")
	wantText(t, v.follow(v.post("/console/managed-users/"+mus[0].ID+"/reactivate", url.Values{})), "mia@example.com is active again")
	wantText(t, v.follow(v.post("/console/managed-users/"+mus[0].ID+"/password-reset", url.Values{})), "A password-reset email went to mia@example.com")
}

// The console's calls are the API's requests: alien-local's injected faults reach them too, and
// the console shows them as the API's answers (a dropped answer included), never a broken page.
func TestConsole_apiFaultsAreShown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults localapi.FaultConfig
		want   string
	}{
		{"unavailable", localapi.FaultConfig{FailRate: 1}, "The service is unavailable (injected fault)"},
		{"dropped", localapi.FaultConfig{DropRate: 1}, "GET /organization: the API dropped the connection before answering"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startLocal(t, func(c *localapi.Config) { c.Faults = tc.faults })
			v := newVisitor(t, l.URL)
			v.get("/console/sign-in")
			p := v.post("/console/sign-in", url.Values{"method": {"token"}, "token": {l.Bootstrap.Token}})
			if p.status == http.StatusSeeOther {
				t.Fatal("sign-in succeeded through a failing API")
			}
			wantText(t, p, tc.want, "Sign in to the console")
		})
	}
}

func TestConsole_renameRevokeAndOAuthClients(t *testing.T) {
	l := startLocal(t)
	ctx := t.Context()
	v := newVisitor(t, l.URL)
	v.signIn(l.Bootstrap.Token)
	v.get("/console/organization")
	wantText(t, v.follow(v.post("/console/organization", url.Values{"name": {"Acme Analytics"}})), "The organization is now called “Acme Analytics”")
	if org, err := l.api.Organizations.Current(ctx); err != nil || org.Name != "Acme Analytics" {
		t.Fatalf("organization = %+v, %v", org, err)
	}
	tok, err := l.api.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "Leaked", ExpiresIn: client.ExpiryNever})
	if err != nil {
		t.Fatal(err)
	}
	v.get("/console/api-tokens")
	wantText(t, v.follow(v.post("/console/api-tokens/"+tok.ID+"/revoke", url.Values{})), "API token “Leaked” was revoked")
	leaked, err := client.New(client.Config{Endpoint: l.URL, Token: tok.Token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaked.Organizations.Current(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("the revoked token still works: %v", err)
	}

	oc, err := l.api.OAuthClients.Create(ctx, client.OAuthClientCreateOptions{Name: "Old integration"})
	if err != nil {
		t.Fatal(err)
	}
	v.get("/console/oauth-clients")
	wantText(t, v.follow(v.post("/console/oauth-clients/"+oc.ID+"/disable", url.Values{})), "OAuth client “Old integration” is disabled", "Disabled")
	wantText(t, v.follow(v.post("/console/oauth-clients/"+oc.ID+"/enable", url.Values{})), "OAuth client “Old integration” is enabled", "Enabled")
	wantText(t, v.follow(v.post("/console/oauth-clients/"+oc.ID+"/delete", url.Values{})), "OAuth client “Old integration” was deleted", "No OAuth clients")
	if _, err := l.api.OAuthClients.Read(ctx, oc.ID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("the deleted client is still there: %v", err)
	}
	if p := v.post("/console/oauth-clients/"+oc.ID+"/rename", url.Values{}); p.status != http.StatusNotFound {
		t.Errorf("an action the console does not have = %d, want 404", p.status)
	}
}

// lastLink is the link of the last invitation email to to.
func lastLink(t *testing.T, l *local, to string) string {
	t.Helper()
	return lastLinkOfKind(t, l, to, "invitation")
}

func lastLinkOfKind(t *testing.T, l *local, to, kind string) string {
	t.Helper()
	emails, err := client.Local(l.api).Outbox(context.WithoutCancel(t.Context()), to)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(emails) - 1; i >= 0; i-- {
		if emails[i].Kind == kind {
			return emails[i].Link
		}
	}
	t.Fatalf("no %s email to %s", kind, to)
	return ""
}

// tokenOf is the token of an email link.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("token")
	if tok == "" {
		t.Fatalf("no token in %q", link)
	}
	return tok
}
