package localapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

func TestServiceAccounts(t *testing.T) {
	e := newEnv(t)
	var sa saT
	e.post("/service-accounts", map[string]any{"email": "pipeline@example.com", "description": "Nightly ingestion"}).want(201, &sa)
	if !strings.HasPrefix(sa.ID, "sa_") || sa.Status != "active" || sa.Description != "Nightly ingestion" || sa.LockedAt != nil {
		t.Fatalf("service account = %+v", sa)
	}
	var noDesc saT
	e.post("/service-accounts", map[string]any{"email": "other@example.com"}).want(201, &noDesc)
	if noDesc.Description != "" {
		t.Fatalf("description = %q, want empty", noDesc.Description)
	}
	// One email per user among service accounts and managed users, whatever the case.
	e.post("/service-accounts", map[string]any{"email": "PIPELINE@example.com"}).
		wantError(409, "conflict", "", "an active service account ("+sa.ID+") already has this email")
	e.post("/managed-users", map[string]any{"email": "pipeline@example.com", "first_name": "P", "last_name": "L"}).
		wantError(409, "conflict", "", sa.ID)
	e.patch("/service-accounts/"+sa.ID, map[string]any{"description": "Hourly"}).want(200, &sa)
	e.patch("/service-accounts/"+sa.ID, map[string]any{"email": "x@example.com"}).wantError(400, "invalid", "email", "unknown field")
	if sa.Description != "Hourly" {
		t.Fatalf("description = %q", sa.Description)
	}

	// Deactivation locks the account and revokes all its tokens at once.
	read := e.saToken(sa.ID, "api-key")
	write := e.saToken(sa.ID, "api-secret")
	e.as(read.Token, "GET", "/datasets", nil).want(200, nil)
	e.post("/service-accounts/"+sa.ID+"/deactivate", nil).want(200, &sa)
	if sa.Status != "locked" || sa.LockedAt == nil {
		t.Fatalf("deactivated = %+v", sa)
	}
	e.post("/service-accounts/"+sa.ID+"/deactivate", nil).want(200, &sa) // idempotent
	for _, tok := range []tokenT{read, write} {
		e.as(tok.Token, "GET", "/datasets", nil).wantError(401, "unauthorized", "")
		var got tokenT
		e.get("/api-tokens/"+tok.ID).want(200, &got)
		if got.Status != "revoked" || got.RevokedAt == nil {
			t.Fatalf("token after deactivation = %+v", got)
		}
	}
	// Locked accounts stay listed (for audit), get no new tokens, and keep their email.
	var list pageT[saT]
	e.get("/service-accounts?status=locked").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ID != sa.ID {
		t.Fatalf("locked list = %+v", list)
	}
	e.post("/api-tokens", map[string]any{"name": "x", "expires_in": "never", "service_account_id": sa.ID, "scope": "api-key"}).
		wantError(409, "conflict", "", "locked")
	e.post("/service-accounts", map[string]any{"email": "pipeline@example.com"}).
		wantError(409, "conflict", "", "a locked service account ("+sa.ID+") already has this email")

	// Reactivation restores no token.
	e.post("/service-accounts/"+sa.ID+"/reactivate", nil).want(200, &sa)
	if sa.Status != "active" || sa.LockedAt != nil {
		t.Fatalf("reactivated = %+v", sa)
	}
	e.post("/service-accounts/"+sa.ID+"/reactivate", nil).want(200, nil)
	e.as(read.Token, "GET", "/datasets", nil).wantError(401, "unauthorized", "")
	fresh := e.saToken(sa.ID, "api-key")
	e.as(fresh.Token, "GET", "/datasets", nil).want(200, nil)

	e.get("/service-accounts?status=active&email=Pipeline@Example.com").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ID != sa.ID {
		t.Fatalf("filtered list = %+v", list)
	}
	e.get("/service-accounts/sa_unknown000000000").wantError(404, "not_found", "")
	e.get("/service-accounts?status=dormant").wantError(400, "invalid", "status")
}

