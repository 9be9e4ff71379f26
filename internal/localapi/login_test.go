package localapi

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingIDP is an identity provider that counts password checks, and the ones in progress at
// once; with hold set, every check waits until hold is closed.
type countingIDP struct {
	IdentityProvider
	hold chan struct{}

	checks atomic.Int64
	inside atomic.Int64
	most   atomic.Int64
}

func (p *countingIDP) CheckPassword(ctx context.Context, id, password string) (bool, error) {
	p.checks.Add(1)
	n := p.inside.Add(1)
	defer p.inside.Add(-1)
	for {
		m := p.most.Load()
		if n <= m || p.most.CompareAndSwap(m, n) {
			break
		}
	}
	if p.hold != nil {
		<-p.hold
	}
	return p.IdentityProvider.CheckPassword(ctx, id, password)
}

// setPasswordByLink sets a managed user's password with the reset link the outbox holds for
// email (the newest one for the user of that organization's token).
func (e *env) setPasswordByLink(email, password string) {
	e.t.Helper()
	mails := e.outbox(email, "password_reset")
	for _, m := range mails {
		token := m.Link[strings.Index(m.Link, "token=")+len("token="):]
		e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": token, "password": password}}).want(204, nil)
	}
}

func login(email, password string, orgID ...string) req {
	body := map[string]any{"email": email, "password": password}
	if len(orgID) > 0 {
		body["organization_id"] = orgID[0]
	}
	return req{method: "POST", path: "/login", body: body}
}

// TestFailingLoginsAnswerAlikeAndCostOneCheck: whatever makes a login fail (an unknown email, a
// wrong password, an email in several organizations, a locked user), the answer is the same and
// the identity provider checks exactly one password, so neither the answer nor its cost tells
// whether the email exists.
func TestFailingLoginsAnswerAlikeAndCostOneCheck(t *testing.T) {
	idp := &countingIDP{IdentityProvider: &memIDP{}}
	e := newEnv(t, withIDP(idp))
	var other orgCreatedT
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	e.setPlan(other.ID, "enterprise")
	e.post("/managed-users", map[string]any{"email": "solo@example.com", "first_name": "S", "last_name": "O"}).want(201, nil)
	var locked muT
	e.post("/managed-users", map[string]any{"email": "locked@example.com", "first_name": "L", "last_name": "O"}).want(201, &locked)
	for _, tok := range []string{e.token, other.BootstrapToken} {
		e.as(tok, "POST", "/managed-users", map[string]any{"email": "twin@example.com", "first_name": "T", "last_name": "W"}).want(201, nil)
	}
	for _, email := range []string{"solo@example.com", "locked@example.com", "twin@example.com"} {
		e.setPasswordByLink(email, "the right password")
	}
	e.post("/managed-users/"+locked.ID+"/deactivate", nil).want(200, nil)

	var first string
	for what, r := range map[string]req{
		"unknown email":                  login("nobody@example.com", "the right password"),
		"wrong password":                 login("solo@example.com", "a wrong password"),
		"other organization":             login("solo@example.com", "the right password", other.ID),
		"unknown organization":           login("solo@example.com", "the right password", "org_unknown000000000"),
		"several organizations, wrong":   login("twin@example.com", "a wrong password"),
		"one of several, wrong password": login("twin@example.com", "a wrong password", other.ID),
		"locked":                         login("locked@example.com", "the right password"),
	} {
		before := idp.checks.Load()
		d := e.send(r).wantError(401, "unauthorized", "")
		if n := idp.checks.Load() - before; n != 1 {
			t.Errorf("%s: %d password checks, want 1", what, n)
		}
		if first == "" {
			first = d.Message
		} else if d.Message != first {
			t.Errorf("%s: answered %q, another failure %q: the answers must not differ", what, d.Message, first)
		}
	}

	// Knowing the password is what tells an email in several organizations apart.
	before := idp.checks.Load()
	e.send(login("twin@example.com", "the right password")).wantError(400, "invalid", "organization_id")
	e.send(login("twin@example.com", "the right password", other.ID)).want(200, nil)
	e.send(login("solo@example.com", "the right password")).want(200, nil)
	if n := idp.checks.Load() - before; n != 3 {
		t.Errorf("3 logins made %d password checks, want 3", n)
	}
}

