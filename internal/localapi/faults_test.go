package localapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// hangDeadline is how long a test waits for an event that a working server brings about at once:
// far beyond any real run, even on a loaded machine, so that only a broken implementation reaches
// it. Tests assert no upper bound on elapsed time: such a bound fails on a slow machine.
const hangDeadline = time.Minute

func TestInjectedFailuresWriteNothing(t *testing.T) {
	e := newEnv(t, withFaults(FaultConfig{FailRate: 1}))
	before := e.snapshot()
	r := e.post("/datasets", map[string]any{"name": "x"})
	r.wantError(503, "unavailable", "")
	e.post("/organizations", map[string]any{"name": "x"}).wantError(503, "unavailable", "")
	if after := e.snapshot(); after != before {
		t.Fatalf("a 503 wrote to the database:\nbefore %s\nafter  %s", before, after)
	}
	// Never on /_local, /healthz or /openapi.yaml.
	e.send(req{method: "GET", path: "/healthz"}).want(200, nil)
	e.send(req{method: "GET", path: "/openapi.yaml"}).want(200, nil)
	var stats struct {
		Requests map[string]int
		Faults   map[string]int
	}
	e.send(req{method: "GET", path: "/_local/stats"}).want(200, &stats)
	if stats.Faults["unavailable"] != 2 || stats.Requests["POST /datasets"] != 1 || stats.Requests["POST /organizations"] != 1 {
		t.Fatalf("stats = %+v", stats)
	}
}

func TestInjectedRateLimitsSayWhenToRetry(t *testing.T) {
	e := newEnv(t, withFaults(FaultConfig{RateLimitRate: 1}))
	before := e.snapshot()
	r := e.post("/datasets", map[string]any{"name": "x"})
	r.wantError(429, "rate_limited", "")
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	if after := e.snapshot(); after != before {
		t.Fatal("a 429 wrote to the database")
	}
}

func TestInjectedFaultsRepeatWithTheSameSeed(t *testing.T) {
	run := func(seed uint64) string {
		e := newEnv(t, withFaults(FaultConfig{FailRate: 0.3, RateLimitRate: 0.3, Seed: seed}))
		var b strings.Builder
		for i := 0; i < 30; i++ {
			b.WriteString(http.StatusText(e.get("/datasets").status)[:1])
		}
		return b.String()
	}
	a, b, c := run(7), run(7), run(8)
	if a != b {
		t.Fatalf("the same seed gave %s and %s", a, b)
	}
	if a == c {
		t.Fatalf("seeds 7 and 8 gave the same run %s", a)
	}
	if !strings.Contains(a, "O") || !strings.Contains(a, "S") || !strings.Contains(a, "T") {
		t.Fatalf("run %s lacks a kind of answer", a)
	}
}

func TestInjectedLatency(t *testing.T) {
	exemptPaths := []string{"/healthz", "/openapi.yaml", "/_local/stats"}
	e := newEnv(t, withFaults(FaultConfig{Latency: 80 * time.Millisecond}))
	latencies := func() int {
		var stats struct{ Faults map[string]int }
		e.send(req{method: "GET", path: "/_local/stats"}).want(200, &stats)
		return stats.Faults["latency"]
	}
	start := time.Now()
	e.get("/me").want(200, nil)
	// A lower bound: a slow machine only makes the request longer.
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("request took %v, want at least 80ms", d)
	}
	if n := latencies(); n != 1 {
		t.Fatalf("%d latencies injected after one API request, want 1", n)
	}
	for _, p := range exemptPaths {
		e.send(req{method: "GET", path: p}).want(200, nil)
	}
	if n := latencies(); n != 1 {
		t.Fatalf("%d latencies injected after one API request and requests to %v, want 1: latency applied to an exempt path", n, exemptPaths)
	}

	// Exempt paths answer even when the latency is an hour (a request that waited would run into
	// the test client's timeout).
	slow := newEnv(t, withFaults(FaultConfig{Latency: time.Hour}))
	for _, p := range exemptPaths {
		slow.send(req{method: "GET", path: p}).want(200, nil)
	}
}

func TestDroppedResponsesCloseTheConnectionAfterCommitting(t *testing.T) {
	e := newEnv(t, withFaults(FaultConfig{DropRate: 1}))
	_, err := e.sendErr(req{method: "POST", path: "/datasets", token: e.token, body: map[string]any{"name": "x"}})
	if err == nil {
		t.Fatal("a dropped response arrived")
	}
	if n := e.count("datasets"); n != 1 {
		t.Fatalf("%d dataset rows, want 1: the handler must run and commit", n)
	}
	// Without a hijackable connection (a recorder), the answer is aborted.
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); !errors.Is(asError(v), http.ErrAbortHandler) {
				t.Fatalf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		r := httptest.NewRequest("GET", "/datasets", nil).WithContext(context.Background())
		r.Header.Set("Authorization", "Bearer "+e.token)
		e.inst.Server.Handler().ServeHTTP(rec, r)
	}()
	if rec.Body.Len() != 0 {
		t.Fatalf("an aborted answer has a body: %s", rec.Body)
	}
}