func TestEnterpriseOnlyFeaturesNameThePlan(t *testing.T) {
	e := newEnv(t)
	sa := e.createSA(e.token, "bot@example.com")
	e.setPlan(e.orgID, "team")
	for _, c := range []struct{ method, path string }{
		{"GET", "/service-accounts"}, {"POST", "/service-accounts"}, {"GET", "/service-accounts/" + sa.ID},
		{"POST", "/service-accounts/" + sa.ID + "/reactivate"}, {"GET", "/managed-users"}, {"POST", "/managed-users"},
	} {
		var body any
		switch c.path {
		case "/service-accounts":
			body = map[string]any{"email": "x@example.com"}
		case "/managed-users":
			body = map[string]any{"email": "x@example.com", "first_name": "a", "last_name": "b"}
		}
		e.send(req{method: c.method, path: c.path, token: e.token, body: body}).wantError(403, "plan_required", "", "team plan", "enterprise plan")
	}
	e.post("/api-tokens", map[string]any{"name": "t", "expires_in": "never", "service_account_id": sa.ID, "scope": "api-key"}).
		wantError(403, "plan_required", "", "team", "enterprise")
	// Organization keys and OAuth clients need no plan.
	e.post("/api-tokens", map[string]any{"name": "t", "expires_in": "never"}).want(201, nil)
	e.post("/oauth-clients", map[string]any{"name": "c"}).want(201, nil)
	e.setPlan(e.orgID, "enterprise")
	e.get("/service-accounts").want(200, nil)
}

