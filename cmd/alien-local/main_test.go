package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe buffer for the server's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveInBackground runs "alien-local serve args..." until the test ends or stop is called.
func serveInBackground(t *testing.T, args ...string) (stdout, stderr *syncBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), stdout, stderr) }()
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Error("serve did not stop within 10s")
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return stdout, stderr, stop
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var linesRE = regexp.MustCompile(`^ALIEN_ENDPOINT=(http://127\.0\.0\.1:\d+)\nALIEN_TOKEN=(oat_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\nALIEN_ORGANIZATION_ID=(org_[a-z2-7]{16})\n$`)

func get(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestServePrintsThreeLinesOnANewDatabase(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "alien.env")
	stdout, stderr, stop := serveInBackground(t, "--db", ":memory:", "--listen", "127.0.0.1:0", "--env-file", envFile)
	waitFor(t, "the ALIEN_* lines", func() bool { return strings.Count(stdout.String(), "\n") >= 3 })
	out := stdout.String()
	m := linesRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("stdout is not exactly the three lines:\n%s", out)
	}
	endpoint, token := m[1], m[2]
	if get(t, endpoint+"/datasets", token) != 200 {
		t.Error("the printed token does not read /datasets")
	}
	madeUp := "oat_" + base64.RawURLEncoding.EncodeToString([]byte("tok_aaaaaaaaaaaaaaaa")) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	if get(t, endpoint+"/datasets", madeUp) != 401 {
		t.Error("a made-up token is not refused")
	}
	// The env file holds the same lines, readable by the owner only.
	st, err := os.Stat(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("env file mode %v, want 0600", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(envFile); string(b) != out {
		t.Errorf("env file %q differs from stdout %q", b, out)
	}
	// Logs go to stderr, one line per request, never a credential.
	waitFor(t, "request logs", func() bool { return strings.Contains(stderr.String(), `route="GET /datasets" status=401`) })
	logs := stderr.String()
	if strings.Contains(logs, token) || strings.Contains(logs, madeUp) || strings.Contains(logs, strings.Split(strings.TrimPrefix(token, "oat_"), ".")[1]) {
		t.Fatal("a credential reached the log")
	}
	if !strings.Contains(logs, "request_id=req_") {
		t.Errorf("request logs lack the request id:\n%s", logs)
	}
	// The console is served beside the API, and the log says where.
	if !strings.Contains(logs, "url="+endpoint+"/console/") {
		t.Errorf("the log does not give the console's address:\n%s", logs)
	}
	if code := get(t, endpoint+"/console/sign-in", ""); code != 200 {
		t.Errorf("GET /console/sign-in = %d, want 200", code)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d after shutdown; stderr:\n%s", code, stderr)
	}
}

func TestServeOnAnExistingDatabasePrintsNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "alien.db")
	stdout, _, stop := serveInBackground(t, "--db", db, "--listen", "127.0.0.1:0")
	waitFor(t, "the ALIEN_* lines", func() bool { return strings.Count(stdout.String(), "\n") >= 3 })
	token := linesRE.FindStringSubmatch(stdout.String())[2]
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}

	stdout2, stderr2, stop2 := serveInBackground(t, "--db", db, "--listen", "127.0.0.1:0")
	waitFor(t, "the server to start", func() bool { return strings.Contains(stderr2.String(), "existing database") })
	if stdout2.String() != "" {
		t.Fatalf("an existing database printed %q", stdout2)
	}
	url := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(stderr2.String())[1]
	if get(t, url+"/me", token) != 200 {
		t.Fatal("the first run's token does not work on the second run")
	}
	stop2()
}

func TestServeWithTimeTravelAndFaults(t *testing.T) {
	stdout, _, _ := serveInBackground(t, "--db", ":memory:", "--listen", "127.0.0.1:0", "--time-travel", "--fail-rate", "1",
		"--org-name", "Acme", "--owner-email", "boss@acme.example")
	waitFor(t, "the ALIEN_* lines", func() bool { return strings.Count(stdout.String(), "\n") >= 3 })
	m := linesRE.FindStringSubmatch(stdout.String())
	if get(t, m[1]+"/me", m[2]) != 503 {
		t.Error("--fail-rate 1 did not fail a request")
	}
	if get(t, m[1]+"/healthz", "") != 200 {
		t.Error("/healthz failed")
	}
	res, err := http.Post(m[1]+"/_local/clock", "application/json", strings.NewReader(`{"advance":"1h"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("--time-travel: POST /_local/clock answered %d", res.StatusCode)
	}
}

func TestCommandLine(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "alien-local ") {
		t.Errorf("version: %d %q", code, out.String())
	}
	for _, args := range [][]string{{}, {"bogus"}} {
		out.Reset()
		errOut.Reset()
		if code := run(context.Background(), args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "Usage") {
			t.Errorf("%v: %d %q", args, code, errOut.String())
		}
	}
	for _, args := range [][]string{
		{"serve", "--fail-rate", "2", "--db", ":memory:", "--listen", "127.0.0.1:0"},
		{"serve", "--fail-rate", "0.6", "--drop-rate", "0.6", "--db", ":memory:", "--listen", "127.0.0.1:0"},
		{"serve", "--owner-email", "nope", "--db", ":memory:", "--listen", "127.0.0.1:0"},
		{"serve", "--listen", "not-an-address"},
		{"serve", "--no-such-flag"},
		{"serve", "extra-argument"},
	} {
		errOut.Reset()
		if code := run(context.Background(), args, &out, &errOut); code != 1 || errOut.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"serve", "-h"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "-listen") {
		t.Errorf("serve -h: %d %q", code, errOut.String())
	}
}
