package console_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/console"
)

// local is an alien-local with its console, started for one test.
type local struct {
	*localapi.Instance
	// api is a client of the API with the bootstrapped organization key, to check what the
	// console did.
	api *client.Client
	// log holds every line the server and the console logged.
	log *syncBuffer
}

// startLocal starts alien-local in-process on 127.0.0.1 with its console, in memory. Every request
// the console sends to the API, and every answer, is checked against api/openapi.yaml: a
// violation fails the test. configure, if given, changes the configuration first.
func startLocal(t *testing.T, configure ...func(*localapi.Config)) *local {
	t.Helper()
	var (
		mu         sync.Mutex
		violations []string
	)
	logs := &syncBuffer{}
	cfg := localapi.Config{
		DBPath:  ":memory:",
		Console: console.Mount,
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ContractCheck: func(err error) {
			mu.Lock()
			violations = append(violations, err.Error())
			mu.Unlock()
		},
	}
	for _, f := range configure {
		f(&cfg)
	}
	inst, err := localapi.Start(t.Context(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing alien-local: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, v := range violations {
			t.Errorf("contract violation: %s", v)
		}
	})
	api, err := client.New(client.Config{Endpoint: inst.URL, Token: inst.Bootstrap.Token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &local{Instance: inst, api: api, log: logs}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// visitor is a browser without a browser: an HTTP client with a cookie jar that does not follow
// redirects, and remembers the CSRF token of the last page it read.
type visitor struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
	// pages holds every page body it read, to look for secrets in.
	pages []string
}

func newVisitor(t *testing.T, base string) *visitor {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &visitor{t: t, base: base, hc: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is an answer of the console.
type page struct {
	status   int
	body     string
	location string
	cookies  []*http.Cookie
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (v *visitor) do(req *http.Request) page {
	v.t.Helper()
	resp, err := v.hc.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	p := page{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), cookies: resp.Cookies()}
	if m := csrfPattern.FindStringSubmatch(p.body); m != nil {
		v.csrf = m[1]
	}
	v.pages = append(v.pages, p.body)
	return p
}

// get reads a page.
func (v *visitor) get(path string) page {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodGet, v.base+path, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(req)
}

// post sends a form with the CSRF token of the last page read, unless form sets "csrf" itself
// (to an empty value: no token).
func (v *visitor) post(path string, form url.Values) page {
	v.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", v.csrf)
	}
	if form.Get("csrf") == "" {
		form.Del("csrf")
	}
	req, err := http.NewRequest(http.MethodPost, v.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

// follow reads the page a redirect points at.
func (v *visitor) follow(p page) page {
	v.t.Helper()
	if p.status != http.StatusSeeOther {
		v.t.Fatalf("want a 303 redirect, got %d: %s", p.status, text(p.body))
	}
	return v.get(p.location)
}

// signIn signs in with an organization key and answers the page sign-in leads to.
func (v *visitor) signIn(token string) page {
	v.t.Helper()
	v.get("/console/sign-in")
	p := v.post("/console/sign-in", url.Values{"method": {"token"}, "token": {token}})
	if p.status != http.StatusSeeOther {
		v.t.Fatalf("sign-in: %d: %s", p.status, text(p.body))
	}
	return v.follow(p)
}

var (
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// text is a page's text without its tags, for messages and for looking for words.
func text(body string) string {
	s := tagPattern.ReplaceAllString(body, " ")
	for _, r := range []struct{ from, to string }{{"&#39;", "'"}, {"&quot;", `"`}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#34;", `"`}} {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	return strings.TrimSpace(spacePattern.ReplaceAllString(s, " "))
}

// wantText fails the test unless the page's text holds every want.
func wantText(t *testing.T, p page, want ...string) {
	t.Helper()
	got := text(p.body)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("page (%d) lacks %q; its text:\n%s", p.status, w, got)
		}
	}
}
