package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestIdempotencyKeyInUseIsRetried: a 409 idempotency_key_in_use says that the request's own
// earlier attempt is still being served; retrying with the same key is safe (it replays that
// attempt's answer), so the client waits and retries, keeping the key.
func TestIdempotencyKeyInUseIsRetried(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		if n <= 2 {
			writeError(w, http.StatusConflict, CodeIdempotencyKeyInUse)
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(invitationJSON))
	})
	log := &captureLogger{}
	c := fastClient(t, srv.URL, func(c *Config) { c.Logger = log })
	if _, err := c.Invitations.Create(t.Context(), InvitationCreateOptions{Email: "a@example.com", Role: RoleViewer}); err != nil {
		t.Fatal(err)
	}
	if got := count.Load(); got != 3 {
		t.Fatalf("requests = %d, want 3", got)
	}
	if keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] {
		t.Errorf("the retries changed the key: %q", keys)
	}
	warned := 0
	for _, l := range log.all() {
		if l.level == "warn" {
			warned++
			if !strings.Contains(fmt.Sprint(l.fields["reason"]), "idempotency_key_in_use") {
				t.Errorf("retry logged without its reason: %v", l.fields)
			}
		}
	}
	if warned != 2 {
		t.Errorf("%d retries logged, want 2", warned)
	}
}

// TestIdempotencyKeyInUseUntilTheRetriesRunOut: the last answer is the error, which says what it
// is and is not taken for a conflict with the object's state.
func TestIdempotencyKeyInUseUntilTheRetriesRunOut(t *testing.T) {
	srv, count := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, http.StatusConflict, CodeIdempotencyKeyInUse)
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.Invitations.Create(t.Context(), InvitationCreateOptions{Email: "a@example.com", Role: RoleViewer})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusConflict || ae.Code != CodeIdempotencyKeyInUse {
		t.Fatalf("err = %v, want a 409 idempotency_key_in_use", err)
	}
	if errors.Is(err, ErrConflict) {
		t.Error("an Idempotency-Key in use matches ErrConflict: callers would take it for the object's state")
	}
	if got := count.Load(); got != 3 {
		t.Errorf("requests = %d, want 3 (the first and 2 retries)", got)
	}
}
