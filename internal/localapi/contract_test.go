package localapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// TestServerMountsExactlyTheDocumentedOperations fails when the server mounts an operation the
// document lacks, or the document has an operation the server does not serve.
func TestServerMountsExactlyTheDocumentedOperations(t *testing.T) {
	doc, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	s, err := NewServer(context.Background(), Config{DBPath: store.Memory})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mounted := map[string]bool{}
	for _, rt := range s.routeTable() {
		key := rt.method + " " + rt.path
		if mounted[key] {
			t.Errorf("%s is mounted twice", key)
		}
		mounted[key] = true
	}
	var missing, extra []string
	for k := range documented {
		if !mounted[k] {
			missing = append(missing, k)
		}
	}
	for k := range mounted {
		if !documented[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("documented but not served: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("served but not documented: %v", extra)
	}

	// And the mux really routes each documented operation to its own pattern.
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for k := range documented {
		method, path, _ := strings.Cut(k, " ")
		r := httptest.NewRequest(method, param.ReplaceAllString(path, "x_123"), nil)
		if _, pattern := s.mux.Handler(r); pattern != k {
			t.Errorf("%s routes to %q", k, pattern)
		}
	}
}

// TestContractCheckerCatchesViolations proves the checker that every handler test runs under
// reports what it should, and accepts refusals of bad input.
func TestContractCheckerCatchesViolations(t *testing.T) {
	s, err := NewServer(context.Background(), Config{DBPath: store.Memory})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []error
	cc, err := newContractChecker(func(err error) { got = append(got, err) }, s.routeTable())
	if err != nil {
		t.Fatal(err)
	}
	answer := func(status int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(body))
		})
	}
	envelope := `{"error":{"code":"invalid","message":"m","request_id":"r"}}`
	for _, c := range []struct {
		name, method, path, body string
		handler                  http.Handler
		violation                bool
	}{
		{"good list", "GET", "/datasets", "", answer(200, `{"data":[],"next_cursor":null}`), false},
		{"extra member in an answer", "GET", "/datasets", "", answer(200, `{"data":[],"next_cursor":null,"total":0}`), true},
		{"undocumented status", "GET", "/datasets", "", answer(418, envelope), true},
		{"a 500", "GET", "/members", "", answer(500, `{"error":{"code":"internal","message":"m","request_id":"r"}}`), true},
		{"bad request accepted", "POST", "/datasets", `{"name":"x","color":"red"}`, answer(201, `{"id":"ds_1","name":"x","created_at":"2026-01-01T00:00:00Z"}`), true},
		{"bad request refused", "POST", "/datasets", `{"name":"x","color":"red"}`, answer(400, envelope), false},
		{"bad error envelope", "POST", "/datasets", `{"name":""}`, answer(400, `{"error":"nope"}`), true},
		{"unknown path answered", "GET", "/secret", "", answer(200, `{}`), true},
		{"unknown path refused", "GET", "/secret", "", answer(404, envelope), false},
	} {
		got = nil
		r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer x")
		// The server's middleware names the route, as in a real request.
		s.middleware(cc.wrap(c.handler)).ServeHTTP(httptest.NewRecorder(), r)
		if c.violation != (len(got) > 0) {
			t.Errorf("%s: violations %v, want violation=%v", c.name, got, c.violation)
		}
	}
}
