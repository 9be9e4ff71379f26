package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestServiceAccountListResource lists 230 service accounts, 30 of them locked: filters, limit,
// include_resource and the requests.
func TestServiceAccountListResource(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	var all, locked []string
	ids := map[string]string{}
	for i := range 230 {
		email := fmt.Sprintf("robot-%03d@example.com", i)
		if i == 7 {
			email = "Robot-Mixed@Example.com"
		}
		sa, err := e.owner.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: email, Description: fmt.Sprintf("robot %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%8 == 0 && len(locked) < 30 {
			if _, err := e.owner.ServiceAccounts.Deactivate(ctx, sa.ID); err != nil {
				t.Fatal(err)
			}
			locked = append(locked, email)
		}
		all = append(all, email)
		ids[email] = sa.ID
	}
	e.requests()
	const typ = "alien_service_account"
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	results := e.listOK(typ, nil, false, 1000)
	if got := displayNames(results); !slices.Equal(got, sorted(all)) {
		t.Errorf("every service account: %s", difference(got, sorted(all)))
	}
	for _, r := range results {
		if r.Identity["id"] != ids[r.DisplayName] || r.Resource != nil {
			t.Errorf("%s: identity %v, resource %v; want id %s and no resource", r.DisplayName, r.Identity, r.Resource, ids[r.DisplayName])
		}
	}
	e.expectRequests("listing 230", map[string]int{"GET /service-accounts": 3})

	if n := len(e.listOK(typ, nil, false, 100)); n != 100 {
		t.Errorf("limit 100: %d results", n)
	}
	e.expectRequests("limit 100", map[string]int{"GET /service-accounts": 1})

	lockedResults := e.listOK(typ, map[string]tftypes.Value{"status": str("locked")}, true, 1000)
	if got := displayNames(lockedResults); !slices.Equal(got, sorted(locked)) {
		t.Errorf("status locked: %s", difference(got, sorted(locked)))
	}
	for _, r := range lockedResults {
		if r.Resource["active"] != false || r.Resource["status"] != "locked" || r.Resource["locked_at"] == nil ||
			!strings.HasPrefix(r.Resource["description"].(string), "robot ") {
			t.Errorf("%s: resource object %v, want a locked service account with its description", r.DisplayName, r.Resource)
		}
	}
	e.expectRequests("status locked", map[string]int{"GET /service-accounts": 1})

	one := e.listOK(typ, map[string]tftypes.Value{"email": str("robot-mixed@EXAMPLE.com"), "status": str("active")}, true, 1000)
	if len(one) != 1 || one[0].DisplayName != "Robot-Mixed@Example.com" || one[0].Resource["email"] != "Robot-Mixed@Example.com" ||
		one[0].Resource["active"] != true || one[0].Resource["id"] != ids["Robot-Mixed@Example.com"] {
		t.Errorf("by email: %+v", one)
	}
}

// testModel is an empty value of the model of the list resource's config, which
// TestModelsMatchSchemas checks against its schema.
func (*serviceAccountListResource) testModel() any { return &orgUserListConfigModel{} }