func TestManagedUserResetLinkPasswordAndLogin(t *testing.T) {
	e := newEnv(t)
	var mu muT
	e.post("/managed-users", map[string]any{"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe"}).want(201, &mu)
	if !strings.HasPrefix(mu.ID, "mu_") || mu.Status != "active" || mu.PasswordSet || mu.FirstName != "Jane" {
		t.Fatalf("managed user = %+v", mu)
	}
	// Creation sends a reset email; the link shows the account.
	mails := e.outbox("jane.doe@example.com", "password_reset")
	if len(mails) != 1 || !strings.Contains(mails[0].Body, "Jane") {
		t.Fatalf("reset emails = %+v", mails)
	}
	link := e.lastLinkToken("jane.doe@example.com", "password_reset")
	var view struct {
		Email     string
		ExpiresAt time.Time `json:"expires_at"`
	}
	e.send(req{method: "GET", path: "/reset-password?token=" + link}).want(200, &view)
	if view.Email != "jane.doe@example.com" {
		t.Fatalf("link view = %+v", view)
	}
	login := func(password string) *resp {
		return e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "jane.doe@example.com", "password": password}})
	}
	// No password yet: no login.
	login("correct horse battery").wantError(401, "unauthorized", "")
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": link, "password": "short"}}).wantError(400, "invalid", "password")
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": link, "password": "correct horse battery"}}).want(204, nil)
	// One use only.
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": link, "password": "another good password"}}).wantError(409, "conflict", "", "used")
	e.send(req{method: "GET", path: "/reset-password?token=" + link}).wantError(404, "not_found", "")
	e.get("/managed-users/"+mu.ID).want(200, &mu)
	if !mu.PasswordSet {
		t.Fatal("password_set is false after a reset")
	}

	login("wrong password!!").wantError(401, "unauthorized", "")
	var at accessTokenT
	login("correct horse battery").want(200, &at)
	if !strings.HasPrefix(at.AccessToken, "oaa_") || at.TokenType != "Bearer" || at.ExpiresIn != 3600 {
		t.Fatalf("session = %+v", at)
	}
	// The session has the Client role: datasets read-only, and /me.
	var id identityT
	e.as(at.AccessToken, "GET", "/me", nil).want(200, &id)
	if id.Kind != "managed_user" || id.Role != "client" || id.ManagedUserID == nil || *id.ManagedUserID != mu.ID || id.ExpiresAt == nil {
		t.Fatalf("identity = %+v", id)
	}
	e.as(at.AccessToken, "GET", "/datasets", nil).want(200, nil)
	e.as(at.AccessToken, "POST", "/datasets", map[string]any{"name": "x"}).wantError(403, "forbidden", "")
	e.as(at.AccessToken, "GET", "/members", nil).wantError(403, "forbidden", "")

	// Managed users cannot hold API tokens.
	e.post("/api-tokens", map[string]any{"name": "t", "expires_in": "never", "service_account_id": mu.ID, "scope": "api-key"}).
		wantError(400, "invalid", "service_account_id", "managed users cannot hold API tokens")

	// Deactivation locks the user: the session and the login stop working at once.
	e.post("/managed-users/"+mu.ID+"/deactivate", nil).want(200, &mu)
	if mu.Status != "locked" {
		t.Fatalf("deactivated = %+v", mu)
	}
	e.as(at.AccessToken, "GET", "/datasets", nil).wantError(401, "unauthorized", "")
	login("correct horse battery").wantError(401, "unauthorized", "")
	e.post("/managed-users/"+mu.ID+"/password-reset", nil).wantError(409, "conflict", "", "locked")
	e.post("/managed-users", map[string]any{"email": "jane.doe@example.com", "first_name": "J", "last_name": "D"}).
		wantError(409, "conflict", "", "a locked managed user ("+mu.ID+") already has this email")
	// Reactivation restores the login with the existing password.
	e.post("/managed-users/"+mu.ID+"/reactivate", nil).want(200, &mu)
	login("correct horse battery").want(200, &at)
	e.as(at.AccessToken, "GET", "/datasets", nil).want(200, nil)

	// A resent reset link replaces the earlier one and expires after 24 hours.
	var sent muT
	e.post("/managed-users/"+mu.ID+"/password-reset", nil).want(202, &sent)
	older := e.lastLinkToken("jane.doe@example.com", "password_reset")
	e.post("/managed-users/"+mu.ID+"/password-reset", nil).want(202, nil)
	newer := e.lastLinkToken("jane.doe@example.com", "password_reset")
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": older, "password": "another good password"}}).wantError(409, "conflict", "")
	e.advance(25 * time.Hour)
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": newer, "password": "another good password"}}).wantError(409, "conflict", "", "expired")
	// The session of an hour ago has expired too.
	e.as(at.AccessToken, "GET", "/datasets", nil).wantError(401, "unauthorized", "", "expired")

	// Names can change; the email cannot.
	e.patch("/managed-users/"+mu.ID, map[string]any{"last_name": "Smith"}).want(200, &mu)
	if mu.FirstName != "Jane" || mu.LastName != "Smith" {
		t.Fatalf("renamed = %+v", mu)
	}
	e.patch("/managed-users/"+mu.ID, map[string]any{}).wantError(400, "invalid", "body")
	e.patch("/managed-users/"+mu.ID, map[string]any{"first_name": " "}).wantError(400, "invalid", "first_name")
}

func TestLoginNeedsTheOrganizationWhenAnEmailIsInSeveral(t *testing.T) {
	e := newEnv(t)
	var other orgCreatedT
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	e.setPlan(other.ID, "enterprise")
	for _, tok := range []string{e.token, other.BootstrapToken} {
		e.as(tok, "POST", "/managed-users", map[string]any{"email": "twin@example.com", "first_name": "T", "last_name": "W"}).want(201, nil)
	}
	for _, mail := range e.outbox("twin@example.com", "password_reset") {
		tokenParam := mail.Link[strings.Index(mail.Link, "token=")+len("token="):]
		e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": tokenParam, "password": "twelve chars!"}}).want(204, nil)
	}
	e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "twin@example.com", "password": "twelve chars!"}}).
		wantError(400, "invalid", "organization_id")
	var at accessTokenT
	e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "twin@example.com", "password": "twelve chars!", "organization_id": other.ID}}).want(200, &at)
	var id identityT
	e.as(at.AccessToken, "GET", "/me", nil).want(200, &id)
	if id.Organization.ID != other.ID {
		t.Fatalf("logged into %s, want %s", id.Organization.ID, other.ID)
	}
}

