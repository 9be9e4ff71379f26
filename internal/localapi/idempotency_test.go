package localapi

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

func (e *env) postKey(token, path, key string, body any) *resp {
	e.t.Helper()
	return e.send(req{method: "POST", path: path, token: token, body: body, header: map[string]string{"Idempotency-Key": key}})
}

func TestIdempotentCreateReplaysTheFirstAnswer(t *testing.T) {
	e := newEnv(t)
	var first, second saT
	e.postKey(e.token, "/service-accounts", "create-bot", map[string]any{"email": "bot@example.com"}).want(201, &first)
	// The same body, formatted differently, is the same request.
	e.postKey(e.token, "/service-accounts", "create-bot", `{ "email" : "bot@example.com" }`).want(201, &second)
	if first != second {
		t.Fatalf("replay %+v differs from the first answer %+v", second, first)
	}
	var list pageT[saT]
	e.get("/service-accounts").want(200, &list)
	if len(list.Data) != 1 {
		t.Fatalf("%d service accounts, want 1", len(list.Data))
	}
	// Another body, or another operation, with the same key: 422.
	e.postKey(e.token, "/service-accounts", "create-bot", map[string]any{"email": "other@example.com"}).wantError(422, "idempotency_key_reused", "")
	e.postKey(e.token, "/datasets", "create-bot", map[string]any{"name": "x"}).wantError(422, "idempotency_key_reused", "")
	// Without a key, a repeat is a new request (here: a conflict).
	e.post("/service-accounts", map[string]any{"email": "bot@example.com"}).wantError(409, "conflict", "")

	// The replay is the first answer even after the object changed.
	e.post("/service-accounts/"+first.ID+"/deactivate", nil).want(200, nil)
	e.postKey(e.token, "/service-accounts", "create-bot", map[string]any{"email": "bot@example.com"}).want(201, &second)
	if second.Status != "active" {
		t.Fatalf("replay = %+v, want the first answer", second)
	}

	// Keys are per organization.
	var other orgCreatedT
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	e.setPlan(other.ID, "enterprise")
	var inOther saT
	e.postKey(other.BootstrapToken, "/service-accounts", "create-bot", map[string]any{"email": "bot@example.com"}).want(201, &inOther)
	if inOther.ID == first.ID {
		t.Fatal("a key of one organization replayed in another")
	}

	// After 24 hours the key is forgotten.
	e.advance(24*time.Hour + time.Minute)
	e.postKey(e.token, "/service-accounts", "create-bot", map[string]any{"email": "bot@example.com"}).wantError(409, "conflict", "")

	// Malformed keys.
	e.postKey(e.token, "/datasets", strings.Repeat("k", 256), map[string]any{"name": "x"}).wantError(400, "invalid", "Idempotency-Key")
	e.postKey(e.token, "/datasets", "caf\u00e9", map[string]any{"name": "x"}).wantError(400, "invalid", "Idempotency-Key")
	e.postKey(e.token, "/service-accounts/"+first.ID+"/reactivate", strings.Repeat("k", 256), nil).wantError(400, "invalid", "Idempotency-Key")
}

