package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestManagedUserListResource lists 120 managed users, 5 of them locked: filters, include_resource
// (password_reset_trigger, the configuration's own, is null) and the requests.
func TestManagedUserListResource(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	var all, locked []string
	for i := range 120 {
		mu, err := e.owner.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{
			Email: fmt.Sprintf("user-%03d@example.com", i), FirstName: "First", LastName: fmt.Sprintf("Last%d", i),
		})
		if err != nil {
			t.Fatal(err)
		}
		if i%24 == 3 {
			if _, err := e.owner.ManagedUsers.Deactivate(ctx, mu.ID); err != nil {
				t.Fatal(err)
			}
			locked = append(locked, mu.Email)
		}
		all = append(all, mu.Email)
	}
	e.requests()
	const typ = "alien_managed_user"
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	results := e.listOK(typ, nil, true, 1000)
	if got := displayNames(results); !slices.Equal(got, sorted(all)) {
		t.Errorf("every managed user: %s", difference(got, sorted(all)))
	}
	for _, r := range results {
		if r.Resource["last_name"] == nil || r.Resource["first_name"] != "First" || r.Resource["password_reset_trigger"] != nil ||
			r.Resource["id"] != r.Identity["id"] || r.Resource["password_set"] != false {
			t.Errorf("%s: resource %v, identity %v", r.DisplayName, r.Resource, r.Identity)
		}
	}
	e.expectRequests("listing 120", map[string]int{"GET /managed-users": 2})

	active := e.listOK(typ, map[string]tftypes.Value{"status": str("active")}, false, 1000)
	if len(active) != 115 {
		t.Errorf("status active: %d results, want 115", len(active))
	}
	lockedResults := e.listOK(typ, map[string]tftypes.Value{"status": str("locked")}, false, 1000)
	if got := displayNames(lockedResults); !slices.Equal(got, sorted(locked)) {
		t.Errorf("status locked: %s", difference(got, sorted(locked)))
	}
	e.expectRequests("the two filtered lists", map[string]int{"GET /managed-users": 3})
}

// testModel is an empty value of the model of the list resource's config, which
// TestModelsMatchSchemas checks against its schema.
func (*managedUserListResource) testModel() any { return &orgUserListConfigModel{} }