func TestConcurrentResetsWithOneLinkSetOnePassword(t *testing.T) {
	e := newEnv(t, withIDP(&memIDP{setDelay: 20 * time.Millisecond}))
	e.post("/managed-users", map[string]any{"email": "twice@example.com", "first_name": "T", "last_name": "W"}).want(201, nil)
	link := e.lastLinkToken("twice@example.com", "password_reset")
	// A form submitted twice (or a link used from two tabs): one reset wins, and the password
	// that works is the one of the answer that said so.
	const n = 8
	status := make([]int, n)
	parallel(n, func(i int) {
		r, err := e.sendErr(req{method: "POST", path: "/reset-password", body: map[string]any{"token": link, "password": fmt.Sprintf("password number %d", i)}})
		if err != nil {
			t.Error(err)
			return
		}
		status[i] = r.status
	})
	winner := -1
	for i, st := range status {
		switch st {
		case 204:
			if winner >= 0 {
				t.Fatalf("two resets with one link succeeded: %v", status)
			}
			winner = i
		case 409:
		default:
			t.Fatalf("reset %d answered %d", i, st)
		}
	}
	if winner < 0 {
		t.Fatalf("no reset succeeded: %v", status)
	}
	for i := range n {
		r := e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "twice@example.com", "password": fmt.Sprintf("password number %d", i)}})
		if works := r.status == 200; works != (i == winner) {
			t.Errorf("password %d (winner %d) logs in: %v", i, winner, works)
		}
	}
}

