package converge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

func TestMix200(t *testing.T) {
	total := 0
	names := map[string]bool{}
	for _, b := range Mix200() {
		total += b.Count
		if names[b.Name] {
			t.Errorf("two blocks are named %s", b.Name)
		}
		names[b.Name] = true
		if got := len(b.Keys()); got != b.Count {
			t.Errorf("%s: %d keys, want %d", b.Name, got, b.Count)
		}
		if !strings.Contains(Resources([]Block{b}), `resource "`+b.Type+`" "`+b.Name+`" {`) {
			t.Errorf("Resources has no block for %s.%s", b.Type, b.Name)
		}
		if _, ok := liveLists()[b.Type]; !ok {
			t.Errorf("Live cannot list the live objects of %s (liveLists has no entry)", b.Type)
		}
		if why, ok := Outside()[b.Type]; ok {
			t.Errorf("%s is in the mix and in Outside (%s)", b.Type, why)
		}
	}
	if total != 200 {
		t.Errorf("the mix declares %d resources, want 200", total)
	}
	if got := (Block{"alien_member", "m", 2, "p-"}).Keys(); !slices.Equal(got, []string{"p-0@example.com", "p-1@example.com"}) {
		t.Errorf("member keys = %v", got)
	}
	if got := (Block{"alien_api_token", "t", 1, "p-"}).Keys(); !slices.Equal(got, []string{"p-0"}) {
		t.Errorf("token keys = %v", got)
	}
}

func TestParseShowJSON(t *testing.T) {
	out := `{"values":{"root_module":{"resources":[
		{"address":"alien_api_token.org_key[0]","mode":"managed","type":"alien_api_token","name":"org_key","values":{"id":"tok_1","token":"oat_x.y","expires_at":null,"keepers":{"a":"b"}}},
		{"address":"alien_api_token.org_key[1]","mode":"managed","type":"alien_api_token","name":"org_key","values":{"id":"tok_2"}},
		{"address":"data.alien_members.all","mode":"data","type":"alien_members","name":"all","values":{"id":"x"}}]}}}`
	state, err := ParseShowJSON([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(state) != 1 || len(state["org_key"]) != 2 {
		t.Fatalf("state = %v, want the two managed instances of org_key", state)
	}
	first := state["org_key"][0]
	if first.Address != "alien_api_token.org_key[0]" || first.Attrs["id"] != "tok_1" || first.Attrs["token"] != "oat_x.y" || len(first.Attrs) != 2 {
		t.Errorf("first instance = %+v", first)
	}
	if empty, err := ParseShowJSON([]byte(`{"format_version":"1.0"}`)); err != nil || len(empty) != 0 {
		t.Errorf("an empty state = %v, %v", empty, err)
	}
	if _, err := ParseShowJSON([]byte("not json")); err == nil {
		t.Error("want an error for a document that is not JSON")
	}
}

func TestCreations(t *testing.T) {
	got := Creations(map[string]int{
		"POST /api-tokens":       3,
		"POST /service-accounts": 2,
		"POST /service-accounts/{service_account_id}/deactivate": 5,
		"POST /_local/clock": 7,
		"GET /api-tokens":    11,
	})
	if got != 5 {
		t.Errorf("Creations = %d, want 5", got)
	}
}

// TestCheck proves that each check can fail: a converged organization passes, then each kind of
// disagreement is reported.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	inst, err := localapi.Start(ctx, "127.0.0.1:0", localapi.Config{DBPath: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Close() })
	c, err := client.New(client.Config{Endpoint: inst.URL, Token: inst.Bootstrap.Token})
	if err != nil {
		t.Fatal(err)
	}
	blocks := []Block{
		{"alien_service_account", "sa", 2, "t-sa-"},
		{"alien_api_token", "org_key", 2, "t-key-"},
		{"alien_member", "member", 1, "t-member-"},
		{"alien_oauth_client", "oauth", 1, "t-oauth-"},
	}
	state := State{}
	put := func(name, address string, attrs map[string]string) {
		state[name] = append(state[name], Instance{Address: address, Attrs: attrs})
	}
	for i, k := range blocks[0].Keys() {
		sa, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: k})
		if err != nil {
			t.Fatal(err)
		}
		put("sa", fmt.Sprintf("alien_service_account.sa[%d]", i), map[string]string{"id": sa.ID})
	}
	tokens := map[string]*client.APITokenCreated{}
	for i, k := range blocks[1].Keys() {
		tok, err := c.APITokens.Create(ctx, client.APITokenCreateOptions{Name: k, ExpiresIn: client.ExpiryNever})
		if err != nil {
			t.Fatal(err)
		}
		tokens[k] = tok
		put("org_key", fmt.Sprintf("alien_api_token.org_key[%d]", i), map[string]string{"id": tok.ID, "token": tok.Token})
	}
	inv, err := c.Invitations.Create(ctx, client.InvitationCreateOptions{Email: "T-Member-0@example.com", Role: client.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	put("member", "alien_member.member[0]", map[string]string{"id": inv.ID})
	oc, err := c.OAuthClients.Create(ctx, client.OAuthClientCreateOptions{Name: "t-oauth-0"})
	if err != nil {
		t.Fatal(err)
	}
	put("oauth", "alien_oauth_client.oauth[0]", map[string]string{"id": oc.ID, "client_id": oc.ClientID, "client_secret": oc.ClientSecret})

	out, err := Check(ctx, c, blocks, state)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Problems) != 0 || out.Declared != 6 || out.Live != 6 || out.Tokens != 2 || out.TokensOK != 2 || out.Secrets != 1 || out.SecretsOK != 1 {
		t.Fatalf("a converged organization: %+v", out)
	}

	// Every kind of disagreement: a duplicate token (an orphan too), an undeclared service account
	// (an orphan too), a revoked token (missing, stale, its secret refused), a wrong client secret,
	// an instance missing from state.
	if _, err := c.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "t-key-0", ExpiresIn: client.ExpiryNever}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: "t-sa-9@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := c.APITokens.Revoke(ctx, tokens["t-key-1"].ID); err != nil {
		t.Fatal(err)
	}
	state["oauth"][0].Attrs["client_secret"] += "x"
	state["sa"] = state["sa"][:1]

	out, err = Check(ctx, c, blocks, state)
	if err != nil {
		t.Fatal(err)
	}
	if out.Duplicates != 1 || len(out.Orphans) != 3 || out.Missing != 1 || out.Stale != 1 || out.TokensOK != 1 || out.SecretsOK != 0 {
		t.Errorf("outcome = %+v", out)
	}
	want := []string{
		"alien_service_account.sa: t-sa-9@example.com (", // not declared, and an orphan
		"alien_service_account.sa: t-sa-1@example.com (", // dropped from state: an orphan
		"alien_service_account.sa: 1 instances in state, want 2",
		"alien_api_token.org_key: 2 live objects for t-key-0 (duplicates)",
		"alien_api_token.org_key: nothing live for t-key-1",
		"alien_api_token.org_key: " + tokens["t-key-1"].ID + " is in state but not live",
		"alien_api_token.org_key[1]: the token in state does not work",
		"alien_oauth_client.oauth[0]: the client secret in state does not work",
	}
	all := strings.Join(out.Problems, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no problem says %q; problems:\n%s", w, all)
		}
	}
	for _, o := range out.Orphans {
		if !strings.Contains(o, "is live but not in state") {
			t.Errorf("orphan %q", o)
		}
	}
	for _, secret := range []string{tokens["t-key-1"].Token, oc.ClientSecret} {
		if strings.Contains(all, secret) {
			t.Errorf("a problem shows a secret in state")
		}
	}
}