func TestIdempotentReplayReKeysOneTimeSecrets(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"name": "ci", "expires_in": "never"}
	var t1, t2 tokenT
	e.postKey(e.token, "/api-tokens", "tok-1", body).want(201, &t1)
	e.postKey(e.token, "/api-tokens", "tok-1", body).want(201, &t2)
	if t1.ID != t2.ID || t1.Token == t2.Token || !strings.HasPrefix(t2.Token, "oat_") {
		t.Fatalf("replay: %s/%s vs %s/%s", t1.ID, t1.Token, t2.ID, t2.Token)
	}
	// Only the latest secret works: the first was never delivered.
	e.as(t1.Token, "GET", "/me", nil).wantError(401, "unauthorized", "")
	e.as(t2.Token, "GET", "/me", nil).want(200, nil)
	var list pageT[tokenT]
	e.get("/api-tokens").want(200, &list)
	if len(list.Data) != 2 { // the bootstrap key and this one
		t.Fatalf("%d tokens, want 2", len(list.Data))
	}

	var c1, c2 oauthClientT
	e.postKey(e.token, "/oauth-clients", "oc-1", map[string]any{"name": "c"}).want(201, &c1)
	e.postKey(e.token, "/oauth-clients", "oc-1", map[string]any{"name": "c"}).want(201, &c2)
	if c1.ID != c2.ID || c1.ClientID != c2.ClientID || c1.ClientSecret == c2.ClientSecret || c2.ClientSecret == "" {
		t.Fatalf("client replay: %+v vs %+v", c1, c2)
	}

	var o1, o2 orgCreatedT
	e.postKey(e.token, "/organizations", "org-1", map[string]any{"name": "New"}).want(201, &o1)
	e.postKey(e.token, "/organizations", "org-1", map[string]any{"name": "New"}).want(201, &o2)
	if o1.ID != o2.ID || o1.BootstrapTokenID != o2.BootstrapTokenID || o1.BootstrapToken == o2.BootstrapToken {
		t.Fatalf("organization replay: %+v vs %+v", o1, o2)
	}
	e.as(o1.BootstrapToken, "GET", "/me", nil).wantError(401, "unauthorized", "")
	e.as(o2.BootstrapToken, "GET", "/me", nil).want(200, nil)

	// When the object is gone, the key cannot replay it.
	e.del("/oauth-clients/"+c1.ID).want(204, nil)
	e.postKey(e.token, "/oauth-clients", "oc-1", map[string]any{"name": "c"}).wantError(422, "idempotency_key_reused", "", "no longer exists")
}

func TestIdempotentReplaySendsNoSecondEmail(t *testing.T) {
	e := newEnv(t)
	var inv invitationT
	e.postKey(e.token, "/invitations", "inv", map[string]any{"email": "a@example.com", "role": "viewer"}).want(201, &inv)
	e.postKey(e.token, "/invitations", "inv", map[string]any{"email": "a@example.com", "role": "viewer"}).want(201, nil)
	e.postKey(e.token, "/invitations/"+inv.ID+"/resend", "resend", nil).want(200, nil)
	e.postKey(e.token, "/invitations/"+inv.ID+"/resend", "resend", nil).want(200, nil)
	if n := len(e.outbox("a@example.com", "invitation")); n != 2 {
		t.Fatalf("%d emails, want 2 (one create, one resend)", n)
	}
	var mu muT
	e.postKey(e.token, "/managed-users", "mu", map[string]any{"email": "m@example.com", "first_name": "M", "last_name": "U"}).want(201, &mu)
	e.postKey(e.token, "/managed-users", "mu", map[string]any{"email": "m@example.com", "first_name": "M", "last_name": "U"}).want(201, nil)
	if n := len(e.outbox("m@example.com", "password_reset")); n != 1 {
		t.Fatalf("%d reset emails, want 1", n)
	}
}

// withDBFile keeps the database in a file of the test's temporary directory (WAL: a write
// transaction does not hold readers up, as it does in memory).
func withDBFile(t *testing.T) envOption {
	return func(c *Config) { c.DBPath = filepath.Join(t.TempDir(), "alien-local.db") }
}

// holdWriter takes the database's one writer connection until release is called: requests that
// write wait for it, in flight. (Use a database file: in memory, readers would wait too.)
func (e *env) holdWriter() (release func()) {
	e.t.Helper()
	held, released, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		err := e.inst.Server.db.Write(context.Background(), func(*store.Tx) error {
			close(held)
			<-released
			return nil
		})
		if err != nil {
			e.t.Error(err)
		}
	}()
	<-held
	var once sync.Once
	return func() { once.Do(func() { close(released); <-done }) }
}