// TestManagedUsersAreKeptInTheIdentityProvider follows a managed user's account in an identity
// provider of its own: created with the user, locked and unlocked with it, deleted with its
// organization; while the provider is unreachable, a change is saved, answered 503, and completed
// by a retry with the same Idempotency-Key.
func TestManagedUsersAreKeptInTheIdentityProvider(t *testing.T) {
	idp := &memIDP{}
	e := newEnv(t, withIDP(idp))
	var mu muT
	body := map[string]any{"email": "kept@example.com", "first_name": "K", "last_name": "P"}
	e.postKey(e.token, "/managed-users", "create", body).want(201, &mu)
	if st := idp.state(mu.ID); st != "no password" {
		t.Fatalf("after creation the account is %s", st)
	}
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": e.lastLinkToken("kept@example.com", "password_reset"), "password": "a good password"}}).want(204, nil)
	e.post("/managed-users/"+mu.ID+"/deactivate", nil).want(200, nil)
	if st := idp.state(mu.ID); st != "disabled" {
		t.Fatalf("after deactivation the account is %s", st)
	}
	e.post("/managed-users/"+mu.ID+"/reactivate", nil).want(200, nil)
	if st := idp.state(mu.ID); st != "enabled" {
		t.Fatalf("after reactivation the account is %s", st)
	}

	// Unreachable: the lock is saved (the API's own check refuses the login at once) and the
	// answer says to retry; the retry brings the identity provider in line.
	idp.setDown(true)
	e.postKey(e.token, "/managed-users/"+mu.ID+"/deactivate", "lock", nil).wantError(503, "unavailable", "", "retry")
	var got muT
	e.get("/managed-users/"+mu.ID).want(200, &got)
	if got.Status != "locked" {
		t.Fatalf("the deactivation was not saved: %+v", got)
	}
	idp.setDown(false)
	if st := idp.state(mu.ID); st != "enabled" {
		t.Fatalf("the unreachable identity provider changed: %s", st)
	}
	e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "kept@example.com", "password": "a good password"}}).wantError(401, "unauthorized", "")
	e.postKey(e.token, "/managed-users/"+mu.ID+"/deactivate", "lock", nil).want(200, nil)
	if st := idp.state(mu.ID); st != "disabled" {
		t.Fatalf("the retried deactivation left the account %s", st)
	}

	// A creation while unreachable: the retry answers the same user and creates its account.
	idp.setDown(true)
	var first, retried muT
	e.postKey(e.token, "/managed-users", "create-2", map[string]any{"email": "later@example.com", "first_name": "L", "last_name": "A"}).
		wantError(503, "unavailable", "", "retry")
	idp.setDown(false)
	e.postKey(e.token, "/managed-users", "create-2", map[string]any{"email": "later@example.com", "first_name": "L", "last_name": "A"}).want(201, &retried)
	var list pageT[muT]
	e.get("/managed-users?email=later@example.com").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ID != retried.ID {
		t.Fatalf("after the retry: %+v (answered %+v)", list.Data, retried)
	}
	first = list.Data[0]
	if st := idp.state(first.ID); st != "no password" {
		t.Fatalf("the retried creation left the account %s", st)
	}
	if n := len(e.outbox("later@example.com", "password_reset")); n != 1 {
		t.Fatalf("%d reset emails, want 1", n)
	}
	// A password reset while unreachable sets nothing and spends no link; a login says to retry.
	link := e.lastLinkToken("later@example.com", "password_reset")
	setPassword := req{method: "POST", path: "/reset-password", body: map[string]any{"token": link, "password": "another good password"}}
	login := req{method: "POST", path: "/login", body: map[string]any{"email": "later@example.com", "password": "another good password"}}
	idp.setDown(true)
	e.send(setPassword).wantError(503, "unavailable", "", "the link still works")
	idp.setDown(false)
	e.send(setPassword).want(204, nil)
	idp.setDown(true)
	e.send(login).wantError(503, "unavailable", "", "retry")
	idp.setDown(false)
	e.send(login).want(200, nil)

	// Deleting an organization deletes its managed users' accounts.
	var other orgCreatedT
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	e.setPlan(other.ID, "enterprise")
	var gone muT
	e.as(other.BootstrapToken, "POST", "/managed-users", map[string]any{"email": "gone@example.com", "first_name": "G", "last_name": "O"}).want(201, &gone)
	if st := idp.state(gone.ID); st != "no password" {
		t.Fatalf("the other organization's user's account is %s", st)
	}
	e.del("/organizations/"+other.ID).want(204, nil)
	if st := idp.state(gone.ID); st != "missing" {
		t.Fatalf("after its organization was deleted the account is %s", st)
	}
}

// The PBKDF2 work factor of new password hashes comes from Config: the default in production, the
// tests' low count here; a negative count is refused.
func TestPasswordHashIterationsFromConfig(t *testing.T) {
	e := newEnv(t)
	var mu muT
	e.post("/managed-users", map[string]any{"email": "hash@example.com", "first_name": "H", "last_name": "Ash"}).want(201, &mu)
	link := e.lastLinkToken("hash@example.com", "password_reset")
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": link, "password": "correct horse battery"}}).want(204, nil)
	names, values := e.tables()
	prefix := fmt.Sprintf("pbkdf2-sha256$%d$", testPasswordHashIterations)
	found := false
	for i, name := range names {
		for _, v := range values[i] {
			found = found || (name == "idp_accounts" && strings.HasPrefix(v, prefix))
		}
	}
	if !found {
		t.Errorf("no password hash in idp_accounts starts with %q", prefix)
	}

	s, err := NewServer(context.Background(), Config{DBPath: store.Memory})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var inner IdentityProvider
	if g, ok := s.idp.(*gatedIDP); ok {
		inner = g.IdentityProvider
	}
	if idp, ok := inner.(*embeddedIDP); !ok || idp.iterations != DefaultPasswordHashIterations || DefaultPasswordHashIterations != 600_000 {
		t.Errorf("by default the embedded identity provider hashes with %+v, want %d iterations", s.idp, 600_000)
	}
	if _, err := NewServer(context.Background(), Config{DBPath: store.Memory, PasswordHashIterations: -1}); err == nil {
		t.Error("a negative iteration count was accepted")
	}
}
