package localapi

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDatabaseHoldsNoSecret scans every value of every table for every secret handed out: API
// tokens (also their secret part, raw and encoded), bootstrap tokens, re-keyed replays, OAuth
// client secrets, access tokens and managed users' passwords.
func TestDatabaseHoldsNoSecret(t *testing.T) {
	e := newEnv(t)
	secrets := []string{e.token}
	sa := e.createSA(e.token, "bot@example.com")
	for _, body := range []map[string]any{
		{"name": "key", "expires_in": "never"},
		{"name": "sa", "expires_in": "30d", "service_account_id": sa.ID, "scope": "api-secret"},
	} {
		secrets = append(secrets, e.createToken(e.token, body).Token)
	}
	for i := 0; i < 2; i++ { // a first answer and a replay, each with its own secret
		var tok tokenT
		e.postKey(e.token, "/api-tokens", "tok", map[string]any{"name": "replayed", "expires_in": "1y"}).want(201, &tok)
		var org orgCreatedT
		e.postKey(e.token, "/organizations", "org", map[string]any{"name": "Other"}).want(201, &org)
		var oc oauthClientT
		e.postKey(e.token, "/oauth-clients", "oc", map[string]any{"name": "c"}).want(201, &oc)
		secrets = append(secrets, tok.Token, org.BootstrapToken, oc.ClientSecret)
	}
	var oc oauthClientT
	e.post("/oauth-clients", map[string]any{"name": "grant"}).want(201, &oc)
	hr, _ := http.NewRequest("POST", e.url+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.SetBasicAuth(oc.ClientID, oc.ClientSecret)
	res, err := e.http.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	var at accessTokenT
	(&resp{t: t, req: "POST /oauth/token", status: res.StatusCode, header: res.Header, body: readAll(t, res)}).want(200, &at)
	secrets = append(secrets, oc.ClientSecret, at.AccessToken)
	const password = "a very secret password"
	var mu muT
	e.post("/managed-users", map[string]any{"email": "m@example.com", "first_name": "M", "last_name": "U"}).want(201, &mu)
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": e.lastLinkToken("m@example.com", "password_reset"), "password": password}}).want(204, nil)
	e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "m@example.com", "password": password}}).want(200, &at)
	secrets = append(secrets, password, at.AccessToken)

	// Every form of each secret that must not be stored.
	var needles []string
	for _, s := range secrets {
		needles = append(needles, s)
		if rest, ok := strings.CutPrefix(s, "oat_"); ok {
			_, secretPart, _ := strings.Cut(rest, ".")
			raw, err := base64.RawURLEncoding.DecodeString(secretPart)
			if err != nil {
				t.Fatal(err)
			}
			needles = append(needles, secretPart, string(raw))
		}
	}
	scanned := 0
	tables, values := e.tables()
	for i, table := range tables {
		for _, v := range values[i] {
			scanned++
			for _, n := range needles {
				if strings.Contains(v, n) {
					t.Errorf("table %s holds a secret", table)
				}
			}
		}
	}
	if scanned < 100 {
		t.Fatalf("only %d values scanned: the scan proves little", scanned)
	}
}

