package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// Sessions: a signed-in browser holds only a random session id, in an HttpOnly, SameSite=Strict
// cookie; the credential it signed in with stays in this process's memory, inside the session's
// API client, and is never sent back to the browser. A browser that is not signed in holds a
// random visitor id in a second cookie of the same kind, so that the forms it is shown (sign-in,
// accepting an invitation, setting a password) carry a CSRF token too. Every form's token is an
// HMAC of the id it was rendered for, under a key that lives and dies with the process.
const (
	sessionCookie = "alien_console_session"
	visitorCookie = "alien_console_visitor"
	cookiePath    = "/console/"
	csrfField     = "csrf"

	// sessionIdle and sessionMax bound a session's life: idle time, and in all.
	sessionIdle = 8 * time.Hour
	sessionMax  = 24 * time.Hour
	// maxSessions bounds the memory sessions take; the least recently seen goes first.
	maxSessions = 1000
)

var b64 = base64.RawURLEncoding

// newID is 32 random bytes, base64url-encoded (43 characters).
func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b64.EncodeToString(b)
}

// validID reports whether v has the shape of an id newID makes.
func validID(v string) bool {
	if len(v) != 43 {
		return false
	}
	b, err := b64.DecodeString(v)
	return err == nil && len(b) == 32
}

// session is a signed-in browser.
type session struct {
	id string
	// api acts with the credential the session signed in with.
	api *client.Client
	// credential is how pages name the credential ("organization key “ci” of owner@example.com"),
	// never its secret.
	credential string
	created    time.Time

	mu   sync.Mutex
	seen time.Time
	// notes are shown, then dropped, by the next page the session renders.
	notes []note
	// secret is a one-time secret (a new token's value, a new OAuth client's secret) shown, then
	// dropped, by the next page the session renders.
	secret *oneTime
}

// note is a message for the next page: what an action did, or why the API refused it.
type note struct {
	Error bool
	Text  string
	// RequestID is the API's id of the refused request, for its log.
	RequestID string
}

// oneTime is a secret shown once, in a copy box.
type oneTime struct {
	Title  string
	Values []oneTimeValue
	Note   string
}

// oneTimeValue is one line of a copy box.
type oneTimeValue struct {
	Label  string
	Value  string
	Secret bool
}

func (s *session) addNote(n note) {
	s.mu.Lock()
	s.notes = append(s.notes, n)
	s.mu.Unlock()
}

func (s *session) setSecret(o *oneTime) {
	s.mu.Lock()
	s.secret = o
	s.mu.Unlock()
}

// take answers the notes and the one-time secret waiting for the next page, and forgets them.
func (s *session) take() ([]note, *oneTime) {
	s.mu.Lock()
	defer s.mu.Unlock()
	notes, secret := s.notes, s.secret
	s.notes, s.secret = nil, nil
	return notes, secret
}

// sessions is the in-memory session store.
type sessions struct {
	now func() time.Time

	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, byID: map[string]*session{}}
}

// get answers the live session with this id and marks it seen, or nil.
func (st *sessions) get(id string) *session {
	if !validID(id) {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.byID[id]
	if s == nil {
		return nil
	}
	now := st.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.seen) > sessionIdle || now.Sub(s.created) > sessionMax {
		delete(st.byID, id)
		return nil
	}
	s.seen = now
	return s
}

// add starts a session for api under a new id, first dropping expired sessions and, when the
// store is full, the least recently seen one.
func (st *sessions) add(api *client.Client, credential string) *session {
	now := st.now()
	s := &session{id: newID(), api: api, credential: credential, created: now, seen: now}
	st.mu.Lock()
	defer st.mu.Unlock()
	oldest, oldestSeen := "", time.Time{}
	for id, o := range st.byID {
		o.mu.Lock()
		seen, created := o.seen, o.created
		o.mu.Unlock()
		if now.Sub(seen) > sessionIdle || now.Sub(created) > sessionMax {
			delete(st.byID, id)
			continue
		}
		if oldest == "" || seen.Before(oldestSeen) {
			oldest, oldestSeen = id, seen
		}
	}
	if len(st.byID) >= maxSessions {
		delete(st.byID, oldest)
	}
	st.byID[s.id] = s
	return s
}

// remove ends a session.
func (st *sessions) remove(id string) {
	st.mu.Lock()
	delete(st.byID, id)
	st.mu.Unlock()
}

// csrfToken is the CSRF token of the forms rendered for the browser holding id.
func (c *Console) csrfToken(id string) string {
	m := hmac.New(sha256.New, c.csrfKey)
	m.Write([]byte("alien-local console form\x00"))
	m.Write([]byte(id))
	return b64.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether a submitted form carries the CSRF token of one of the browser's ids
// (its session's, or its visitor id's).
func (c *Console) checkCSRF(r *http.Request) bool {
	got := r.PostFormValue(csrfField)
	if got == "" {
		return false
	}
	for _, name := range []string{sessionCookie, visitorCookie} {
		ck, err := r.Cookie(name)
		if err != nil || !validID(ck.Value) {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(c.csrfToken(ck.Value))) == 1 {
			return true
		}
	}
	return false
}

// setCookie sets one of the console's cookies: HttpOnly, SameSite=Strict, for /console/ only,
// for this browser session only; maxAge -1 deletes it.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{ //nolint:gosec // Secure needs https: the console answers loopback http (and sets Secure over TLS)
		Name:     name,
		Value:    value,
		Path:     cookiePath,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
}
