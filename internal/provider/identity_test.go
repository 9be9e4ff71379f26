package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestIdentity_everyResource checks that every resource the provider registers has an identity:
// alien_member its email, every other one its id, required for import.
func TestIdentity_everyResource(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "alien"}, &meta)
		withIdentity, ok := r.(fwresource.ResourceWithIdentity)
		if !ok {
			t.Errorf("%s has no identity (resource.ResourceWithIdentity)", meta.TypeName)
			continue
		}
		var resp fwresource.IdentitySchemaResponse
		withIdentity.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s: identity schema: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.IdentitySchema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: invalid identity schema: %v", meta.TypeName, diags)
		}
		want := "id"
		if meta.TypeName == "alien_member" {
			want = "email"
		}
		attrs := resp.IdentitySchema.Attributes
		if len(attrs) != 1 || attrs[want] == nil || !attrs[want].IsRequiredForImport() {
			t.Errorf("%s: identity attributes %v, want %q alone, required for import", meta.TypeName, attrs, want)
		}
	}
}

// rpcResource is one resource's schema and identity types, and how a test reads it.
type rpcResource struct {
	typeName     string
	stateType    tftypes.Type
	identityType tftypes.Type
}

func (e *rpcTestEnv) resourceTypes(typeName string) rpcResource {
	e.t.Helper()
	identities, err := e.server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	s, ok := e.schemas.ResourceSchemas[typeName]
	if !ok || identities.IdentitySchemas[typeName] == nil {
		e.t.Fatalf("no resource %s with an identity", typeName)
	}
	return rpcResource{typeName: typeName, stateType: s.ValueType(), identityType: identities.IdentitySchemas[typeName].ValueType()}
}

// rpcRead is what ReadResource answered, decoded, and as it was (to read again with, as
// Terraform's next refresh does).
type rpcRead struct {
	state, identity       map[string]any // nil: none
	diags                 []*tfprotov6.Diagnostic
	rawState, rawIdentity map[string]tftypes.Value // nil: none
	private               []byte
}

