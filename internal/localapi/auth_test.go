package localapi

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestBootstrapAndIdentity(t *testing.T) {
	e := newEnv(t)
	b := e.inst.Bootstrap
	if b.Endpoint != e.url || !strings.HasPrefix(b.Token, "oat_") || !strings.HasPrefix(b.OrganizationID, "org_") ||
		!strings.HasPrefix(b.OwnerUserID, "usr_") || b.OwnerEmail != "owner@example.com" {
		t.Fatalf("bootstrap = %+v", b)
	}
	var id identityT
	e.get("/me").want(200, &id)
	if id.Kind != "organization_key" || id.Role != "owner" || id.Organization.ID != e.orgID || id.Organization.Plan != "enterprise" ||
		id.UserID == nil || *id.UserID != b.OwnerUserID || id.Email == nil || *id.Email != "owner@example.com" ||
		id.TokenID == nil || id.Scope != nil || id.ExpiresAt != nil {
		t.Fatalf("identity = %+v", id)
	}
	var org orgT
	e.get("/organization").want(200, &org)
	if org.ID != e.orgID || org.Name != "Local Organization" || org.Plan != "enterprise" {
		t.Fatalf("organization = %+v", org)
	}
	var members pageT[memberT]
	e.get("/members").want(200, &members)
	if len(members.Data) != 1 || members.Data[0].Role != "owner" || members.Data[0].UserID != b.OwnerUserID {
		t.Fatalf("members = %+v", members)
	}
	if got := e.inst.Server.Bootstrap(); got == nil || got.Token != b.Token {
		t.Fatalf("Server.Bootstrap() = %+v", got)
	}
}

func TestCredentialsThatAreRefused(t *testing.T) {
	e := newEnv(t)
	wellFormedUnknown := "oat_" + base64.RawURLEncoding.EncodeToString([]byte("tok_aaaaaaaaaaaaaaaa")) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	id, _, _ := strings.Cut(strings.TrimPrefix(e.token, "oat_"), ".")
	wrongSecret := "oat_" + id + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	for name, h := range map[string]map[string]string{
		"no header":        nil,
		"not bearer":       {"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("a:b"))},
		"empty bearer":     {"Authorization": "Bearer "},
		"unknown prefix":   {"Authorization": "Bearer xyz_123"},
		"malformed oat":    {"Authorization": "Bearer oat_nonsense"},
		"unknown token id": {"Authorization": "Bearer " + wellFormedUnknown},
		"wrong secret":     {"Authorization": "Bearer " + wrongSecret},
		"forged oaa":       {"Authorization": "Bearer oaa_eyJrIjoib2F1dGhfY2xpZW50In0.AAAA"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.send(req{method: "GET", path: "/datasets", header: h})
			r.wantError(401, "unauthorized", "")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	// A token of this instance also answers 401 once revoked or expired, at once.
	tok := e.createToken(e.token, map[string]any{"name": "short", "expires_in": "30d"})
	e.as(tok.Token, "GET", "/datasets", nil).want(200, nil)
	e.advance(30*24*time.Hour + time.Second)
	e.as(tok.Token, "GET", "/datasets", nil).wantError(401, "unauthorized", "", "expired")
	var got tokenT
	e.get("/api-tokens/"+tok.ID).want(200, &got)
	if got.Status != "expired" {
		t.Fatalf("status = %q, want expired", got.Status)
	}
	other := e.createToken(e.token, map[string]any{"name": "revoked", "expires_in": "never"})
	e.as(other.Token, "GET", "/me", nil).want(200, nil)
	e.del("/api-tokens/"+other.ID).want(204, nil)
	e.as(other.Token, "GET", "/me", nil).wantError(401, "unauthorized", "", "revoked")
}

func TestTokenScopesOnDatasets(t *testing.T) {
	e := newEnv(t)
	sa := e.createSA(e.token, "pipeline@example.com")
	read := e.saToken(sa.ID, "api-key")
	write := e.saToken(sa.ID, "api-secret")

	// Read-only: GET /datasets and GET /me only.
	e.as(read.Token, "GET", "/datasets", nil).want(200, nil)
	e.as(read.Token, "POST", "/datasets", map[string]any{"name": "x"}).wantError(403, "forbidden", "", "api-key")
	var id identityT
	e.as(read.Token, "GET", "/me", nil).want(200, &id)
	if id.Kind != "service_account_token" || id.Role != "client" || id.Scope == nil || *id.Scope != "api-key" ||
		id.ServiceAccountID == nil || *id.ServiceAccountID != sa.ID || id.Email == nil || *id.Email != sa.Email || id.UserID != nil {
		t.Fatalf("identity = %+v", id)
	}
	// Read + write: also POST /datasets.
	var ds struct{ ID, Name string }
	e.as(write.Token, "POST", "/datasets", map[string]any{"name": "corpus"}).want(201, &ds)
	if !strings.HasPrefix(ds.ID, "ds_") || ds.Name != "corpus" {
		t.Fatalf("dataset = %+v", ds)
	}
	var list pageT[struct{ ID string }]
	e.as(read.Token, "GET", "/datasets", nil).want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ID != ds.ID {
		t.Fatalf("datasets = %+v", list)
	}
	// Neither may use the management endpoints.
	for _, tok := range []string{read.Token, write.Token} {
		for _, p := range [][2]string{{"GET", "/members"}, {"GET", "/organization"}, {"GET", "/api-tokens"}, {"POST", "/organizations"}, {"GET", "/organizations/" + e.orgID}} {
			var body any
			if p[0] == "POST" {
				body = map[string]any{"name": "x"}
			}
			e.as(tok, p[0], p[1], body).wantError(403, "forbidden", "", "Client role")
		}
	}
	// The organization key may do both.
	e.post("/datasets", map[string]any{"name": "by owner"}).want(201, nil)
}

func TestLastUsedAtIsRecorded(t *testing.T) {
	e := newEnv(t)
	tok := e.createToken(e.token, map[string]any{"name": "ci", "expires_in": "never"})
	if tok.LastUsedAt != nil {
		t.Fatalf("a new token has last_used_at %v", tok.LastUsedAt)
	}
	e.as(tok.Token, "GET", "/me", nil).want(200, nil)
	var got tokenT
	e.get("/api-tokens/"+tok.ID).want(200, &got)
	if got.LastUsedAt == nil {
		t.Fatal("last_used_at not recorded")
	}
	first := *got.LastUsedAt
	// Within a minute another use is not written again (debounce); later it is.
	e.as(tok.Token, "GET", "/me", nil).want(200, nil)
	e.get("/api-tokens/"+tok.ID).want(200, &got)
	if !got.LastUsedAt.Equal(first) {
		t.Fatalf("last_used_at moved within the debounce interval: %v → %v", first, got.LastUsedAt)
	}
	e.advance(2 * time.Hour)
	e.as(tok.Token, "GET", "/me", nil).want(200, nil)
	e.get("/api-tokens/"+tok.ID).want(200, &got)
	if got.LastUsedAt.Sub(first) < 2*time.Hour {
		t.Fatalf("last_used_at %v not advanced from %v", got.LastUsedAt, first)
	}
}
