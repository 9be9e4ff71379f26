package localapi

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	sa := e.createSA(e.token, "bot@example.com")

	for _, c := range []struct {
		body  map[string]any
		field string
		says  string
	}{
		{map[string]any{"name": "k", "expires_in": "never", "scope": "api-key"}, "scope", "organization key"},
		{map[string]any{"name": "k", "expires_in": "never", "service_account_id": sa.ID}, "scope", "required"},
		{map[string]any{"name": "k", "expires_in": "never", "service_account_id": sa.ID, "scope": "admin"}, "scope", "api-key"},
		{map[string]any{"name": "k", "expires_in": "2w"}, "expires_in", "30d"},
		{map[string]any{"name": "", "expires_in": "never"}, "name", "blank"},
		{map[string]any{"name": strings.Repeat("n", 101), "expires_in": "never"}, "name", "100"},
		{map[string]any{"expires_in": "never"}, "name", "required"},
		{map[string]any{"name": "k"}, "expires_in", "required"},
		{map[string]any{"name": "k", "expires_in": "never", "service_account_id": "mu_0123456789abcdef", "scope": "api-key"}, "service_account_id", "managed users cannot hold API tokens"},
		{map[string]any{"name": "k", "expires_in": "never", "service_account_id": "", "scope": "api-key"}, "service_account_id", "empty"},
	} {
		e.post("/api-tokens", c.body).wantError(400, "invalid", c.field, c.says)
	}
	e.post("/api-tokens", map[string]any{"name": "k", "expires_in": "never", "service_account_id": "sa_unknown000000000", "scope": "api-key"}).
		wantError(404, "not_found", "", "sa_unknown000000000")

	// Expiries.
	now := time.Now()
	for in, d := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour} {
		tok := e.createToken(e.token, map[string]any{"name": in, "expires_in": in})
		if tok.ExpiresAt == nil || tok.ExpiresAt.Sub(tok.CreatedAt) != d || tok.ExpiresIn != in {
			t.Errorf("%s: created %v expires %v", in, tok.CreatedAt, tok.ExpiresAt)
		}
	}
	year := e.createToken(e.token, map[string]any{"name": "1y", "expires_in": "1y"})
	if year.ExpiresAt == nil || !year.ExpiresAt.Equal(year.CreatedAt.AddDate(1, 0, 0)) {
		t.Errorf("1y: created %v expires %v", year.CreatedAt, year.ExpiresAt)
	}
	never := e.createToken(e.token, map[string]any{"name": "forever", "expires_in": "never"})
	if never.ExpiresAt != nil || never.Kind != "organization_key" || never.Scope != nil || never.ServiceAccountID != nil ||
		never.CreatedBy == nil || *never.CreatedBy != e.inst.Bootstrap.OwnerUserID || never.CreatedAt.Before(now.Add(-time.Minute)) {
		t.Errorf("organization key = %+v", never)
	}
	// The token's format: oat_ + base64url(id) + "." + base64url(32-byte secret).
	idPart, secretPart, _ := strings.Cut(strings.TrimPrefix(never.Token, "oat_"), ".")
	rawID, err1 := base64.RawURLEncoding.DecodeString(idPart)
	secret, err2 := base64.RawURLEncoding.DecodeString(secretPart)
	if err1 != nil || err2 != nil || string(rawID) != never.ID || len(secret) != 32 {
		t.Errorf("token %q does not carry id %s and a 32-byte secret", never.Token, never.ID)
	}
	saTok := e.saToken(sa.ID, "api-secret")
	if saTok.Kind != "service_account_token" || saTok.Scope == nil || *saTok.Scope != "api-secret" || *saTok.ServiceAccountID != sa.ID {
		t.Errorf("service-account token = %+v", saTok)
	}

	// Reads never show the secret; filters work.
	r := e.get("/api-tokens/" + never.ID)
	if strings.Contains(string(r.body), never.Token) || strings.Contains(string(r.body), `"token"`) {
		t.Fatalf("a read shows the secret: %s", r.body)
	}
	var list pageT[tokenT]
	e.get("/api-tokens?kind=service_account_token").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ID != saTok.ID {
		t.Fatalf("kind filter = %+v", list.Data)
	}
	e.get("/api-tokens?service_account_id="+sa.ID).want(200, &list)
	if len(list.Data) != 1 {
		t.Fatalf("service account filter = %+v", list.Data)
	}
	e.advance(31 * 24 * time.Hour)
	e.get("/api-tokens?status=expired").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ExpiresIn != "30d" {
		t.Fatalf("expired filter = %+v", list.Data)
	}
	e.del("/api-tokens/"+never.ID).want(204, nil)
	e.del("/api-tokens/"+never.ID).want(204, nil) // revoking a revoked token is a no-op
	e.del("/api-tokens/"+list.Data[0].ID).want(204, nil)
	var expired tokenT
	e.get("/api-tokens/"+list.Data[0].ID).want(200, &expired)
	if expired.Status != "expired" || expired.RevokedAt != nil {
		t.Fatalf("revoking an expired token changed it: %+v", expired)
	}
	e.get("/api-tokens?status=revoked").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].ID != never.ID {
		t.Fatalf("revoked filter = %+v", list.Data)
	}
	e.get("/api-tokens?status=active").want(200, &list)
	for _, tk := range list.Data {
		if tk.Status != "active" {
			t.Fatalf("active filter returned %+v", tk)
		}
	}
	e.get("/api-tokens?kind=user").wantError(400, "invalid", "kind")
	e.patch("/api-tokens/"+saTok.ID, map[string]any{"name": "renamed"}).wantError(405, "method_not_allowed", "")
}

