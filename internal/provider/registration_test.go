package provider

// What the provider registers, checked without a list kept by hand beside the registration
// itself: every registered resource, data source and ephemeral resource is checked against its
// model, the pinned names of PRODUCT.md are exactly what is registered, and the convergence check
// covers every resource. Each check fails naming the registration it misses.
//
// A new kind of registration (list resources, actions: provider.ProviderWithListResources,
// provider.ProviderWithActions) is one more case in testRegistrations and one more entry in
// testModelChecks; every check below then covers it.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/converge"
)

// The kinds of registration.
const (
	kindResource          = "resource"
	kindDataSource        = "data source"
	kindEphemeralResource = "ephemeral resource"
	kindListResource      = "list resource"
	kindAction            = "action"
)

// testRegistration is one type the provider registers.
type testRegistration struct {
	kind     string // kindResource, ...
	typeName string // "alien_member"
	value    any    // the resource.Resource, datasource.DataSource, ...
}

// testRegistrations is what the provider registers, of every kind it implements, in the order it
// registers them.
func testRegistrations(t *testing.T) []testRegistration {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var out []testRegistration
	for _, f := range p.Resources(ctx) {
		r := f()
		var resp resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "alien"}, &resp)
		out = append(out, testRegistration{kindResource, resp.TypeName, r})
	}
	for _, f := range p.DataSources(ctx) {
		d := f()
		var resp datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "alien"}, &resp)
		out = append(out, testRegistration{kindDataSource, resp.TypeName, d})
	}
	if pe, ok := p.(provider.ProviderWithEphemeralResources); ok {
		for _, f := range pe.EphemeralResources(ctx) {
			e := f()
			var resp ephemeral.MetadataResponse
			e.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "alien"}, &resp)
			out = append(out, testRegistration{kindEphemeralResource, resp.TypeName, e})
		}
	}
	if pl, ok := p.(provider.ProviderWithListResources); ok {
		for _, f := range pl.ListResources(ctx) {
			l := f()
			var resp resource.MetadataResponse
			l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "alien"}, &resp)
			out = append(out, testRegistration{kindListResource, resp.TypeName, l})
		}
	}
	if pa, ok := p.(provider.ProviderWithActions); ok {
		for _, f := range pa.Actions(ctx) {
			a := f()
			var resp action.MetadataResponse
			a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: "alien"}, &resp)
			out = append(out, testRegistration{kindAction, resp.TypeName, a})
		}
	}
	return out
}

// testPinnedNames are the names PRODUCT.md pins, by kind: users' configurations depend on them.
// Every kind is registered: a pinned kind with nothing registered fails too.
var testPinnedNames = map[string][]string{
	kindResource: {"alien_organization", "alien_member", "alien_invitation", "alien_service_account",
		"alien_managed_user", "alien_api_token", "alien_oauth_client"},
	kindDataSource: {"alien_current_identity", "alien_organization", "alien_members", "alien_service_accounts",
		"alien_managed_users", "alien_api_tokens", "alien_oauth_clients"},
	kindEphemeralResource: {"alien_access_token"},
	kindListResource: {"alien_member", "alien_service_account", "alien_managed_user", "alien_api_token",
		"alien_oauth_client"},
	kindAction: {"alien_managed_user_password_reset", "alien_invitation_resend", "alien_api_token_revoke"},
}

