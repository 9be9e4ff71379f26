package localapi

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"
)

// TestAccessTokensLiveNoLongerThanAnHour: the server issues access tokens for one hour, so a
// signed token whose claims say otherwise (a bug, or a forger holding the signing key) is refused,
// whatever expiry it claims.
func TestAccessTokensLiveNoLongerThanAnHour(t *testing.T) {
	e := newEnv(t)
	var oc oauthClientT
	e.post("/oauth-clients", map[string]any{"name": "ci"}).want(201, &oc)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {oc.ClientID}, "client_secret": {oc.ClientSecret}}
	var issued accessTokenT
	e.send(req{method: "POST", path: "/oauth/token", body: form.Encode(), header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).want(200, &issued)
	e.as(issued.AccessToken, "GET", "/me", nil).want(200, nil)

	now := e.inst.Server.now()
	sign := func(iat, exp time.Time) string {
		claims, err := json.Marshal(accessClaims{Kind: kindOAuthClient, Subject: oc.ID, Org: e.orgID, Issued: iat.Unix(), Expires: exp.Unix(), Nonce: "n"})
		if err != nil {
			t.Fatal(err)
		}
		head := "oaa_" + b64.EncodeToString(claims)
		return head + "." + b64.EncodeToString(e.inst.Server.sign(head))
	}
	// The helper signs what the server would issue: such a token works.
	e.as(sign(now.Add(-time.Minute), now.Add(59*time.Minute)), "GET", "/me", nil).want(200, nil)
	parent := e.t
	defer func() { e.t = parent }()
	for name, tok := range map[string]string{
		"expiry in 2100":              sign(now, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)),
		"lives two hours":             sign(now.Add(-time.Hour), now.Add(time.Hour)),
		"one second over the hour":    sign(now, now.Add(time.Hour+time.Second)),
		"issued in the future":        sign(now.Add(2*time.Hour), now.Add(3*time.Hour)),
		"expires before it is issued": sign(now.Add(time.Minute), now.Add(30*time.Minute).Add(-time.Hour)),
	} {
		t.Run(name, func(t *testing.T) {
			e.t = t
			e.as(tok, "GET", "/me", nil).wantError(401, "unauthorized", "")
		})
	}
}
