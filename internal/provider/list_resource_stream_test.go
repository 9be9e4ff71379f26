package provider

// The list resources called the way Terraform 1.14 calls them, through the ListResource RPC
// (rpc_harness_test.go).

import (
	"context"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// listTestResult is one result of a listing, decoded.
type listTestResult struct {
	DisplayName string
	Identity    map[string]any
	Resource    map[string]any // nil unless include_resource
	Diagnostics []*tfprotov6.Diagnostic
}

// list calls the ListResource RPC of typeName with the config block's values (the others null),
// include_resource and limit, and reads the whole stream.
func (e *rpcTestEnv) list(typeName string, config map[string]tftypes.Value, includeResource bool, limit int64) []listTestResult {
	e.t.Helper()
	return e.listReading(typeName, config, includeResource, limit, 0)
}

// listFirst is list that stops reading the stream after its first result, as Terraform does
// when it wants no more (the stream's consumer returns false).
func (e *rpcTestEnv) listFirst(typeName string, config map[string]tftypes.Value, includeResource bool, limit int64) []listTestResult {
	e.t.Helper()
	return e.listReading(typeName, config, includeResource, limit, 1)
}

// listReading is list reading at most n results of the stream (0: all of them).
func (e *rpcTestEnv) listReading(typeName string, config map[string]tftypes.Value, includeResource bool, limit int64, n int) []listTestResult {
	t := e.t
	t.Helper()
	ctx := context.Background()
	listSchema, ok := e.schemas.ListResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no list resource %s", typeName)
	}
	configType := listSchema.ValueType()
	stream, err := e.server.ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName:        typeName,
		Config:          testDynamicValue(t, configType, testObjectValue(t, configType, config)),
		IncludeResource: includeResource,
		Limit:           limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	identities, err := e.server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	identityType := identities.IdentitySchemas[typeName].ValueType()
	resourceType := e.schemas.ResourceSchemas[typeName].ValueType()
	var out []listTestResult
	for r := range stream.Results {
		res := listTestResult{DisplayName: r.DisplayName, Diagnostics: r.Diagnostics}
		if r.Identity != nil && r.Identity.IdentityData != nil {
			res.Identity = testDecode(t, r.Identity.IdentityData, identityType)
		}
		if r.Resource != nil {
			res.Resource = testDecode(t, r.Resource, resourceType)
		}
		out = append(out, res)
		if len(out) == n {
			break
		}
	}
	return out
}

// listOK is list that fails the test on any error diagnostic.
func (e *rpcTestEnv) listOK(typeName string, config map[string]tftypes.Value, includeResource bool, limit int64) []listTestResult {
	e.t.Helper()
	results := e.list(typeName, config, includeResource, limit)
	for _, r := range results {
		testFailOnDiagnostics(e.t, "listing "+typeName, r.Diagnostics)
	}
	return results
}

// displayNames are the results' display names, sorted.
func displayNames(results []listTestResult) []string {
	out := make([]string, 0, len(results))
	for _, r := range results {
		out = append(out, r.DisplayName)
	}
	sort.Strings(out)
	return out
}

// identityValues are the results' identity attribute attr, in order.
func identityValues(results []listTestResult, attr string) []string {
	out := make([]string, 0, len(results))
	for _, r := range results {
		v, _ := r.Identity[attr].(string)
		out = append(out, v)
	}
	return out
}

// TestListResources_registered checks every registered list resource against the resource it
// lists: one of the same name, with an identity; and its descriptions (the docs) against Go
// identifiers. Which list resources are registered is TestRegistrations_pinnedNames's.
func TestListResources_registered(t *testing.T) {
	server := testListResourceServer(t)
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	testFailOnDiagnostics(t, "GetProviderSchema", schemas.Diagnostics)
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(schemas.ListResourceSchemas) == 0 {
		t.Fatal("the provider registers no list resource")
	}
	for name, s := range schemas.ListResourceSchemas {
		if _, ok := schemas.ResourceSchemas[name]; !ok {
			t.Errorf("list resource %s lists no resource of that name", name)
		}
		if _, ok := identities.IdentitySchemas[name]; !ok {
			t.Errorf("list resource %s lists resource %s, which has no identity", name, name)
		}
		for where, text := range testSchemaDescriptions(s) {
			if text == "" {
				t.Errorf("list resource %s: %s has no description", name, where)
			}
			if id := goIdentifierInText.FindString(text); id != "" {
				t.Errorf("list resource %s: the description of %s names %q, a Go identifier", name, where, id)
			}
		}
	}
}