// The provider registers exactly the pinned names: none is missing, none is registered twice, and
// none is registered that PRODUCT.md does not pin (a new one is added to both, on purpose).
func TestRegistrations_pinnedNames(t *testing.T) {
	registered := map[string][]string{}
	for _, r := range testRegistrations(t) {
		if slices.Contains(registered[r.kind], r.typeName) {
			t.Errorf("%s %s is registered twice", r.kind, r.typeName)
		}
		registered[r.kind] = append(registered[r.kind], r.typeName)
	}
	for kind, names := range registered {
		if _, ok := testPinnedNames[kind]; !ok {
			t.Errorf("the provider registers %ss, which testPinnedNames does not know", kind)
		}
		for _, name := range names {
			if !slices.Contains(testPinnedNames[kind], name) {
				t.Errorf("%s %s is registered but not pinned: add it to PRODUCT.md's interface and to testPinnedNames", kind, name)
			}
		}
	}
	for kind, pinned := range testPinnedNames {
		if _, ok := registered[kind]; !ok {
			t.Errorf("the provider registers no %s, but PRODUCT.md pins %v", kind, pinned)
			continue
		}
		for _, name := range pinned {
			if !slices.Contains(registered[kind], name) {
				t.Errorf("%s %s is pinned by PRODUCT.md but not registered", kind, name)
			}
		}
	}
}

// testModeller is implemented, in the _test.go file beside its tests, by every registered type:
// testModel answers an empty value of the model its schema must match.
type testModeller interface {
	testModel() any
}

// testModelChecks check a model against the schema of a registration, by kind: the schema must
// be valid and the model must set a value of it (the framework refuses, at run time, a model that
// does not match its schema attribute for attribute).
var testModelChecks = map[string]func(t *testing.T, value, model any){
	kindResource: func(t *testing.T, value, model any) {
		r := value.(resource.Resource)
		var resp resource.SchemaResponse
		r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
		testCheckSchema(t, r, resp.Diagnostics, resp.Schema.ValidateImplementation(context.Background()))
		testResourceState(t, r, model)
	},
	kindDataSource: func(t *testing.T, value, model any) {
		ctx := context.Background()
		d := value.(datasource.DataSource)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		testCheckSchema(t, d, resp.Diagnostics, resp.Schema.ValidateImplementation(ctx))
		state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
		if diags := state.Set(ctx, model); diags.HasError() {
			t.Errorf("the model %T does not match the schema of %T: %v", model, d, diags)
		}
	},
	kindEphemeralResource: func(t *testing.T, value, model any) {
		ctx := context.Background()
		e := value.(ephemeral.EphemeralResource)
		var resp ephemeral.SchemaResponse
		e.Schema(ctx, ephemeral.SchemaRequest{}, &resp)
		testCheckSchema(t, e, resp.Diagnostics, resp.Schema.ValidateImplementation(ctx))
		result := tfsdk.EphemeralResultData{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
		if diags := result.Set(ctx, model); diags.HasError() {
			t.Errorf("the model %T does not match the schema of %T: %v", model, e, diags)
		}
	},
	kindAction: func(t *testing.T, value, model any) {
		// An action has a configuration only: the model must read one (every attribute null).
		ctx := context.Background()
		a := value.(action.Action)
		var resp action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &resp)
		testCheckSchema(t, a, resp.Diagnostics, resp.Schema.ValidateImplementation(ctx))
		typ, ok := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("the schema of %T is not an object", a)
		}
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		config := tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, attrs)}
		if diags := config.Get(ctx, model); diags.HasError() {
			t.Errorf("the model %T does not match the schema of %T: %v", model, a, diags)
		}
	},
	// A list resource's model is its config block's: read from a config of nulls.
	kindListResource: func(t *testing.T, value, model any) {
		ctx := context.Background()
		l := value.(list.ListResource)
		var resp list.ListResourceSchemaResponse
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &resp)
		testCheckSchema(t, l, resp.Diagnostics, resp.Schema.ValidateImplementation(ctx))
		typ, ok := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("the config schema of %T is not an object", l)
		}
		nulls := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			nulls[name] = tftypes.NewValue(at, nil)
		}
		config := tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, nulls)}
		if diags := config.Get(ctx, model); diags.HasError() {
			t.Errorf("the model %T does not match the config schema of %T: %v", model, l, diags)
		}
	},
}