func asError(v any) error {
	err, _ := v.(error)
	return err
}

func TestPanicsBecomeA500Envelope(t *testing.T) {
	var logged strings.Builder
	s, err := NewServer(context.Background(), Config{DBPath: ":memory:", Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := s.middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/me", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal"`) || rec.Header().Get("X-Request-Id") == "" {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatal("the panic's value leaked into the answer")
	}
	if !strings.Contains(logged.String(), "boom") || !strings.Contains(logged.String(), rec.Header().Get("X-Request-Id")) {
		t.Fatalf("the panic was not logged with its request id: %s", logged.String())
	}
}

func TestACancelledRequestIsNotAnInternalError(t *testing.T) {
	var logged strings.Builder
	s, err := NewServer(context.Background(), Config{DBPath: ":memory:", Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/members", nil).WithContext(ctx)
	r.Header.Set("Authorization", "Bearer "+s.Bootstrap().Token)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	if rec.Code == 500 || strings.Contains(logged.String(), "level=ERROR") {
		t.Fatalf("a cancelled request answered %d and logged:\n%s", rec.Code, logged.String())
	}
}

// blockingMailer holds every email until release is closed, and says when a send has begun.
type blockingMailer struct {
	sending chan struct{}
	release chan struct{}
}

func (m *blockingMailer) Send(context.Context, Email) error {
	m.sending <- struct{}{}
	<-m.release
	return nil
}

// TestADroppedAnswerIsDroppedOnlyAfterTheHandlerFinished holds a create in its handler after its
// write committed (its email is being sent) and checks that the client is still waiting: the
// connection closes only once the handler is done, never before or during the write.
func TestADroppedAnswerIsDroppedOnlyAfterTheHandlerFinished(t *testing.T) {
	m := &blockingMailer{sending: make(chan struct{}, 1), release: make(chan struct{})}
	e := newEnv(t, withFaults(FaultConfig{DropRate: 1}), withMailer(m))
	var once sync.Once
	release := func() { once.Do(func() { close(m.release) }) }
	t.Cleanup(release) // before the instance closes, should the test stop early
	done := make(chan error, 1)
	go func() {
		_, err := e.sendErr(req{method: "POST", path: "/invitations", token: e.token, body: map[string]any{"email": "held@example.com", "role": "viewer"}})
		done <- err
	}()
	select {
	case <-m.sending:
	case err := <-done:
		t.Fatalf("the request ended (%v) before its email was sent", err)
	case <-time.After(hangDeadline):
		t.Fatal("the handler never sent its email")
	}
	if n := e.count("invitations"); n != 1 {
		t.Fatalf("%d invitations while the handler runs its after-commit work, want 1 (committed)", n)
	}
	select {
	case err := <-done:
		t.Fatalf("the client's request ended (%v) while the handler was still running", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a dropped answer arrived")
		}
	case <-time.After(hangDeadline):
		t.Fatal("the connection was not closed after the handler finished")
	}
	if n := e.count("invitations"); n != 1 {
		t.Fatalf("%d invitations after the drop, want 1", n)
	}
}

// watchingMailer waits up to wait in each Send for its context to end, records how it ended and
// says so on ended.
type watchingMailer struct {
	sending chan struct{}
	ended   chan struct{}
	wait    time.Duration

	mu   sync.Mutex
	errs []error
}

func (m *watchingMailer) Send(ctx context.Context, _ Email) error {
	m.sending <- struct{}{}
	select {
	case <-ctx.Done():
	case <-time.After(m.wait):
	}
	m.mu.Lock()
	m.errs = append(m.errs, ctx.Err())
	m.mu.Unlock()
	m.ended <- struct{}{}
	return ctx.Err()
}

func (m *watchingMailer) sent() []error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]error(nil), m.errs...)
}

// TestWorkAfterACommitSurvivesTheClientLeaving cancels a create once its write has committed and
// its email is being sent: the email is still sent (it is the only way the invitation reaches its
// person, and a retry replays the answer without sending it again).
func TestWorkAfterACommitSurvivesTheClientLeaving(t *testing.T) {
	m := &watchingMailer{sending: make(chan struct{}, 1), ended: make(chan struct{}, 1), wait: time.Second}
	e := newEnv(t, withMailer(m))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, "POST", e.url+"/invitations", strings.NewReader(`{"email":"left@example.com","role":"viewer"}`))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Bearer "+e.token)
	hr.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		res, err := e.http.Do(hr)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	select {
	case <-m.sending:
	case err := <-done:
		t.Fatalf("the request ended (%v) before its email was sent", err)
	case <-time.After(hangDeadline):
		t.Fatal("no email was sent")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the client's request ended with %v, want it cancelled", err)
	}
	select {
	case <-m.ended:
	case <-time.After(hangDeadline):
		t.Fatal("the email's send never ended")
	}
	if errs := m.sent(); len(errs) != 1 || errs[0] != nil {
		t.Fatalf("the email of a committed invitation ended with %v once the client left", errs)
	}
	if n := e.count("invitations"); n != 1 {
		t.Fatalf("%d invitations, want 1", n)
	}
}