func readAll(t *testing.T, res *http.Response) []byte {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLogsAndErrorsHoldNoSecret runs every flow that carries a secret (tokens and access tokens
// in headers, client secrets in Basic credentials and forms, link tokens in query strings and
// bodies, passwords), accepted and refused, with the server logging at debug level, and looks for
// each secret in the log and in every error answer.
func TestLogsAndErrorsHoldNoSecret(t *testing.T) {
	var logged lockedBuffer
	e := newEnv(t, withLogger(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	secrets := []string{e.token}
	var errorAnswers []string // bodies and headers of the error answers
	check := func(r *resp) *resp {
		t.Helper()
		if r.status >= 400 {
			errorAnswers = append(errorAnswers, fmt.Sprint(r.header)+string(r.body))
		}
		return r
	}
	form := func(values url.Values, basicID, basicSecret string) *resp {
		t.Helper()
		hr, _ := http.NewRequest("POST", e.url+"/oauth/token", strings.NewReader(values.Encode()))
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basicID != "" {
			hr.SetBasicAuth(basicID, basicSecret)
		}
		res, err := e.http.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		return check(&resp{t: t, req: "POST /oauth/token", status: res.StatusCode, header: res.Header, body: readAll(t, res)})
	}

	// API tokens: used, replayed, revoked, and a wrong secret for a real token id.
	tok := e.createToken(e.token, map[string]any{"name": "ci", "expires_in": "never"})
	var replayed tokenT
	e.postKey(e.token, "/api-tokens", "k", map[string]any{"name": "r", "expires_in": "30d"}).want(201, nil)
	e.postKey(e.token, "/api-tokens", "k", map[string]any{"name": "r", "expires_in": "30d"}).want(201, &replayed)
	idPart, _, _ := strings.Cut(strings.TrimPrefix(tok.Token, "oat_"), ".")
	wrong := "oat_" + idPart + "." + base64.RawURLEncoding.EncodeToString(randomBytes(32))
	secrets = append(secrets, tok.Token, replayed.Token, wrong)
	check(e.as(tok.Token, "GET", "/me", nil)).want(200, nil)
	check(e.as(wrong, "GET", "/me", nil)).wantError(401, "unauthorized", "")
	e.del("/api-tokens/"+tok.ID).want(204, nil)
	check(e.as(tok.Token, "GET", "/datasets", nil)).wantError(401, "unauthorized", "")

	// OAuth clients: the grant by Basic and by form, a wrong secret, an access token used and
	// refused once the client is disabled, a secret sent as if it were a bearer token.
	var oc oauthClientT
	e.post("/oauth-clients", map[string]any{"name": "c"}).want(201, &oc)
	secrets = append(secrets, oc.ClientSecret, "wrong-"+oc.ClientSecret)
	var at accessTokenT
	form(url.Values{"grant_type": {"client_credentials"}}, oc.ClientID, oc.ClientSecret).want(200, &at)
	form(url.Values{"grant_type": {"client_credentials"}, "client_id": {oc.ClientID}, "client_secret": {oc.ClientSecret}}, "", "").want(200, nil)
	form(url.Values{"grant_type": {"client_credentials"}}, oc.ClientID, "wrong-"+oc.ClientSecret).want(401, nil)
	form(url.Values{"grant_type": {"client_credentials"}, "client_id": {oc.ClientID}, "client_secret": {oc.ClientSecret}}, oc.ClientID, oc.ClientSecret).want(400, nil)
	secrets = append(secrets, at.AccessToken)
	check(e.as(at.AccessToken, "GET", "/me", nil)).want(200, nil)
	check(e.as(oc.ClientSecret, "GET", "/me", nil)).wantError(401, "unauthorized", "")
	e.patch("/oauth-clients/"+oc.ID, map[string]any{"enabled": false}).want(200, nil)
	check(e.as(at.AccessToken, "GET", "/me", nil)).wantError(401, "unauthorized", "")

	// Invitation links: viewed, accepted, accepted again.
	e.post("/invitations", map[string]any{"email": "guest@example.com", "role": "viewer"}).want(201, nil)
	link := e.lastLinkToken("guest@example.com", "invitation")
	secrets = append(secrets, link)
	check(e.send(req{method: "GET", path: "/accept-invitation?token=" + url.QueryEscape(link)})).want(200, nil)
	check(e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": link}})).want(200, nil)
	check(e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": link}})).wantError(409, "conflict", "")

	// Password resets and logins: a short password refused, the right one set, a link used twice,
	// a right and a wrong password at login, a session used.
	const password, wrongPassword = "the right password", "the wrong password"
	secrets = append(secrets, password, wrongPassword)
	e.post("/managed-users", map[string]any{"email": "mu@example.com", "first_name": "M", "last_name": "U"}).want(201, nil)
	reset := e.lastLinkToken("mu@example.com", "password_reset")
	secrets = append(secrets, reset)
	check(e.send(req{method: "GET", path: "/reset-password?token=" + url.QueryEscape(reset)})).want(200, nil)
	check(e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": reset, "password": "short"}})).wantError(400, "invalid", "password")
	check(e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": reset, "password": password}})).want(204, nil)
	check(e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": reset, "password": password}})).wantError(409, "conflict", "")
	check(e.send(req{method: "GET", path: "/reset-password?token=" + url.QueryEscape(reset)})).wantError(404, "not_found", "")
	check(e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "mu@example.com", "password": wrongPassword}})).wantError(401, "unauthorized", "")
	var session accessTokenT
	check(e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "mu@example.com", "password": password}})).want(200, &session)
	secrets = append(secrets, session.AccessToken)
	check(e.as(session.AccessToken, "POST", "/datasets", map[string]any{"name": "x"})).wantError(403, "forbidden", "")

	log := logged.String()
	for _, route := range []string{`route="GET /accept-invitation"`, `route="POST /reset-password"`, `route="POST /oauth/token"`, `route="POST /login"`, "status=401"} {
		if !strings.Contains(log, route) {
			t.Fatalf("the log lacks %s: the scan below would prove little\n%s", route, log)
		}
	}
	if len(errorAnswers) < 10 {
		t.Fatalf("only %d error answers: the scan below would prove little", len(errorAnswers))
	}
	for i, s := range secrets {
		if s == "" {
			t.Fatalf("secret %d is empty", i)
		}
		if strings.Contains(log, s) || strings.Contains(log, url.QueryEscape(s)) {
			t.Errorf("secret %d reached the log", i)
		}
		for _, a := range errorAnswers {
			if strings.Contains(a, s) {
				t.Errorf("secret %d is in an error answer: %s", i, a)
			}
		}
	}
}
