package localapi

import (
	"crypto/sha256"
	"net/url"
	"strings"
	"testing"
)

// TestLinkTokensAreStoredOnlyAsHashes: the secret of an emailed link (an invitation, a password
// reset) lives in one place, the outbox's copy of the email, which is how tests and users follow
// it; the invitations and password_resets tables keep only its SHA-256 hash, and no other table
// holds it in any form.
func TestLinkTokensAreStoredOnlyAsHashes(t *testing.T) {
	e := newEnv(t)
	var inv invitationT
	e.post("/invitations", map[string]any{"email": "guest@example.com", "role": "viewer"}).want(201, &inv)
	e.post("/invitations/"+inv.ID+"/resend", nil).want(200, nil)
	var mu muT
	e.post("/managed-users", map[string]any{"email": "m@example.com", "first_name": "M", "last_name": "U"}).want(201, &mu)
	e.post("/managed-users/"+mu.ID+"/password-reset", nil).want(202, nil)

	var tokens []string
	for _, m := range e.outbox("", "") {
		u, err := url.Parse(m.Link)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, u.Query().Get("token"))
	}
	if len(tokens) != 4 {
		t.Fatalf("%d links in the outbox, want 4", len(tokens))
	}
	hashed := map[string]int{} // table → hashes found
	tables, values := e.tables()
	for i, table := range tables {
		for _, v := range values[i] {
			for _, tok := range tokens {
				if table != "outbox" && (strings.Contains(v, tok) || strings.Contains(v, url.QueryEscape(tok))) {
					t.Errorf("table %s holds a link token", table)
				}
				if h := sha256.Sum256([]byte(tok)); v == string(h[:]) {
					hashed[table]++
				}
			}
		}
	}
	// The newest invitation link and both reset links (the older one spent) are kept as hashes.
	if hashed["invitations"] != 1 || hashed["password_resets"] != 2 {
		t.Errorf("link hashes found: %v, want 1 in invitations and 2 in password_resets", hashed)
	}
}