// TestModelsMatchSchemas checks that every registered type's schema is valid, and that its model
// struct matches it attribute for attribute, without an API. The registrations come from the
// provider itself: a type without a testModel method fails, named.
func TestModelsMatchSchemas(t *testing.T) {
	for _, r := range testRegistrations(t) {
		t.Run(r.kind+" "+r.typeName, func(t *testing.T) {
			m, ok := r.value.(testModeller)
			if !ok {
				t.Fatalf("%s %s (%T) has no testModel method: add one beside its tests, answering its model", r.kind, r.typeName, r.value)
			}
			check, ok := testModelChecks[r.kind]
			if !ok {
				t.Fatalf("no model check for %ss: add one to testModelChecks", r.kind)
			}
			check(t, r.value, m.testModel())
		})
	}
}

// testExamplePaths are the example files the docs show for a registration of a kind
// (tfplugindocs' layout), relative to the repository's root.
var testExamplePaths = map[string][]string{
	kindResource: {"examples/resources/%s/resource.tf", "examples/resources/%s/import.sh", "examples/resources/%s/import-by-block.tf",
		"examples/resources/%s/import-identity-block.tf"},
	kindDataSource:        {"examples/data-sources/%s/data-source.tf"},
	kindEphemeralResource: {"examples/ephemeral-resources/%s/ephemeral-resource.tf"},
	kindAction:            {"examples/actions/%s/action.tf"},
	kindListResource:      {"examples/list-resources/%s/list-resource.tfquery.hcl"},
}

// Every registration has the examples its documentation page shows (make docs generates the page
// from them, and TestAccExamples_valid validates them).
func TestRegistrations_examples(t *testing.T) {
	for _, r := range testRegistrations(t) {
		paths, ok := testExamplePaths[r.kind]
		if !ok {
			t.Errorf("no example layout for %ss: add one to testExamplePaths", r.kind)
			continue
		}
		for _, p := range paths {
			p = fmt.Sprintf(p, r.typeName)
			if _, err := os.Stat(filepath.Join("..", "..", p)); err != nil {
				t.Errorf("%s %s has no example %s: %v", r.kind, r.typeName, p, err)
			}
		}
	}
}

// testCheckSchema fails the test when fetching the schema of what (a resource, data source or
// ephemeral resource) failed, or the schema is invalid.
func testCheckSchema(t *testing.T, what any, fetched, validated diag.Diagnostics) {
	t.Helper()
	if fetched.HasError() {
		t.Fatalf("the schema of %T: %v", what, fetched)
	}
	if validated.HasError() {
		t.Errorf("the schema of %T is invalid: %v", what, validated)
	}
}

// Every registered resource is in the convergence mix that the fault tests and `make bench` check
// (internal/converge), or among the types it leaves out, with a reason.
func TestRegistrations_convergenceCoversEveryResource(t *testing.T) {
	mixed := map[string]bool{}
	for _, b := range converge.Mix200() {
		mixed[b.Type] = true
	}
	outside := converge.Outside()
	var resources []string
	for _, r := range testRegistrations(t) {
		if r.kind != kindResource {
			continue
		}
		resources = append(resources, r.typeName)
		switch why, out := outside[r.typeName]; {
		case mixed[r.typeName] && out:
			t.Errorf("resource %s is in the convergence mix and left out of it (%s)", r.typeName, why)
		case !mixed[r.typeName] && !out:
			t.Errorf("resource %s is not covered by the convergence check: add it to converge.Mix200 "+
				"(with its block in converge.Resources and its live objects in liveLists), or to converge.Outside with why", r.typeName)
		}
	}
	sort.Strings(resources)
	for typ := range mixed {
		if _, ok := slices.BinarySearch(resources, typ); !ok {
			t.Errorf("the convergence mix declares %s, which the provider does not register", typ)
		}
	}
	for typ := range outside {
		if _, ok := slices.BinarySearch(resources, typ); !ok || strings.TrimSpace(outside[typ]) == "" {
			t.Errorf("converge.Outside names %s, which the provider does not register or without a reason", typ)
		}
	}
}