// TestConcurrentRequestsWithOneKeyWaitForTheFirst: while a request with an Idempotency-Key is in
// flight, others with the same key answer 409 idempotency_key_in_use and change nothing, so the
// one secret handed out is the one that works.
func TestConcurrentRequestsWithOneKeyWaitForTheFirst(t *testing.T) {
	e := newEnv(t, withDBFile(t))
	e.get("/me").want(200, nil) // the key's last use is recorded now: authenticating writes nothing
	release := e.holdWriter()
	defer release()
	const n = 20
	results := make([]*resp, n)
	var answered atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		parallel(n, func(i int) {
			defer answered.Add(1)
			r, err := e.sendErr(req{method: "POST", path: "/api-tokens", token: e.token, body: map[string]any{"name": "dup", "expires_in": "90d"},
				header: map[string]string{"Idempotency-Key": "same-key"}})
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = r
		})
	}()
	// Every request but the one in flight is answered while the first one waits for the writer.
	deadline := time.Now().Add(10 * time.Second)
	for answered.Load() < n-1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := answered.Load(); got != n-1 {
		t.Errorf("%d of %d requests answered while the first was in flight, want %d", got, n, n-1)
	}
	release()
	<-done

	var created []tokenT
	inUse := 0
	for _, r := range results {
		if r == nil {
			continue
		}
		switch r.status {
		case 201:
			var tok tokenT
			r.want(201, &tok)
			created = append(created, tok)
		case 409:
			r.wantError(409, "idempotency_key_in_use", "", "in flight")
			inUse++
		default:
			t.Errorf("status %d: %s", r.status, r.body)
		}
	}
	if len(created) != 1 || inUse != n-1 {
		t.Fatalf("%d created and %d in use, want 1 and %d", len(created), inUse, n-1)
	}
	tok := created[0]
	e.as(tok.Token, "GET", "/me", nil).want(200, nil)
	var list pageT[tokenT]
	e.get("/api-tokens?status=active").want(200, &list)
	if len(list.Data) != 2 {
		t.Fatalf("%d active tokens, want 2 (bootstrap + one)", len(list.Data))
	}

	// Once the first has finished, a repeat is a replay (its first answer was lost): the same
	// token, a fresh secret, and only that one works.
	// (The first request leaves the server's books a moment after its answer has left: a repeat
	// sent at once may still find it in flight, and retries, as clients do.)
	var replayed tokenT
	r := e.postKey(e.token, "/api-tokens", "same-key", map[string]any{"name": "dup", "expires_in": "90d"})
	for i := 0; r.status == 409 && i < 50; i++ {
		r.wantError(409, "idempotency_key_in_use", "")
		time.Sleep(10 * time.Millisecond)
		r = e.postKey(e.token, "/api-tokens", "same-key", map[string]any{"name": "dup", "expires_in": "90d"})
	}
	r.want(201, &replayed)
	if replayed.ID != tok.ID || replayed.Token == tok.Token {
		t.Fatalf("replay %s/%s of %s", replayed.ID, replayed.Status, tok.ID)
	}
	e.as(replayed.Token, "GET", "/me", nil).want(200, nil)
	e.as(tok.Token, "GET", "/me", nil).wantError(401, "unauthorized", "")
}

