package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store/storetest"
)

// FuzzDecodeObject checks the strict decoder alone: it never panics, accepts only valid JSON
// objects, and what it accepts survives a round trip.
func FuzzDecodeObject(f *testing.F) {
	for _, seed := range []string{
		`{"name":"x","enabled":true}`, `{"name":"x"}`, `{}`, ``, `[]`, `null`, `{"name":null}`, `{"name":1}`,
		`{"name":"x","name":"y"}`, `{"name":"x"} {}`, `{"name":"\u00e9\ud83d\ude00"}`, `{"enabled":"true"}`,
		`{"other":1}`, "{\"name\":\"\xff\"}", `{"name":"x",}`, `  {"name" : "x" }  `, `{"name":"x"}]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var name string
		var enabled, hasName, hasEnabled bool
		e := decodeObject(body, optStrField("name", &name, &hasName), optBoolField("enabled", &enabled, &hasEnabled))
		if e != nil {
			if e.Status != 400 || e.Code != codeInvalid || e.Field == "" || e.Message == "" {
				t.Fatalf("bad refusal %+v", e)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("accepted a non-object %q: %v", body, err)
		}
		for k := range m {
			if k != "name" && k != "enabled" {
				t.Fatalf("accepted unknown member %q", k)
			}
		}
		if hasName && m["name"] != name || hasEnabled && m["enabled"] != enabled || hasName != (m["name"] != nil) {
			t.Fatalf("decoded name=%q enabled=%v from %q", name, enabled, body)
		}
	})
}

// fixedClock never moves, so token uses are recorded once and never again during a fuzz run.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// FuzzDecodeRequestBodies sends arbitrary bodies to every operation that decodes one, through the
// real handler with the contract checker on: no answer is a 500 or outside the contract, and a
// refused request writes nothing.
func FuzzDecodeRequestBodies(f *testing.F) {
	var (
		mu         sync.Mutex
		violations []error
	)
	s, err := NewServer(context.Background(), Config{
		DBPath:                 store.Memory,
		Clock:                  fixedClock{time.Now().UTC().Truncate(time.Second)},
		PasswordHashIterations: testPasswordHashIterations,
		ContractCheck: func(err error) {
			mu.Lock()
			violations = append(violations, err)
			mu.Unlock()
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	h := s.Handler()
	token := s.Bootstrap().Token
	do := func(method, path string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.RemoteAddr = "127.0.0.1:5555"
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	id := func(method, path, body string) string {
		rec := do(method, path, []byte(body))
		var v struct{ ID string }
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.ID == "" {
			f.Fatalf("setup %s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		return v.ID
	}
	sa := id("POST", "/service-accounts", `{"email":"fuzz-sa@example.com"}`)
	mu0 := id("POST", "/managed-users", `{"email":"fuzz-mu@example.com","first_name":"F","last_name":"Z"}`)
	inv := id("POST", "/invitations", `{"email":"fuzz-inv@example.com","role":"viewer"}`)
	oc := id("POST", "/oauth-clients", `{"name":"fuzz"}`)
	var members struct{ Data []struct{ ID string } }
	json.Unmarshal(do("GET", "/members", nil).Body.Bytes(), &members) //nolint:errcheck // checked below
	if len(members.Data) != 1 {
		f.Fatal("no owner member")
	}
	org := s.Bootstrap().OrganizationID
	targets := []struct{ method, path string }{
		{"POST", "/organizations"}, {"PATCH", "/organizations/" + org},
		{"PATCH", "/members/" + members.Data[0].ID},
		{"POST", "/invitations"}, {"PATCH", "/invitations/" + inv}, {"POST", "/invitations/" + inv + "/resend"},
		{"POST", "/accept-invitation"},
		{"POST", "/service-accounts"}, {"PATCH", "/service-accounts/" + sa}, {"POST", "/service-accounts/" + sa + "/deactivate"},
		{"POST", "/managed-users"}, {"PATCH", "/managed-users/" + mu0}, {"POST", "/managed-users/" + mu0 + "/password-reset"},
		{"POST", "/reset-password"}, {"POST", "/login"},
		{"POST", "/api-tokens"}, {"POST", "/oauth-clients"}, {"PATCH", "/oauth-clients/" + oc},
		{"POST", "/datasets"}, {"POST", "/_local/clock"},
	}
	seeds := []string{
		`{"name":"Fuzzed"}`, `{"email":"new@example.com","role":"writer"}`, `{"role":"owner"}`, `{"description":"d"}`,
		`{"email":"x@example.com","first_name":"A","last_name":"B"}`, `{"first_name":"C"}`, `{"token":"t","password":"123456789012"}`,
		`{"email":"fuzz-mu@example.com","password":"x"}`, `{"name":"t","expires_in":"30d"}`,
		`{"name":"t","expires_in":"never","service_account_id":"` + sa + `","scope":"api-key"}`,
		`{"name":"t","expires_in":"never","service_account_id":"` + mu0 + `","scope":"api-key"}`,
		`{"enabled":false}`, `{"advance":"1h"}`, `{"token":"t","name":"N"}`,
		``, `{}`, `[]`, `null`, `{"name":null}`, `{"name":1}`, `{"name":"x"} trailing`, `{"name":"x","name":"y"}`,
		"{\"name\":\"\xff\"}", `{"email":"not an email","role":"viewer"}`, `{"role":"admin"}`, `{"expires_in":"2w","name":"x"}`,
	}
	for i := range targets {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	allowed := map[int]bool{200: true, 201: true, 202: true, 204: true, 400: true, 401: true, 403: true, 404: true, 409: true, 422: true}
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		tg := targets[int(target)%len(targets)]
		before, err := storetest.TotalChanges(context.Background(), s.db)
		if err != nil {
			t.Fatal(err)
		}
		rec := do(tg.method, tg.path, body)
		if rec.Code == http.StatusInternalServerError || !allowed[rec.Code] {
			t.Fatalf("%s %s with %q: %d %s", tg.method, tg.path, body, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusBadRequest {
			after, err := storetest.TotalChanges(context.Background(), s.db)
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Fatalf("%s %s with %q: a 400 wrote %d rows", tg.method, tg.path, body, after-before)
			}
		}
		mu.Lock()
		v := violations
		violations = nil
		mu.Unlock()
		for _, err := range v {
			t.Errorf("%s %s with %q: %v", tg.method, tg.path, body, err)
		}
	})
}
