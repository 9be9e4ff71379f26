package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestClientCredentialsScripted(t *testing.T) {
	const id, secret = "oc_scripted", "ocs_very-secret-value"
	var tokenCalls, apiCalls atomic.Int64
	srv, _ := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/oauth/token":
			k := tokenCalls.Add(1)
			u, p, ok := r.BasicAuth()
			if !ok || u != id || p != secret || r.FormValue("grant_type") != "client_credentials" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"error":"invalid_client","error_description":"unknown client or wrong secret"}`))
				return
			}
			if k == 1 {
				writeError(w, http.StatusServiceUnavailable, CodeUnavailable) // retried
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"oaa_tok%d.sig","token_type":"Bearer","expires_in":3600}`, k)
		case "/datasets":
			apiCalls.Add(1)
			// The first access token is refused (as after a server restart); the client renews it.
			if r.Header.Get("Authorization") == "Bearer oaa_tok2.sig" {
				writeError(w, http.StatusUnauthorized, CodeUnauthorized)
				return
			}
			w.Write([]byte(emptyPage))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	log := &captureLogger{}
	c := fastClient(t, srv.URL, func(c *Config) { c.Token, c.ClientID, c.ClientSecret, c.Logger = "", id, secret, log })
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := tokenCalls.Load(); got != 3 {
		t.Errorf("token requests = %d, want 3 (a 503 retried, a renewal after the 401)", got)
	}
	if got := apiCalls.Load(); got != 3 {
		t.Errorf("API requests = %d, want 3", got)
	}
	if strings.Contains(log.String(), secret) || strings.Contains(log.String(), "oaa_tok") {
		t.Errorf("log leaks a secret:\n%s", log)
	}

	bad := fastClient(t, srv.URL, func(c *Config) { c.Token, c.ClientID, c.ClientSecret, c.Logger = "", id, "ocs_wrong-secret-value", log })
	_, err := Datasets(bad).List(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != CodeUnauthorized || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want an unauthorized APIError", err)
	}
	if !strings.Contains(err.Error(), id) || strings.Contains(err.Error(), "ocs_wrong-secret-value") {
		t.Errorf("error must name the client id and not the secret: %q", err)
	}
	if ae.Path != "/oauth/token" || ae.Method != http.MethodPost {
		t.Errorf("error path = %s %s", ae.Method, ae.Path)
	}
}

// Concurrent requests refused with the same access token (a server restart: every call in flight
// gets 401 at once) all renew it and succeed, with one token request between them: a request
// whose refused token another one already dropped still tries once more, and none drops the
// token another one just fetched.
func TestClientCredentialsConcurrentRenewal(t *testing.T) {
	const id, secret = "oc_scripted", "ocs_very-secret-value"
	const callers = 8
	var tokenCalls, refused atomic.Int64
	allRefused := make(chan struct{})
	srv, _ := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/oauth/token":
			k := tokenCalls.Add(1)
			if k == 2 {
				time.Sleep(300 * time.Millisecond) // the renewal is slow: every refused caller sees it in flight
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"oaa_tok%d.sig","token_type":"Bearer","expires_in":3600}`, k)
		case "/datasets":
			if r.Header.Get("Authorization") == "Bearer oaa_tok1.sig" {
				// The first request is accepted; the callers' are held until all of them have
				// arrived with the old token, then refused together.
				switch refused.Add(1) {
				case 1:
				case callers + 1:
					close(allRefused)
					fallthrough
				default:
					select {
					case <-allRefused:
					case <-time.After(5 * time.Second):
						t.Errorf("only %d callers arrived with the old token", refused.Load()-1)
					}
					writeError(w, http.StatusUnauthorized, CodeUnauthorized)
					return
				}
			}
			w.Write([]byte(emptyPage))
		}
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.Token, c.ClientID, c.ClientSecret = "", id, secret })
	// The first token works once; then the server "restarts" and refuses it.
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			if _, err := Datasets(c).List(t.Context()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a caller refused with the old token failed: %v", err)
	}
	if got := tokenCalls.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2 (one renewal shared by every refused caller)", got)
	}
}

// A create whose access token is refused in the middle of its retries (its first attempt may
// have been done, its answer lost) is sent again with a fresh token and the same idempotency key,
// so the server replays it instead of creating a second object.
func TestClientCredentialsRenewalKeepsIdempotencyKey(t *testing.T) {
	const id, secret = "oc_scripted", "ocs_very-secret-value"
	var mu sync.Mutex
	var keys []string
	srv, _ := scripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/oauth/token":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"oaa_tok%d.sig","token_type":"Bearer","expires_in":3600}`, n)
		case "/invitations":
			mu.Lock()
			keys = append(keys, r.Header.Get("Idempotency-Key"))
			attempt := len(keys)
			mu.Unlock()
			switch attempt {
			case 1:
				writeError(w, http.StatusServiceUnavailable, CodeUnavailable) // as if its answer was lost
			case 2:
				writeError(w, http.StatusUnauthorized, CodeUnauthorized) // the token is refused now
			default:
				w.WriteHeader(http.StatusCreated)
				w.Write([]byte(invitationJSON))
			}
		}
	})
	c := fastClient(t, srv.URL, func(c *Config) { c.Token, c.ClientID, c.ClientSecret = "", id, secret })
	if _, err := c.Invitations.Create(t.Context(), InvitationCreateOptions{Email: "a@example.com", Role: RoleViewer}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0] == "" || keys[1] != keys[0] || keys[2] != keys[0] {
		t.Errorf("idempotency keys of the attempts = %q, want 3, all the same", keys)
	}
}