// read calls ReadResource with a state holding values (the others null), identity (nil: none)
// and private (the import's, or nil).
func (e *rpcTestEnv) read(r rpcResource, values map[string]tftypes.Value, identity map[string]tftypes.Value, private []byte) rpcRead {
	e.t.Helper()
	req := &tfprotov6.ReadResourceRequest{
		TypeName:     r.typeName,
		CurrentState: testDynamicValue(e.t, r.stateType, testObjectValue(e.t, r.stateType, values)),
		Private:      private,
	}
	if identity != nil {
		req.CurrentIdentity = &tfprotov6.ResourceIdentityData{
			IdentityData: testDynamicValue(e.t, r.identityType, testObjectValue(e.t, r.identityType, identity)),
		}
	}
	resp, err := e.server.ReadResource(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	out := rpcRead{diags: resp.Diagnostics, private: resp.Private}
	if resp.NewState != nil {
		v, err := resp.NewState.Unmarshal(r.stateType)
		if err != nil {
			e.t.Fatalf("reading %s: the new state: %v", r.typeName, err)
		}
		if !v.IsNull() {
			out.state = testDecode(e.t, resp.NewState, r.stateType)
			if err := v.As(&out.rawState); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	if resp.NewIdentity != nil && resp.NewIdentity.IdentityData != nil {
		v, err := resp.NewIdentity.IdentityData.Unmarshal(r.identityType)
		if err != nil {
			e.t.Fatalf("reading %s: the new identity: %v", r.typeName, err)
		}
		if !v.IsNull() {
			out.identity = testDecode(e.t, resp.NewIdentity.IdentityData, r.identityType)
			if err := v.As(&out.rawIdentity); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	return out
}

// importByIdentity calls ImportResourceState with an identity, then ReadResource with what it
// imported, as Terraform does for an import block with `identity`.
func (e *rpcTestEnv) importByIdentity(r rpcResource, identity map[string]tftypes.Value) rpcRead {
	e.t.Helper()
	return e.importAndRead(r, &tfprotov6.ImportResourceStateRequest{
		TypeName: r.typeName,
		Identity: &tfprotov6.ResourceIdentityData{
			IdentityData: testDynamicValue(e.t, r.identityType, testObjectValue(e.t, r.identityType, identity)),
		},
	})
}

// importByID is importByIdentity with an import id (`terraform import`, an import block's `id`).
func (e *rpcTestEnv) importByID(r rpcResource, id string) rpcRead {
	e.t.Helper()
	return e.importAndRead(r, &tfprotov6.ImportResourceStateRequest{TypeName: r.typeName, ID: id})
}

// importAndRead calls ImportResourceState, then ReadResource with what it imported.
func (e *rpcTestEnv) importAndRead(r rpcResource, req *tfprotov6.ImportResourceStateRequest) rpcRead {
	e.t.Helper()
	resp, err := e.server.ImportResourceState(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	testFailOnDiagnostics(e.t, "importing "+r.typeName, resp.Diagnostics)
	if len(resp.ImportedResources) != 1 {
		e.t.Fatalf("importing %s: %d resources", r.typeName, len(resp.ImportedResources))
	}
	imported := resp.ImportedResources[0]
	state, err := imported.State.Unmarshal(r.stateType)
	if err != nil {
		e.t.Fatal(err)
	}
	var values map[string]tftypes.Value
	if err := state.As(&values); err != nil {
		e.t.Fatal(err)
	}
	identityValue, err := imported.Identity.IdentityData.Unmarshal(r.identityType)
	if err != nil {
		e.t.Fatal(err)
	}
	var identityValues map[string]tftypes.Value
	if err := identityValue.As(&identityValues); err != nil {
		e.t.Fatal(err)
	}
	return e.read(r, values, identityValues, imported.Private)
}

// TestIdentity_readWithoutPriorIdentity reads resources whose state has no identity yet (written
// before identity existed): an object that exists gets its identity, and one that is gone leaves
// the state without error (the framework refuses a Read that ends without identity, even one
// that removes the resource).
func TestIdentity_readWithoutPriorIdentity(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	sa, err := e.owner.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: "identity-bot@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	member := e.addMember("Identity.Person@Example.com", client.RoleWriter)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	for _, c := range []struct {
		typeName string
		state    map[string]tftypes.Value
		identity map[string]any
	}{
		{"alien_service_account", map[string]tftypes.Value{"id": str(sa.ID)}, map[string]any{"id": sa.ID}},
		{"alien_member", map[string]tftypes.Value{"email": str(member.Email), "id": str(member.ID)},
			map[string]any{"email": "identity.person@example.com"}},
	} {
		got := e.read(e.resourceTypes(c.typeName), c.state, nil, nil)
		testFailOnDiagnostics(t, "reading "+c.typeName, got.diags)
		if got.state == nil || fmt.Sprint(got.identity) != fmt.Sprint(c.identity) {
			t.Errorf("%s: state %v, identity %v; want the object and identity %v", c.typeName, got.state, got.identity, c.identity)
		}
	}

	for typeName, gone := range map[string]map[string]tftypes.Value{
		"alien_organization":    {"id": str("org_aaaaaaaaaaaaaaaa")},
		"alien_member":          {"email": str("nobody@example.com"), "id": str("mem_aaaaaaaaaaaaaaaa")},
		"alien_invitation":      {"id": str("inv_aaaaaaaaaaaaaaaa"), "email": str("nobody@example.com")},
		"alien_service_account": {"id": str("sa_aaaaaaaaaaaaaaaa")},
		"alien_managed_user":    {"id": str("mu_aaaaaaaaaaaaaaaa")},
		"alien_api_token":       {"id": str("tok_aaaaaaaaaaaaaaaa")},
		"alien_oauth_client":    {"id": str("oc_aaaaaaaaaaaaaaaa")},
	} {
		got := e.read(e.resourceTypes(typeName), gone, nil, nil)
		for _, d := range got.diags {
			t.Errorf("%s gone: %s: %s: %s", typeName, d.Severity, d.Summary, d.Detail)
		}
		if got.state != nil {
			t.Errorf("%s gone: state %v, want it removed", typeName, got.state)
		}
	}
	if n := len(e.schemas.ResourceSchemas); n != 7 {
		t.Errorf("the provider has %d resources, this test reads 7: add the new one", n)
	}
}

// TestIdentity_importByIdentity imports every kind of object by identity, as an import block with
// `identity` (and `terraform query -generate-config-out`) does: the state is the object's, with
// the API's spelling of emails, and the identity stays what was given (a member's email in lower
// case). Importing 150 invited people and 150 members by email costs a few list calls, not a
// request per person.
func TestIdentity_importByIdentity(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	sa, err := e.owner.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: "Import-Bot@Example.com", Description: "imported"})
	if err != nil {
		t.Fatal(err)
	}
	mu, err := e.owner.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{Email: "import-user@example.com", FirstName: "Ada", LastName: "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := e.owner.OAuthClients.Create(ctx, client.OAuthClientCreateOptions{Name: "imported client"})
	if err != nil {
		t.Fatal(err)
	}
	scope := client.ScopeReadWrite
	tok, err := e.owner.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "imported token", ExpiresIn: client.Expiry90d, ServiceAccountID: &sa.ID, Scope: &scope})
	if err != nil {
		t.Fatal(err)
	}
	inv := e.invite("Invited.Person@Example.com", client.RoleViewer)
	// Non-ASCII emails: the identity is the key the API compares by (Unicode case folding, ß
	// folds to ss), not strings.ToLower's.
	strasse := e.invite("Straße@Example.de", client.RoleViewer)
	jose := e.invite("JOSÉ@example.com", client.RoleWriter)
	me, err := e.owner.Identity.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		typeName     string
		identity     map[string]tftypes.Value
		want         map[string]any
		wantIdentity string // alien_member's identity email; the others keep the id given
	}{
		{"alien_organization", map[string]tftypes.Value{"id": str(me.Organization.ID)}, map[string]any{"id": me.Organization.ID, "plan": "enterprise", "bootstrap_token": nil}, ""},
		{"alien_service_account", map[string]tftypes.Value{"id": str(sa.ID)}, map[string]any{"email": "Import-Bot@Example.com", "description": "imported", "active": true}, ""},
		{"alien_managed_user", map[string]tftypes.Value{"id": str(mu.ID)}, map[string]any{"first_name": "Ada", "password_reset_trigger": nil}, ""},
		{"alien_oauth_client", map[string]tftypes.Value{"id": str(oc.ID)}, map[string]any{"name": "imported client", "client_secret": nil}, ""},
		{"alien_api_token", map[string]tftypes.Value{"id": str(tok.ID)}, map[string]any{"name": "imported token", "scope": "read_write", "token": nil, "keepers": nil}, ""},
		{"alien_invitation", map[string]tftypes.Value{"id": str(inv.ID)}, map[string]any{"email": inv.Email, "status": "pending"}, ""},
		{"alien_member", map[string]tftypes.Value{"email": str("invited.person@example.com")},
			map[string]any{"id": inv.ID, "email": "Invited.Person@Example.com", "status": "invited", "invitation_id": inv.ID},
			"invited.person@example.com"},
		{"alien_member", map[string]tftypes.Value{"email": str("INVITED.person@example.com")},
			map[string]any{"email": "Invited.Person@Example.com", "status": "invited"}, "invited.person@example.com"},
		{"alien_member", map[string]tftypes.Value{"email": str("strasse@example.de")},
			map[string]any{"id": strasse.ID, "email": "Straße@Example.de", "status": "invited", "invitation_id": strasse.ID},
			"strasse@example.de"},
		{"alien_member", map[string]tftypes.Value{"email": str("STRASSE@example.de")},
			map[string]any{"id": strasse.ID, "email": "Straße@Example.de", "status": "invited"}, "strasse@example.de"},
		{"alien_member", map[string]tftypes.Value{"email": str("straße@EXAMPLE.de")},
			map[string]any{"id": strasse.ID, "email": "Straße@Example.de"}, "strasse@example.de"},
		{"alien_member", map[string]tftypes.Value{"email": str("josé@example.com")},
			map[string]any{"id": jose.ID, "email": "JOSÉ@example.com", "status": "invited", "role": "writer"}, "josé@example.com"},
		{"alien_member", map[string]tftypes.Value{"email": str("JOSE\u0301@Example.COM")},
			map[string]any{"id": jose.ID, "email": "JOSÉ@example.com"}, "josé@example.com"},
	} {
		got := e.importByIdentity(e.resourceTypes(c.typeName), c.identity)
		testFailOnDiagnostics(t, "reading the imported "+c.typeName, got.diags)
		for k, v := range c.want {
			if got.state[k] != v {
				t.Errorf("%s imported by identity %v: %s = %v, want %v", c.typeName, c.identity, k, got.state[k], v)
			}
		}
		for k, v := range c.identity {
			var want string
			if err := v.As(&want); err != nil {
				t.Fatal(err)
			}
			if c.wantIdentity != "" {
				want = c.wantIdentity
			}
			if got.identity[k] != want || len(got.identity) != 1 {
				t.Errorf("%s imported by identity %v: identity %v, want %s = %q", c.typeName, c.identity, got.identity, k, want)
			}
		}
	}

	// An email given as the import id keeps its spelling (the configuration's, presumably); the
	// identity is the same.
	for _, given := range []string{"invited.person@example.com", "INVITED.PERSON@example.com"} {
		got := e.importByID(e.resourceTypes("alien_member"), given)
		testFailOnDiagnostics(t, "reading the imported "+given, got.diags)
		if got.state["email"] != given || got.state["id"] != inv.ID || got.identity["email"] != "invited.person@example.com" {
			t.Errorf("imported by the id %q: state %v, identity %v", given, got.state, got.identity)
		}
	}

	// 150 invited people and 150 members, each imported by identity then read, as the first plan
	// of a generated configuration does: a few list calls in all.
	var emails []string
	for i := range 150 {
		emails = append(emails, e.invite(fmt.Sprintf("pending-%03d@example.com", i), client.RoleViewer).Email)
		emails = append(emails, e.addMember(fmt.Sprintf("active-%03d@example.com", i), client.RoleWriter).Email)
	}
	// A fresh provider process: nothing cached yet.
	fresh := startRPCTestEnvFor(t, e.inst)
	fresh.requests()
	r := fresh.resourceTypes("alien_member")
	for _, email := range emails {
		got := fresh.importByIdentity(r, map[string]tftypes.Value{"email": str(email)})
		testFailOnDiagnostics(t, "reading the imported "+email, got.diags)
		want := "invited"
		if strings.HasPrefix(email, "active-") {
			want = "active"
		}
		if got.state["status"] != want || got.state["email"] != email {
			t.Fatalf("%s imported: %v", email, got.state)
		}
	}
	// Invitations: 153 pending and 150 accepted (303, 4 pages); members: 151 (2 pages).
	fresh.expectRequests("importing 300 people by identity", map[string]int{"GET /invitations": 4, "GET /members": 2})
}

// TestIdentity_memberInvitationToMembership follows one alien_member from invitation to
// membership, as Terraform sees it: imported by identity while invited, then refreshed (by the
// next run's provider process) with that state and identity after the person accepted. The identity (the email's key) does not change,
// though the object behind it does (the invitation's id becomes the member's).
func TestIdentity_memberInvitationToMembership(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	const email = "Straße.Joiner@Example.de"
	inv := e.invite(email, client.RoleWriter)
	r := e.resourceTypes("alien_member")

	imported := e.importByIdentity(r, map[string]tftypes.Value{"email": tftypes.NewValue(tftypes.String, "STRASSE.joiner@example.de")})
	testFailOnDiagnostics(t, "reading the imported invitation", imported.diags)
	if imported.state["id"] != inv.ID || imported.state["status"] != "invited" || imported.state["email"] != email ||
		fmt.Sprint(imported.identity) != "map[email:strasse.joiner@example.de]" {
		t.Fatalf("imported while invited: state %v, identity %v", imported.state, imported.identity)
	}

	member := e.accept(email)
	if !strings.HasPrefix(member.ID, "mem_") {
		t.Fatalf("accepted: member id %q", member.ID)
	}
	// The next plan: a new provider process (this one's read cache holds the invitation pending).
	fresh := startRPCTestEnvFor(t, e.inst)
	got := fresh.read(fresh.resourceTypes("alien_member"), imported.rawState, imported.rawIdentity, imported.private)
	testFailOnDiagnostics(t, "refreshing after the invitation was accepted", got.diags)
	if fmt.Sprint(got.identity) != "map[email:strasse.joiner@example.de]" {
		t.Errorf("the identity changed from invitation to membership: %v, want map[email:strasse.joiner@example.de]", got.identity)
	}
	for k, v := range map[string]any{"id": member.ID, "status": "active", "email": email, "role": "writer", "invitation_id": nil} {
		if got.state[k] != v {
			t.Errorf("refreshed after the invitation was accepted: %s = %v, want %v (state %v)", k, got.state[k], v, got.state)
		}
	}
}

// TestAccIdentity_createAndImportBlock creates one resource of every kind and checks each one's
// identity in state, then imports each with an import block that gives the identity instead of an
// id (Terraform 1.12 and later): the plan imports it with no change, and the identity is the one
// it was created with.
func TestAccIdentity_createAndImportBlock(t *testing.T) {
	testAccPreCheck(t)
	testAccRequireCLI(t, "resource identity (Terraform 1.12 and later, OpenTofu 1.12 and later)",
		testAccCLIHasIdentity)
	t.Parallel()
	email := "Identity." + strings.TrimPrefix(testAccRandomEmail("person"), "person")
	config := fmt.Sprintf(`
resource "alien_organization" "org" {
  name = %[1]q
}

resource "alien_member" "person" {
  email = %[2]q
  role  = "viewer"
}

resource "alien_invitation" "guest" {
  email = %[3]q
  role  = "viewer"
}

resource "alien_service_account" "robot" {
  email       = %[4]q
  description = "identity"
}

resource "alien_managed_user" "user" {
  email      = %[5]q
  first_name = "Id"
  last_name  = "Entity"
}

resource "alien_api_token" "token" {
  name               = %[1]q
  expires_in         = "90d"
  service_account_id = alien_service_account.robot.id
  scope              = "read"
}

resource "alien_oauth_client" "client" {
  name = %[1]q
}
`, testAccRandomName("identity"), email, testAccRandomEmail("identity-guest"), testAccRandomEmail("identity-robot"),
		testAccRandomEmail("identity-user"))

	addresses := []string{"alien_organization.org", "alien_member.person", "alien_invitation.guest",
		"alien_service_account.robot", "alien_managed_user.user", "alien_api_token.token", "alien_oauth_client.client"}
	var checks []statecheck.StateCheck
	for _, addr := range addresses {
		if addr == "alien_member.person" {
			checks = append(checks, statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
				"email": knownvalue.StringExact(strings.ToLower(email)),
			}))
			continue
		}
		checks = append(checks, statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")))
	}
	steps := []resource.TestStep{{Config: config, ConfigStateChecks: checks}}
	for _, addr := range addresses {
		steps = append(steps, resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
