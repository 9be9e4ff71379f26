package localapi

import (
	"net/url"
	"strings"
	"testing"
)

// Names and emails that look alike: invisible and direction-changing characters are refused,
// twins under Unicode normalization or case folding are the same name or email.

func TestLookAlikeCharactersAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		what, path, field string
		body              map[string]any
	}{
		{"a right-to-left override in an email", "/service-accounts", "email", map[string]any{"email": "gnp.\u202eevil@example.com"}},
		{"a zero-width space in an email", "/service-accounts", "email", map[string]any{"email": "bot\u200b@example.com"}},
		{"a byte-order mark in an email", "/invitations", "email", map[string]any{"email": "\ufeffjane@example.com", "role": "viewer"}},
		{"a line separator in an email", "/invitations", "email", map[string]any{"email": "jane\u2028@example.com", "role": "viewer"}},
		{"a right-to-left override in a name", "/oauth-clients", "name", map[string]any{"name": "CI \u202eenilepip"}},
		{"a zero-width space in a name", "/oauth-clients", "name", map[string]any{"name": "C\u200bI"}},
		{"a zero-width joiner in a name", "/api-tokens", "name", map[string]any{"name": "deploy\u200d", "expires_in": "30d"}},
		{"a line separator in a name", "/organizations", "name", map[string]any{"name": "Acme\u2028Inc"}},
		{"a paragraph separator in a description", "/service-accounts", "description", map[string]any{"email": "p@example.com", "description": "one\u2029two"}},
		{"a left-to-right mark in a description", "/service-accounts", "description", map[string]any{"email": "p@example.com", "description": "\u200enightly"}},
		{"a soft hyphen in a first name", "/managed-users", "first_name", map[string]any{"email": "m@example.com", "first_name": "Jo\u00adse", "last_name": "Doe"}},
	} {
		r := e.post(tc.path, tc.body)
		if r.status != 400 {
			t.Errorf("%s: status %d, want 400; body %s", tc.what, r.status, r.body)
			continue
		}
		if d := r.errorBody(); d.Code != "invalid" || d.Field != tc.field || !strings.Contains(d.Message, "U+") {
			t.Errorf("%s: %+v, want invalid %s naming the character", tc.what, d, tc.field)
		}
	}
}

func TestNamesAndEmailsAreStoredInNFC(t *testing.T) {
	e := newEnv(t)
	var sa saT
	e.post("/service-accounts", map[string]any{"email": "jose\u0301@example.com", "description": "Jose\u0301's pipeline"}).want(201, &sa)
	if sa.Email != "jos\u00e9@example.com" || sa.Description != "Jos\u00e9's pipeline" {
		t.Errorf("stored %q, %q; want the NFC forms", sa.Email, sa.Description)
	}
	var oc oauthClientT
	e.post("/oauth-clients", map[string]any{"name": "Jose\u0301"}).want(201, &oc)
	if oc.Name != "Jos\u00e9" {
		t.Errorf("stored name %q, want %q", oc.Name, "Jos\u00e9")
	}
}

func TestEmailTwinsAreOneEmail(t *testing.T) {
	e := newEnv(t)
	var sa saT
	e.post("/service-accounts", map[string]any{"email": "jos\u00e9@example.com"}).want(201, &sa)
	for _, twin := range []string{
		"jose\u0301@example.com", // NFD
		"JOS\u00c9@example.com",  // upper case, beyond ASCII
		"JOSE\u0301@EXAMPLE.COM", // both
		"jos\u00e9@Example.com",  // ASCII case only (as before)
	} {
		e.post("/service-accounts", map[string]any{"email": twin}).wantError(409, "conflict", "", sa.ID)
		e.post("/managed-users", map[string]any{"email": twin, "first_name": "J", "last_name": "D"}).wantError(409, "conflict", "", sa.ID)
		var page struct{ Data []saT }
		e.get("/service-accounts?email="+url.QueryEscape(twin)).want(200, &page)
		if len(page.Data) != 1 || page.Data[0].ID != sa.ID {
			t.Errorf("filtering by %q found %+v, want %s", twin, page.Data, sa.ID)
		}
	}
	// Full case folding: ß and ss are one email.
	e.post("/service-accounts", map[string]any{"email": "stra\u00dfe@example.com"}).want(201, nil)
	e.post("/service-accounts", map[string]any{"email": "STRASSE@example.com"}).wantError(409, "conflict", "")

	// Invitations and members follow the same rule.
	var inv invitationT
	e.post("/invitations", map[string]any{"email": "\u00e5sa@example.com", "role": "viewer"}).want(201, &inv)
	e.post("/invitations", map[string]any{"email": "A\u030aSA@example.com", "role": "viewer"}).wantError(409, "invitation_pending", "", inv.ID)
}