// TestLoginsAreRateLimited: attempts per email (any spelling of it) and per client are limited;
// past the limit, 429 rate_limited with Retry-After, and no password check.
func TestLoginsAreRateLimited(t *testing.T) {
	idp := &countingIDP{IdentityProvider: &memIDP{}}
	e := newEnv(t, withIDP(idp), func(c *Config) {
		c.Login = LoginConfig{EmailBurst: 3, EmailInterval: time.Minute, ClientBurst: 5, ClientInterval: time.Minute}
	})
	for _, spelling := range []string{"a@example.com", "A@example.com", "a@EXAMPLE.com"} {
		e.send(login(spelling, "any password at all")).wantError(401, "unauthorized", "")
	}
	checks := idp.checks.Load()
	r := e.send(login("a@example.com", "any password at all"))
	r.wantError(429, "rate_limited", "", "a@example.com")
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After %q, want the seconds until the next attempt (at most 60)", r.header.Get("Retry-After"))
	}
	if idp.checks.Load() != checks {
		t.Errorf("a refused attempt checked a password")
	}
	// The client has made 4 attempts: one more is allowed, for another email, then none.
	e.send(login("b@example.com", "any password at all")).wantError(401, "unauthorized", "")
	e.send(login("c@example.com", "any password at all")).wantError(429, "rate_limited", "", "this client")

	e.advance(time.Minute)
	e.send(login("a@example.com", "any password at all")).wantError(401, "unauthorized", "")
}

// TestPasswordHashingIsBounded: however many logins arrive at once, no more than
// Login.HashConcurrency passwords are checked at a time; the others wait their turn, so password
// hashing cannot take every core from the rest of the API.
func TestPasswordHashingIsBounded(t *testing.T) {
	const capacity, logins = 2, 6
	idp := &countingIDP{IdentityProvider: &memIDP{}, hold: make(chan struct{})}
	e := newEnv(t, withIDP(idp), func(c *Config) { c.Login = LoginConfig{HashConcurrency: capacity} })
	gate := e.inst.Server.hashGate

	var wg sync.WaitGroup
	statuses := make([]int, logins)
	for i := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := e.sendErr(login(fmt.Sprintf("user%d@example.com", i), "any password at all"))
			if err == nil {
				statuses[i] = r.status
			}
		}()
	}
	released := false
	release := func() {
		if !released {
			close(idp.hold)
			released = true
		}
	}
	defer release()
	// Every login is either checking its password or waiting at the gate.
	deadline := time.Now().Add(30 * time.Second)
	for idp.inside.Load() != capacity || gate.waiting() != logins-capacity {
		if n := idp.most.Load(); n > capacity {
			t.Fatalf("%d password checks ran at once, want at most %d", n, capacity)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s, %d checks run and %d wait; want %d and %d", idp.inside.Load(), gate.waiting(), capacity, logins-capacity)
		}
		time.Sleep(time.Millisecond)
	}
	release()
	wg.Wait()
	if n := idp.most.Load(); n != capacity {
		t.Errorf("%d password checks ran at once, want %d", n, capacity)
	}
	for i, s := range statuses {
		if s != 401 {
			t.Errorf("login %d: status %d, want 401", i, s)
		}
	}
}

func TestPasswordHashingCapacityFollowsTheCores(t *testing.T) {
	want := max(1, runtime.GOMAXPROCS(0)/2)
	if got := (LoginConfig{}).withDefaults().HashConcurrency; got != want {
		t.Errorf("default hash concurrency %d, want %d (half the cores, at least 1)", got, want)
	}
	if got := newEnv(t).inst.Server.hashGate.capacity; got != want {
		t.Errorf("the server's gate lets %d hashes run at once, want %d", got, want)
	}
}