func TestOAuthClientsAndClientCredentials(t *testing.T) {
	e := newEnv(t)
	var oc oauthClientT
	e.post("/oauth-clients", map[string]any{"name": "CI"}).want(201, &oc)
	if !strings.HasPrefix(oc.ID, "oc_") || !strings.HasPrefix(oc.ClientID, "aic_") || oc.ClientSecret == "" || !oc.Enabled {
		t.Fatalf("client = %+v", oc)
	}
	r := e.get("/oauth-clients/" + oc.ID)
	if strings.Contains(string(r.body), oc.ClientSecret) || strings.Contains(string(r.body), "client_secret") {
		t.Fatalf("a read shows the secret: %s", r.body)
	}

	grant := func(form url.Values, basicID, basicSecret string) *resp {
		hr, _ := http.NewRequest("POST", e.url+"/oauth/token", strings.NewReader(form.Encode()))
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basicID != "" {
			hr.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
		}
		res, err := e.http.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return &resp{t: t, req: "POST /oauth/token", status: res.StatusCode, header: res.Header, body: body}
	}
	oauthErr := func(r *resp, status int, code string) {
		t.Helper()
		var body struct {
			Error, ErrorDescription string
		}
		r.want(status, &body)
		if body.Error != code {
			t.Fatalf("oauth error %q, want %q (%s)", body.Error, code, r.body)
		}
	}
	cc := url.Values{"grant_type": {"client_credentials"}}
	var at accessTokenT
	grant(cc, oc.ClientID, oc.ClientSecret).want(200, &at)
	if !strings.HasPrefix(at.AccessToken, "oaa_") || at.TokenType != "Bearer" || at.ExpiresIn != 3600 {
		t.Fatalf("access token = %+v", at)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {oc.ClientID}, "client_secret": {oc.ClientSecret}}
	var viaForm accessTokenT
	grant(form, "", "").want(200, &viaForm)

	oauthErr(grant(cc, oc.ClientID, "wrong"), 401, "invalid_client")
	oauthErr(grant(cc, "aic_unknown", oc.ClientSecret), 401, "invalid_client")
	oauthErr(grant(url.Values{"grant_type": {"password"}}, oc.ClientID, oc.ClientSecret), 400, "unsupported_grant_type")
	oauthErr(grant(url.Values{}, oc.ClientID, oc.ClientSecret), 400, "invalid_request")
	oauthErr(grant(form, oc.ClientID, oc.ClientSecret), 400, "invalid_request") // two ways at once
	oauthErr(grant(cc, "", ""), 401, "invalid_client")

	// An access token acts as an organization key; nothing is stored for it.
	var id identityT
	e.as(at.AccessToken, "GET", "/me", nil).want(200, &id)
	if id.Kind != "oauth_client" || id.Role != "owner" || id.OAuthClientID == nil || *id.OAuthClientID != oc.ID ||
		id.UserID == nil || *id.UserID != e.inst.Bootstrap.OwnerUserID || id.ExpiresAt == nil {
		t.Fatalf("identity = %+v", id)
	}
	var created tokenT
	e.as(at.AccessToken, "POST", "/api-tokens", map[string]any{"name": "by client", "expires_in": "never"}).want(201, &created)
	if created.CreatedBy == nil || *created.CreatedBy != e.inst.Bootstrap.OwnerUserID {
		t.Fatalf("created_by = %v", created.CreatedBy)
	}

	// Disabling refuses the credentials and the access tokens at once; enabling restores them.
	e.patch("/oauth-clients/"+oc.ID, map[string]any{"enabled": false}).want(200, &oc)
	if oc.Enabled {
		t.Fatal("still enabled")
	}
	e.as(at.AccessToken, "GET", "/members", nil).wantError(401, "unauthorized", "", "disabled")
	oauthErr(grant(cc, oc.ClientID, oc.ClientSecret), 401, "invalid_client")
	oauthErr(grant(form, "", ""), 401, "invalid_client")
	e.patch("/oauth-clients/"+oc.ID, map[string]any{"enabled": true, "name": "CI 2"}).want(200, &oc)
	if !oc.Enabled || oc.Name != "CI 2" {
		t.Fatalf("updated = %+v", oc)
	}
	e.as(at.AccessToken, "GET", "/members", nil).want(200, nil)
	e.patch("/oauth-clients/"+oc.ID, map[string]any{}).wantError(400, "invalid", "body")
	e.patch("/oauth-clients/"+oc.ID, map[string]any{"enabled": "no"}).wantError(400, "invalid", "enabled", "boolean")

	// Access tokens expire after an hour.
	e.advance(time.Hour + time.Second)
	e.as(at.AccessToken, "GET", "/members", nil).wantError(401, "unauthorized", "", "expired")
	grant(cc, oc.ClientID, oc.ClientSecret).want(200, &at)

	// Deleting is permanent.
	e.del("/oauth-clients/"+oc.ID).want(204, nil)
	e.as(at.AccessToken, "GET", "/members", nil).wantError(401, "unauthorized", "")
	oauthErr(grant(cc, oc.ClientID, oc.ClientSecret), 401, "invalid_client")
	e.get("/oauth-clients/"+oc.ID).wantError(404, "not_found", "")
	e.del("/oauth-clients/"+oc.ID).wantError(404, "not_found", "")
}
