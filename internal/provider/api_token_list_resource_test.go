package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestAPITokenListResource lists an organization's tokens: 6 organization keys, 130 active
// service-account tokens of two service accounts, 2 tokens revoked when their service account was
// deactivated, 1 revoked by hand and 2 expired. Active tokens only unless asked; display names
// name the owner; the values are never there.
func TestAPITokenListResource(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	sa := map[string]*client.ServiceAccount{}
	for _, name := range []string{"alpha", "beta", "gamma"} {
		s, err := e.owner.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: name + "-bot@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		sa[name] = s
	}
	issue := func(name string, expiry client.Expiry, owner string, scope client.TokenScope) *client.APITokenCreated {
		t.Helper()
		opts := client.APITokenCreateOptions{Name: name, ExpiresIn: expiry}
		if owner != "" {
			opts.ServiceAccountID, opts.Scope = &sa[owner].ID, &scope
		}
		tok, err := e.owner.APITokens.Create(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// Expire two tokens: issued with 30 days, then the clock moves 31 days.
	expired := []string{issue("short-1", client.Expiry30d, "alpha", client.ScopeRead).ID, issue("short-2", client.Expiry30d, "", "").ID}
	if _, err := client.Local(e.owner).AdvanceClock(ctx, 31*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	activeNames := map[string]string{} // id → display name
	var orgKeys, alphaTokens []string
	bootstrap, err := e.owner.Identity.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	activeNames[*bootstrap.TokenID] = "bootstrap (organization key)"
	orgKeys = append(orgKeys, *bootstrap.TokenID)
	for i := range 5 {
		tok := issue(fmt.Sprintf("key-%d", i), client.Expiry1y, "", "")
		activeNames[tok.ID], orgKeys = tok.Name+" (organization key)", append(orgKeys, tok.ID)
	}
	var used *client.APITokenCreated
	for i := range 130 {
		owner, scope := "alpha", client.ScopeRead
		if i%2 == 1 {
			owner, scope = "beta", client.ScopeReadWrite
		}
		tok := issue(fmt.Sprintf("ci-%03d", i), []client.Expiry{client.ExpiryNever, client.Expiry90d}[i%2], owner, scope)
		activeNames[tok.ID] = tok.Name + " (" + owner + "-bot@example.com)"
		if owner == "alpha" {
			alphaTokens = append(alphaTokens, tok.ID)
		}
		used = tok
	}
	var revoked []string
	for i := range 2 {
		revoked = append(revoked, issue(fmt.Sprintf("gamma-%d", i), client.ExpiryNever, "gamma", client.ScopeRead).ID)
	}
	if _, err := e.owner.ServiceAccounts.Deactivate(ctx, sa["gamma"].ID); err != nil {
		t.Fatal(err)
	}
	byHand := issue("revoked-by-hand", client.ExpiryNever, "", "").ID
	if err := e.owner.APITokens.Revoke(ctx, byHand); err != nil {
		t.Fatal(err)
	}
	revoked = append(revoked, byHand)
	// One token authenticates a request: its last_used_at is set.
	clockNow, err := client.Local(e.owner).Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	user, err := client.New(client.Config{Endpoint: e.inst.URL, Token: used.Token, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := user.Identity.Read(ctx); err != nil {
		t.Fatal(err)
	}
	e.requests()

	const typ = "alien_api_token"
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	ids := func(results []listTestResult) []string { return sorted(identityValues(results, "id")) }

	// Active only, with the owner in the display name: tokens page by page, and one list of
	// service accounts for their emails.
	results := e.listOK(typ, nil, false, 1000)
	var wantIDs []string
	for id := range activeNames {
		wantIDs = append(wantIDs, id)
	}
	if got := ids(results); !slices.Equal(got, sorted(wantIDs)) {
		t.Errorf("active tokens: %s", difference(got, sorted(wantIDs)))
	}
	for _, r := range results {
		if want := activeNames[r.Identity["id"].(string)]; r.DisplayName != want {
			t.Errorf("token %s: display name %q, want %q", r.Identity["id"], r.DisplayName, want)
		}
	}
	e.expectRequests("listing 136 active tokens", map[string]int{"GET /api-tokens": 2, "GET /service-accounts": 1})

	// The service accounts' snapshot serves the next listings too, while it is fresh (30 s).
	tokenPages := func(what string, want int) {
		t.Helper()
		got := e.requests()
		if got["GET /api-tokens"] != want || got["GET /service-accounts"] > 1 || len(got) > 2 {
			t.Errorf("%s made the requests %v, want %d list calls of tokens and at most one of service accounts", what, got, want)
		}
	}
	if n := len(e.listOK(typ, nil, false, 20)); n != 20 {
		t.Errorf("limit 20: %d results", n)
	}
	tokenPages("limit 20", 1)

	for _, c := range []struct {
		name   string
		config map[string]tftypes.Value
		want   []string
	}{
		{"revoked", map[string]tftypes.Value{"status": str("revoked")}, revoked},
		{"expired", map[string]tftypes.Value{"expired": tftypes.NewValue(tftypes.Bool, true)}, expired},
		{"status expired", map[string]tftypes.Value{"status": str("expired")}, expired},
		{"organization keys", map[string]tftypes.Value{"kind": str("organization_key")}, orgKeys},
		{"alpha's", map[string]tftypes.Value{"service_account_id": str(sa["alpha"].ID)}, alphaTokens},
		{"not used since", map[string]tftypes.Value{
			"service_account_id": str(sa["beta"].ID), "status": str("active"),
			"not_used_since": str(clockNow.Now.Add(-time.Minute).Format(time.RFC3339)),
		}, func() []string {
			var out []string
			for id, name := range activeNames {
				if id != used.ID && name[len(name)-len("(beta-bot@example.com)"):] == "(beta-bot@example.com)" {
					out = append(out, id)
				}
			}
			return out
		}()},
	} {
		if got, want := ids(e.listOK(typ, c.config, false, 1000)), sorted(c.want); !slices.Equal(got, want) {
			t.Errorf("%s: %s", c.name, difference(got, want))
		}
	}
	e.requests()

	// The resource objects: what alien_api_token imports, never a value.
	full := e.listOK(typ, map[string]tftypes.Value{"service_account_id": str(sa["beta"].ID)}, true, 2)
	if len(full) != 2 {
		t.Fatalf("limit 2 with include_resource: %d results", len(full))
	}
	for i, want := range []map[string]any{
		{"name": "ci-001", "expires_in": "90d", "scope": "read_write", "service_account_id": sa["beta"].ID, "kind": "service_account_token"},
		{"name": "ci-003", "expires_in": "90d", "scope": "read_write", "status": "active"},
	} {
		got := full[i].Resource
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", full[i].DisplayName, k, got[k], v)
			}
		}
		for _, k := range []string{"token", "rotate_before", "keepers"} {
			if got[k] != nil {
				t.Errorf("%s: %s = %v, want null", full[i].DisplayName, k, got[k])
			}
		}
		if got["id"] != full[i].Identity["id"] || got["created_at"] == nil || got["expires_at"] == nil {
			t.Errorf("%s: resource %v", full[i].DisplayName, got)
		}
	}
	tokenPages("two tokens of beta", 1)

	// A configuration the validators refuse never reaches the API.
	bad := e.list(typ, map[string]tftypes.Value{"not_used_since": str("yesterday")}, false, 10)
	if len(bad) != 1 || len(bad[0].Diagnostics) == 0 || bad[0].Diagnostics[0].Summary != "Invalid not_used_since" {
		t.Errorf("not_used_since = yesterday: %+v", bad)
	}
	e.expectRequests("an invalid not_used_since", map[string]int{})
}

// TestAPITokenListResourceDowngraded lists the tokens of an organization moved off the Enterprise
// plan: its service accounts can no longer be listed or read, so the display names show their
// ids, and each service account costs one failed list and one failed read per listing, not two
// per token.
func TestAPITokenListResourceDowngraded(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	want := map[string]string{} // id → display name
	for _, owner := range []string{"alpha", "beta"} {
		sa, err := e.owner.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: owner + "-bot@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		scope := client.ScopeRead
		for i := range 3 {
			tok, err := e.owner.APITokens.Create(ctx, client.APITokenCreateOptions{
				Name: fmt.Sprintf("%s-%d", owner, i), ExpiresIn: client.ExpiryNever, ServiceAccountID: &sa.ID, Scope: &scope,
			})
			if err != nil {
				t.Fatal(err)
			}
			want[tok.ID] = tok.Name + " (" + sa.ID + ")"
		}
	}
	me, err := e.owner.Identity.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want[*me.TokenID] = "bootstrap (organization key)"
	if _, err := client.Local(e.owner).SetPlan(ctx, me.Organization.ID, client.PlanTeam); err != nil {
		t.Fatal(err)
	}
	e = startRPCTestEnvFor(t, e.inst) // a provider with nothing cached from the Enterprise days
	e.requests()

	results := e.listOK("alien_api_token", nil, false, 100)
	if len(results) != len(want) {
		t.Errorf("%d results, want %d", len(results), len(want))
	}
	for _, r := range results {
		if w := want[r.Identity["id"].(string)]; r.DisplayName != w {
			t.Errorf("token %s: display name %q, want %q", r.Identity["id"], r.DisplayName, w)
		}
	}
	e.expectRequests("listing the tokens of two service accounts after a downgrade", map[string]int{
		"GET /api-tokens": 1, "GET /service-accounts": 2, "GET /service-accounts/{service_account_id}": 2,
	})
}

// testModel is an empty value of the model of the list resource's config, which
// TestModelsMatchSchemas checks against its schema.
func (*apiTokenListResource) testModel() any { return &apiTokenListConfigModel{} }
