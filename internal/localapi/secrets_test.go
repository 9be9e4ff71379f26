package localapi

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// TestDatabaseHoldsNoSecret scans every value of every table for every secret handed out: API
// tokens (also their secret part, raw and encoded), bootstrap tokens, re-keyed replays, OAuth
// client secrets, access tokens and managed users' passwords.
func TestDatabaseHoldsNoSecret(t *testing.T) {
	e := newEnv(t)
	secrets := []string{e.token}
	sa := e.createSA(e.token, "bot@example.com")
	for _, body := range []map[string]any{
		{"name": "key", "expires_in": "never"},
		{"name": "sa", "expires_in": "30d", "service_account_id": sa.ID, "scope": "api-secret"},
	} {
		secrets = append(secrets, e.createToken(e.token, body).Token)
	}
	for i := 0; i < 2; i++ { // a first answer and a replay, each with its own secret
		var tok tokenT
		e.postKey(e.token, "/api-tokens", "tok", map[string]any{"name": "replayed", "expires_in": "1y"}).want(201, &tok)
		var org orgCreatedT
		e.postKey(e.token, "/organizations", "org", map[string]any{"name": "Other"}).want(201, &org)
		var oc oauthClientT
		e.postKey(e.token, "/oauth-clients", "oc", map[string]any{"name": "c"}).want(201, &oc)
		secrets = append(secrets, tok.Token, org.BootstrapToken, oc.ClientSecret)
	}
	var oc oauthClientT
	e.post("/oauth-clients", map[string]any{"name": "grant"}).want(201, &oc)
	hr, _ := http.NewRequest("POST", e.url+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.SetBasicAuth(oc.ClientID, oc.ClientSecret)
	res, err := e.http.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	var at accessTokenT
	(&resp{t: t, req: "POST /oauth/token", status: res.StatusCode, header: res.Header, body: readAll(t, res)}).want(200, &at)
	secrets = append(secrets, oc.ClientSecret, at.AccessToken)
	const password = "a very secret password"
	var mu muT
	e.post("/managed-users", map[string]any{"email": "m@example.com", "first_name": "M", "last_name": "U"}).want(201, &mu)
	e.send(req{method: "POST", path: "/reset-password", body: map[string]any{"token": e.lastLinkToken("m@example.com", "password_reset"), "password": password}}).want(204, nil)
	e.send(req{method: "POST", path: "/login", body: map[string]any{"email": "m@example.com", "password": password}}).want(200, &at)
	secrets = append(secrets, password, at.AccessToken)

	// Every form of each secret that must not be stored.
	var needles []string
	for _, s := range secrets {
		needles = append(needles, s)
		if rest, ok := strings.CutPrefix(s, "oat_"); ok {
			_, secretPart, _ := strings.Cut(rest, ".")
			raw, err := base64.RawURLEncoding.DecodeString(secretPart)
			if err != nil {
				t.Fatal(err)
			}
			needles = append(needles, secretPart, string(raw))
		}
	}
	scanned := 0
	err = e.inst.Server.db.Read(context.Background(), func(tx *store.Tx) error {
		tables, err := tx.Tables()
		if err != nil {
			return err
		}
		for _, table := range tables {
			values, err := tx.DumpTable(table)
			if err != nil {
				return err
			}
			for _, v := range values {
				scanned++
				for _, n := range needles {
					if strings.Contains(v, n) {
						t.Errorf("table %s holds a secret", table)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 100 {
		t.Fatalf("only %d values scanned: the scan proves little", scanned)
	}
}

func readAll(t *testing.T, res *http.Response) []byte {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