// TestReplaysOfASecretAnswerTheObjectsCurrentTruth: a replay of a create that handed out a
// one-time secret re-issues the secret only while it can work, and answers the object as it is
// now; a revoked token (or an expired one, were a key kept that long), or a deleted object,
// answers 422 saying so, with no secret.
func TestReplaysOfASecretAnswerTheObjectsCurrentTruth(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"name": "ci", "expires_in": "30d"}
	var tok tokenT
	e.postKey(e.token, "/api-tokens", "tok", body).want(201, &tok)
	e.as(tok.Token, "GET", "/me", nil).want(200, nil)

	// The token was used since: the replay says so.
	var replayed tokenT
	e.postKey(e.token, "/api-tokens", "tok", body).want(201, &replayed)
	if replayed.ID != tok.ID || replayed.LastUsedAt == nil || replayed.Status != "active" {
		t.Fatalf("replay = %+v, want the token as it is now", replayed)
	}
	e.as(replayed.Token, "GET", "/me", nil).want(200, nil)

	// Revoked: no secret, no 201 "active".
	e.del("/api-tokens/"+tok.ID).want(204, nil)
	r := e.postKey(e.token, "/api-tokens", "tok", body)
	r.wantError(422, "idempotency_key_reused", "", tok.ID, "revoked")
	if strings.Contains(string(r.body), "oat_") {
		t.Fatalf("a replay of a revoked token answered a secret: %s", r.body)
	}
	var got tokenT
	e.get("/api-tokens/"+tok.ID).want(200, &got)
	if got.Status != "revoked" {
		t.Fatalf("the revoked token is %s after the replay", got.Status)
	}

	// A disabled OAuth client is answered disabled (its new secret works once it is enabled).
	var oc, ocReplayed oauthClientT
	e.postKey(e.token, "/oauth-clients", "oc", map[string]any{"name": "c"}).want(201, &oc)
	e.patch("/oauth-clients/"+oc.ID, map[string]any{"name": "renamed", "enabled": false}).want(200, nil)
	e.postKey(e.token, "/oauth-clients", "oc", map[string]any{"name": "c"}).want(201, &ocReplayed)
	if ocReplayed.ID != oc.ID || ocReplayed.Enabled || ocReplayed.Name != "renamed" || ocReplayed.ClientSecret == "" || ocReplayed.ClientSecret == oc.ClientSecret {
		t.Fatalf("replay of a disabled client = %+v", ocReplayed)
	}

	// An organization whose bootstrap token was revoked: no new bootstrap token.
	var org orgCreatedT
	e.postKey(e.token, "/organizations", "org", map[string]any{"name": "New"}).want(201, &org)
	e.as(org.BootstrapToken, "DELETE", "/api-tokens/"+org.BootstrapTokenID, nil).want(204, nil)
	e.postKey(e.token, "/organizations", "org", map[string]any{"name": "New"}).wantError(422, "idempotency_key_reused", "", org.BootstrapTokenID, "revoked")
}

func TestRetryAfterADroppedResponseCreatesNothingTwice(t *testing.T) {
	e := newEnv(t, withFaults(FaultConfig{DropRate: 0.6, Seed: 42}))
	// The retry loop a client runs: same key until an answer arrives.
	retry := func(r req) *resp {
		t.Helper()
		for attempt := 0; attempt < 50; attempt++ {
			res, err := e.sendErr(r)
			if err == nil {
				return res
			}
		}
		t.Fatalf("%s %s: no answer in 50 attempts", r.method, r.path)
		return nil
	}
	drops := 0
	for i := 0; i < 5; i++ {
		key := "ds-" + string(rune('a'+i))
		r := retry(req{method: "POST", path: "/datasets", token: e.token, body: map[string]any{"name": key}, header: map[string]string{"Idempotency-Key": key}})
		r.want(201, nil)
	}
	var list pageT[struct{ Name string }]
	retry(req{method: "GET", path: "/datasets", token: e.token}).want(200, &list)
	if len(list.Data) != 5 {
		t.Fatalf("%d datasets after retries, want 5: %+v", len(list.Data), list.Data)
	}
	var stats struct{ Faults map[string]int }
	e.send(req{method: "GET", path: "/_local/stats"}).want(200, &stats)
	drops = stats.Faults["dropped"]
	if drops == 0 {
		t.Fatal("no response was dropped: the test proved nothing")
	}
	// A token whose first answer was dropped: the retry hands out a working secret.
	r := retry(req{method: "POST", path: "/api-tokens", token: e.token, body: map[string]any{"name": "t", "expires_in": "never"}, header: map[string]string{"Idempotency-Key": "tok"}})
	var tok tokenT
	r.want(201, &tok)
	retry(req{method: "GET", path: "/me", token: tok.Token}).want(200, nil)
}
