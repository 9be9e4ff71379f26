package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests pin the transport's policy against small scripted servers; the end-to-end tests
// against the local API are in e2e_test.go.

// scripted starts a server whose handler gets the 1-based number of the request.
func scripted(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var count atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_x")
		h(w, r, int(count.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func fastClient(t *testing.T, endpoint string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{Endpoint: endpoint, Token: "oat_dGVzdA.c2VjcmV0LXZhbHVl", RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_x")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":"scripted %s","request_id":"req_x"}}`, code, code)
}

const emptyPage = `{"data":[],"next_cursor":null}`

const invitationJSON = `{"id":"inv_1","email":"a@example.com","role":"viewer","status":"pending","sent_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-08T00:00:00Z","accepted_at":null,"revoked_at":null,"member_id":null}`

func TestRetry5xxIdempotent(t *testing.T) {
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			writeError(w, http.StatusServiceUnavailable, CodeUnavailable)
			return
		}
		w.Write([]byte(emptyPage))
	})
	log := &captureLogger{}
	c := fastClient(t, srv.URL, func(c *Config) { c.Logger = log })
	if _, err := c.Members.List(t.Context(), MemberListOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := count.Load(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
	debug, warn := log.count("debug"), log.count("warn")
	if debug != 3 || warn != 2 {
		t.Errorf("log lines: %d debug, %d warn; want 3 and 2:\n%s", debug, warn, log)
	}
	for _, l := range log.all() {
		if l.level == "warn" && !strings.Contains(fmt.Sprint(l.fields["reason"]), "503") {
			t.Errorf("warn line without the reason: %v", l.fields)
		}
		if l.level == "debug" {
			for _, k := range []string{"method", "path", "status", "duration_ms", "request_id", "attempt"} {
				if _, ok := l.fields[k]; !ok {
					t.Errorf("debug line lacks %q: %v", k, l.fields)
				}
			}
		}
	}
}

func TestRetryAuthenticatedPostKeepsIdempotencyKey(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		if n == 1 || n == 2 || n == 4 {
			writeError(w, http.StatusServiceUnavailable, CodeUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(invitationJSON))
	})
	c := fastClient(t, srv.URL)
	opts := InvitationCreateOptions{Email: "a@example.com", Role: RoleViewer}
	if _, err := c.Invitations.Create(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invitations.Create(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if got := count.Load(); got != 5 {
		t.Fatalf("requests = %d, want 5", got)
	}
	if keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] {
		t.Errorf("first call's keys differ across retries: %q", keys[:3])
	}
	if keys[3] == "" || keys[3] != keys[4] || keys[3] == keys[0] {
		t.Errorf("second call must have its own key, the same on its retry: %q", keys)
	}
}

func TestNoRetryOfPostWithoutIdempotencyKey(t *testing.T) {
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Idempotency-Key") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("public POST carries an Idempotency-Key or a credential")
		}
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable)
	})
	c := fastClient(t, srv.URL)
	_, err := Person(c).AcceptInvitation(t.Context(), "lnk_token_value", "Ann")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want a 503 APIError", err)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("requests = %d, want 1 (no retry)", got)
	}
}

func TestNoRetryOf4xx(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		is     error
	}{
		{400, CodeInvalid, ErrInvalid},
		{401, CodeUnauthorized, ErrUnauthorized},
		{403, CodeForbidden, ErrForbidden},
		{404, CodeNotFound, ErrNotFound},
		{409, CodeConflict, ErrConflict},
		{422, CodeIdempotencyKeyReused, nil},
	} {
		t.Run(tc.code, func(t *testing.T) {
			srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeError(w, tc.status, tc.code)
			})
			c := fastClient(t, srv.URL)
			_, err := c.Invitations.Create(t.Context(), InvitationCreateOptions{Email: "a@example.com", Role: RoleViewer})
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tc.status || ae.Code != tc.code || ae.RequestID != "req_x" {
				t.Fatalf("err = %#v, want APIError %d %s", err, tc.status, tc.code)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if got := count.Load(); got != 1 {
				t.Errorf("requests = %d, want 1", got)
			}
		})
	}
}

func TestRateLimitAlwaysRetried(t *testing.T) {
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			writeError(w, http.StatusTooManyRequests, CodeRateLimited)
			return
		}
		w.Write([]byte(`{"organization":{"id":"org_1","name":"o","plan":"free","created_at":"2026-01-01T00:00:00Z"},"member":{"id":"mem_1","user_id":"usr_1","email":"a@example.com","name":null,"role":"viewer","joined_at":"2026-01-01T00:00:00Z"}}`))
	})
	c := fastClient(t, srv.URL)
	// A public POST without a key: 429 means "not processed", so even it is retried.
	if _, err := Person(c).AcceptInvitation(t.Context(), "lnk_token_value", ""); err != nil {
		t.Fatal(err)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	srv, _ := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%2 == 1 {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, CodeRateLimited)
			return
		}
		w.Write([]byte(emptyPage))
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.RetryWaitMax = 3 * time.Second })
	start := time.Now()
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 950*time.Millisecond {
		t.Errorf("retried after %v, want the 1s Retry-After honoured", d)
	}
	// Capped by RetryWaitMax.
	c = fastClient(t, srv.URL, func(c *Config) { c.RetryWaitMax = 20 * time.Millisecond })
	start = time.Now()
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("retried after %v, want Retry-After capped at 20ms", d)
	}
}

func TestRetriesExhausted(t *testing.T) {
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable)
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.Members.Read(t.Context(), "mem_1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Path != "/members/mem_1" {
		t.Fatalf("err = %v, want the last 503", err)
	}
	if got := count.Load(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}

	count.Store(0)
	c = fastClient(t, srv.URL, func(c *Config) { c.MaxRetries = -1 })
	if _, err := c.Members.Read(t.Context(), "mem_1"); err == nil {
		t.Fatal("want an error")
	}
	if got := count.Load(); got != 1 {
		t.Errorf("MaxRetries -1: requests = %d, want 1", got)
	}
}

// The last answer of a call that ran out of retries is not read inside an attempt: it is read up
// to the same bound, so an endless error body still ends in the API error, at once.
func TestRetriesExhaustedEndlessBody(t *testing.T) {
	chunk := []byte(strings.Repeat("<p>overloaded</p>", 4096))
	var written atomic.Int64
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		for {
			k, err := w.Write(chunk)
			written.Add(int64(k))
			if err != nil {
				return // the client hung up
			}
		}
	})
	// A request timeout far longer than the test: a client that read the endless body until the
	// timeout would make the server write gigabytes, which the check below catches whatever the
	// machine's speed (no elapsed-time assertion).
	c := fastClient(t, srv.URL, func(c *Config) { c.MaxRetries = 1; c.RequestTimeout = 10 * time.Minute })
	_, err := c.Members.Read(t.Context(), "mem_1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable || !strings.Contains(ae.Message, "overloaded") {
		t.Fatalf("err = %v, want the 503 as an API error", err)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
	// Each of the two attempts reads at most maxResponseBody; what the server wrote beyond that sat
	// in socket buffers (a few MiB) when the client hung up.
	if w, bound := written.Load(), int64(2*(maxResponseBody+16<<20)); w > bound {
		t.Errorf("the server wrote %d bytes of endless body, more than the %d two bounded reads explain", w, bound)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable)
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 10*time.Second, 10*time.Second })
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Members.List(ctx, MemberListOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v, want at once after the cancellation", d)
	}
	if got := count.Load(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}

	// A context cancelled before the call sends nothing.
	count.Store(0)
	if _, err := c.Members.List(ctx, MemberListOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := count.Load(); got != 0 {
		t.Errorf("requests = %d, want 0", got)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte(emptyPage))
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.RequestTimeout = 200 * time.Millisecond })
	start := time.Now()
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if got := count.Load(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
}

// hangUp closes the connection without answering.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

func TestTransportErrors(t *testing.T) {
	// An idempotent request whose first attempt fails in transit is retried.
	for _, tc := range []struct {
		name  string
		first func(t *testing.T, w http.ResponseWriter)
	}{
		{"idempotent retried", hangUp},
		{"body cut short retried", func(_ *testing.T, w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(`{"data":[`)) // the server closes a response shorter than its Content-Length
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					tc.first(t, w)
					return
				}
				w.Write([]byte(emptyPage))
			})
			c := fastClient(t, srv.URL)
			if _, err := Datasets(c).List(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := count.Load(); got != 2 {
				t.Errorf("requests = %d, want 2", got)
			}
		})
	}
	t.Run("public post not retried", func(t *testing.T) {
		srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) { hangUp(t, w) })
		c := fastClient(t, srv.URL)
		err := Person(c).ResetPassword(t.Context(), "lnk_reset_secret_value", "correct horse battery")
		if err == nil {
			t.Fatal("want an error")
		}
		if got := count.Load(); got != 1 {
			t.Errorf("requests = %d, want 1", got)
		}
	})
	t.Run("connection refused, link token redacted", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		log := &captureLogger{}
		c := fastClient(t, "http://"+addr, func(c *Config) { c.Logger = log; c.MaxRetries = 1 })
		_, err = Person(c).ViewInvitation(t.Context(), "lnk_view_secret_value")
		if err == nil {
			t.Fatal("want an error")
		}
		if !strings.Contains(err.Error(), "GET /accept-invitation?token=REDACTED") {
			t.Errorf("error %q does not say which request failed", err)
		}
		for _, text := range []string{err.Error(), log.String()} {
			if strings.Contains(text, "lnk_view_secret_value") {
				t.Errorf("link token leaked: %s", text)
			}
		}
		if log.count("debug") != 2 || log.count("warn") != 1 {
			t.Errorf("want 2 debug lines and 1 warn line:\n%s", log)
		}
	})
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	const token = "oat_dG9rX3NlY3JldA.dmVyeS1zZWNyZXQtdmFsdWU"
	srv, _ := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		// A careless server echoing the credential back.
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "bad credential %s", r.Header.Get("Authorization")) //nolint:gosec // echoing the credential is the point of this test
	})
	log := &captureLogger{}
	c := fastClient(t, srv.URL, func(c *Config) { c.Token = token; c.Logger = log })
	_, err := c.Identity.Read(t.Context())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%#v", err), log.String()} {
		if strings.Contains(text, "dmVyeS1zZWNyZXQtdmFsdWU") || strings.Contains(text, token) {
			t.Errorf("secret leaked: %s", text)
		}
	}
}

func TestPagination(t *testing.T) {
	const total = 250
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		q := r.URL.Query()
		if q.Get("page_size") != "100" {
			t.Errorf("page_size = %q, want 100", q.Get("page_size"))
		}
		if q.Get("role") != "writer" {
			t.Errorf("role filter lost on page %d", n)
		}
		start := 0
		if c := q.Get("cursor"); c != "" {
			if _, err := fmt.Sscanf(c, "c%d", &start); err != nil {
				t.Errorf("cursor %q: %v", c, err)
			}
		}
		var items []string
		for i := start; i < min(start+100, total); i++ {
			items = append(items, fmt.Sprintf(`{"id":"mem_%d","user_id":"usr_%d","email":"m%d@example.com","name":null,"role":"writer","joined_at":"2026-01-01T00:00:00Z"}`, i, i, i))
		}
		next := "null"
		if start+100 < total {
			next = fmt.Sprintf(`"c%d"`, start+100)
		}
		fmt.Fprintf(w, `{"data":[%s],"next_cursor":%s}`, strings.Join(items, ","), next)
	})
	c := fastClient(t, srv.URL)
	role := RoleWriter
	all, err := c.Members.List(t.Context(), MemberListOptions{Role: &role})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != total || all[0].ID != "mem_0" || all[total-1].ID != fmt.Sprintf("mem_%d", total-1) {
		t.Errorf("got %d members", len(all))
	}
	if got := count.Load(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
}

func TestValidationBeforeIO(t *testing.T) {
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("request sent: %s %s", r.Method, r.URL)
		return nil, errors.New("no request expected")
	})}
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", Token: "oat_x.y", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	empty, bad := "", "bogus"
	role, status, ustatus, kind, tstatus, scope := Role(bad), InvitationStatus(bad), UserStatus(bad), TokenKind(bad), TokenStatus(bad), TokenScope(bad)
	sa, read := "sa_1", ScopeRead
	calls := map[string]func() error{
		"org create":     func() error { _, err := c.Organizations.Create(ctx, OrganizationCreateOptions{}); return err },
		"org read":       func() error { _, err := c.Organizations.Read(ctx, ""); return err },
		"org update nil": func() error { _, err := c.Organizations.Update(ctx, "org_1", OrganizationUpdateOptions{}); return err },
		"org update empty": func() error {
			_, err := c.Organizations.Update(ctx, "org_1", OrganizationUpdateOptions{Name: &empty})
			return err
		},
		"org delete":          func() error { return c.Organizations.Delete(ctx, " ") },
		"member list role":    func() error { _, err := c.Members.List(ctx, MemberListOptions{Role: &role}); return err },
		"member list email":   func() error { _, err := c.Members.List(ctx, MemberListOptions{Email: &empty}); return err },
		"member read":         func() error { _, err := c.Members.Read(ctx, ""); return err },
		"member read slash":   func() error { _, err := c.Members.Read(ctx, "../organization"); return err },
		"member by email":     func() error { _, err := c.Members.ReadByEmail(ctx, ""); return err },
		"member update":       func() error { _, err := c.Members.Update(ctx, "mem_1", MemberUpdateOptions{Role: "admin"}); return err },
		"member update empty": func() error { _, err := c.Members.Update(ctx, "mem_1", MemberUpdateOptions{}); return err },
		"member delete":       func() error { return c.Members.Delete(ctx, "") },
		"inv list":            func() error { _, err := c.Invitations.List(ctx, InvitationListOptions{Status: &status}); return err },
		"inv create email": func() error {
			_, err := c.Invitations.Create(ctx, InvitationCreateOptions{Role: RoleViewer})
			return err
		},
		"inv create role": func() error {
			_, err := c.Invitations.Create(ctx, InvitationCreateOptions{Email: "a@b.c", Role: "boss"})
			return err
		},
		"inv read":   func() error { _, err := c.Invitations.Read(ctx, ""); return err },
		"inv update": func() error { _, err := c.Invitations.Update(ctx, "inv_1", InvitationUpdateOptions{}); return err },
		"inv revoke": func() error { return c.Invitations.Revoke(ctx, "") },
		"inv resend": func() error { _, err := c.Invitations.Resend(ctx, ""); return err },
		"sa list": func() error {
			_, err := c.ServiceAccounts.List(ctx, ServiceAccountListOptions{Status: &ustatus})
			return err
		},
		"sa create":     func() error { _, err := c.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{}); return err },
		"sa read":       func() error { _, err := c.ServiceAccounts.Read(ctx, ""); return err },
		"sa update":     func() error { _, err := c.ServiceAccounts.Update(ctx, "", ServiceAccountUpdateOptions{}); return err },
		"sa deactivate": func() error { _, err := c.ServiceAccounts.Deactivate(ctx, ""); return err },
		"sa reactivate": func() error { _, err := c.ServiceAccounts.Reactivate(ctx, ""); return err },
		"mu list":       func() error { _, err := c.ManagedUsers.List(ctx, ManagedUserListOptions{Status: &ustatus}); return err },
		"mu create": func() error {
			_, err := c.ManagedUsers.Create(ctx, ManagedUserCreateOptions{Email: "a@b.c", FirstName: "A"})
			return err
		},
		"mu read":           func() error { _, err := c.ManagedUsers.Read(ctx, ""); return err },
		"mu update nothing": func() error { _, err := c.ManagedUsers.Update(ctx, "mu_1", ManagedUserUpdateOptions{}); return err },
		"mu update empty": func() error {
			_, err := c.ManagedUsers.Update(ctx, "mu_1", ManagedUserUpdateOptions{LastName: &empty})
			return err
		},
		"mu deactivate":    func() error { _, err := c.ManagedUsers.Deactivate(ctx, ""); return err },
		"mu reactivate":    func() error { _, err := c.ManagedUsers.Reactivate(ctx, ""); return err },
		"mu reset":         func() error { _, err := c.ManagedUsers.SendPasswordReset(ctx, ""); return err },
		"token list kind":  func() error { _, err := c.APITokens.List(ctx, APITokenListOptions{Kind: &kind}); return err },
		"token list state": func() error { _, err := c.APITokens.List(ctx, APITokenListOptions{Status: &tstatus}); return err },
		"token create name": func() error {
			_, err := c.APITokens.Create(ctx, APITokenCreateOptions{ExpiresIn: ExpiryNever})
			return err
		},
		"token create expiry": func() error {
			_, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "t", ExpiresIn: "2d"})
			return err
		},
		"token create scope": func() error {
			_, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "t", ExpiresIn: ExpiryNever, ServiceAccountID: &sa, Scope: &scope})
			return err
		},
		"token key with scope": func() error {
			_, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "t", ExpiresIn: ExpiryNever, Scope: &read})
			return err
		},
		"token sa without scope": func() error {
			_, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "t", ExpiresIn: ExpiryNever, ServiceAccountID: &sa})
			return err
		},
		"token read":      func() error { _, err := c.APITokens.Read(ctx, ""); return err },
		"token revoke":    func() error { return c.APITokens.Revoke(ctx, "") },
		"oauth create":    func() error { _, err := c.OAuthClients.Create(ctx, OAuthClientCreateOptions{}); return err },
		"oauth read":      func() error { _, err := c.OAuthClients.Read(ctx, ""); return err },
		"oauth update":    func() error { _, err := c.OAuthClients.Update(ctx, "oc_1", OAuthClientUpdateOptions{}); return err },
		"oauth delete":    func() error { return c.OAuthClients.Delete(ctx, "") },
		"dataset create":  func() error { _, err := Datasets(c).Create(ctx, ""); return err },
		"cc token":        func() error { _, err := c.Public.ClientCredentialsToken(ctx, "", "x"); return err },
		"login":           func() error { _, err := Person(c).Login(ctx, "a@b.c", ""); return err },
		"view invitation": func() error { _, err := Person(c).ViewInvitation(ctx, ""); return err },
		"accept":          func() error { _, err := Person(c).AcceptInvitation(ctx, " ", ""); return err },
		"reset password":  func() error { return Person(c).ResetPassword(ctx, "lnk", "") },
		"advance clock":   func() error { _, err := Local(c).AdvanceClock(ctx, -time.Hour); return err },
		"set plan":        func() error { _, err := Local(c).SetPlan(ctx, "org_1", "gold"); return err },
	}
	for name, call := range calls {
		err := call()
		var ve *ValidationError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &ve) || ve.Field == "" {
			t.Errorf("%s: err = %v, want a ValidationError naming a field", name, err)
		}
	}
}

// captureLogger records every log line.
type captureLogger struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	level  string
	msg    string
	fields map[string]any
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("debug", msg, fields)
}

func (l *captureLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("warn", msg, fields)
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, fields})
}

func (l *captureLogger) all() []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine(nil), l.lines...)
}

func (l *captureLogger) count(level string) int {
	n := 0
	for _, line := range l.all() {
		if line.level == level {
			n++
		}
	}
	return n
}

func (l *captureLogger) String() string {
	var b strings.Builder
	for _, line := range l.all() {
		fmt.Fprintf(&b, "%s %s %v\n", line.level, line.msg, line.fields)
	}
	return b.String()
}
