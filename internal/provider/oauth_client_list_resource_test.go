package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestOAuthClientListResource lists 105 OAuth clients, 7 of them disabled; then, with the
// provider's credential revoked, the listing ends with the API's error.
func TestOAuthClientListResource(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	var enabled, disabled []string
	for i := range 105 {
		c, err := e.owner.OAuthClients.Create(ctx, client.OAuthClientCreateOptions{Name: fmt.Sprintf("integration %03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%15 == 4 {
			if _, err := e.owner.OAuthClients.Update(ctx, c.ID, client.OAuthClientUpdateOptions{Enabled: new(false)}); err != nil {
				t.Fatal(err)
			}
			disabled = append(disabled, c.Name)
			continue
		}
		enabled = append(enabled, c.Name)
	}
	e.requests()
	const typ = "alien_oauth_client"
	boolean := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }

	all := e.listOK(typ, nil, true, 1000)
	if got, want := displayNames(all), sorted(append(slices.Clone(enabled), disabled...)); !slices.Equal(got, want) {
		t.Errorf("every client: %s", difference(got, want))
	}
	for _, r := range all {
		m := r.Resource
		if m["name"] != r.DisplayName || m["id"] != r.Identity["id"] || !strings.HasPrefix(m["client_id"].(string), "aic_") ||
			m["client_secret"] != nil || m["enabled"] != slices.Contains(enabled, r.DisplayName) {
			t.Errorf("%s: resource %v, identity %v", r.DisplayName, m, r.Identity)
		}
	}
	e.expectRequests("listing 105", map[string]int{"GET /oauth-clients": 2})

	if got := displayNames(e.listOK(typ, map[string]tftypes.Value{"enabled": boolean(false)}, false, 1000)); !slices.Equal(got, sorted(disabled)) {
		t.Errorf("enabled = false: %s", difference(got, sorted(disabled)))
	}
	if n := len(e.listOK(typ, map[string]tftypes.Value{"enabled": boolean(true)}, false, 1000)); n != len(enabled) {
		t.Errorf("enabled = true: %d results, want %d", n, len(enabled))
	}
	e.expectRequests("the two filtered lists", map[string]int{"GET /oauth-clients": 4})

	// The provider's credential revoked: the listing ends with the API's error, which says what
	// was being listed, the status and the request id.
	me, err := e.owner.Identity.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.APITokens.Revoke(ctx, *me.TokenID); err != nil {
		t.Fatal(err)
	}
	results := e.list(typ, nil, false, 1000)
	if len(results) != 1 || len(results[0].Diagnostics) != 1 {
		t.Fatalf("with a revoked credential: %+v", results)
	}
	d := results[0].Diagnostics[0]
	if d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != "Error listing OAuth clients" ||
		!strings.Contains(d.Detail, "401 unauthorized") || !strings.Contains(d.Detail, "Request ID: ") {
		t.Errorf("with a revoked credential: %s: %s", d.Summary, d.Detail)
	}
}

// testModel is an empty value of the model of the list resource's config, which
// TestModelsMatchSchemas checks against its schema.
func (*oauthClientListResource) testModel() any { return &oauthClientListConfigModel{} }
