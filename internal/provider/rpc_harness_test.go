package provider

// The provider driven the way Terraform drives it, through the provider server's RPCs, in process
// and on any CLI (no terraform runs): each test gets an alien-local of its own (in memory, time
// travel on, contract checked), so that it knows every object of the organization and every
// request the provider made.

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// rpcTestEnv is an alien-local of the test's own and a provider server configured against it.
type rpcTestEnv struct {
	t       *testing.T
	inst    *localapi.Instance
	owner   *client.Client // no read cache: it sees what the API holds now
	server  testListServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

// startRPCTestEnv starts alien-local and configures a provider server with its owner token.
func startRPCTestEnv(t *testing.T) *rpcTestEnv {
	t.Helper()
	inst, err := localapi.Start(context.Background(), "127.0.0.1:0", localapi.Config{
		DBPath:        ":memory:",
		Clock:         clock.NewOffset(),
		TimeTravel:    true,
		ContractCheck: func(err error) { t.Errorf("contract violation: %v", err) },
	})
	if err != nil {
		t.Fatalf("starting alien-local: %v", err)
	}
	t.Cleanup(func() { _ = inst.Close() })
	return startRPCTestEnvFor(t, inst)
}

// startRPCTestEnvFor configures a new provider server (as a new provider process would be, with
// nothing cached) with the owner token of inst.
func startRPCTestEnvFor(t *testing.T, inst *localapi.Instance) *rpcTestEnv {
	t.Helper()
	ctx := context.Background()
	owner, err := client.New(client.Config{Endpoint: inst.URL, Token: inst.Bootstrap.Token, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	server := testListResourceServer(t)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	e := &rpcTestEnv{t: t, inst: inst, owner: owner, server: server, schemas: schemas}
	providerType := schemas.Provider.ValueType()
	config := testObjectValue(t, providerType, map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, inst.URL),
		"token":    tftypes.NewValue(tftypes.String, inst.Bootstrap.Token),
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0", Config: testDynamicValue(t, providerType, config),
	})
	if err != nil {
		t.Fatal(err)
	}
	testFailOnDiagnostics(t, "configuring the provider", resp.Diagnostics)
	return e
}

// testListServer is a provider server with the ListResource RPC (terraform-plugin-go keeps it
// out of ProviderServer for now).
type testListServer interface {
	tfprotov6.ProviderServer
	ListResource(context.Context, *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error)
}

// testListResourceServer is the provider's server, with the ListResource RPC.
func testListResourceServer(t *testing.T) testListServer {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	withList, ok := server.(testListServer)
	if !ok {
		t.Fatalf("the provider server %T has no ListResource RPC", server)
	}
	return withList
}

// requests reads alien-local's request counts per route (the /_local ones left out) and resets them.
func (e *rpcTestEnv) requests() map[string]int {
	e.t.Helper()
	ctx := context.Background()
	st, err := client.Local(e.owner).Stats(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := client.Local(e.owner).ResetStats(ctx); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for route, n := range st.Requests {
		if !strings.Contains(route, " /_local/") {
			out[route] = n
		}
	}
	return out
}

// expectRequests checks the requests since the last call: exactly want, route by route.
func (e *rpcTestEnv) expectRequests(what string, want map[string]int) {
	e.t.Helper()
	got := e.requests()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		e.t.Errorf("%s made the requests %v, want %v", what, got, want)
	}
}

// addMember invites email as role and accepts the invitation through its emailed link.
func (e *rpcTestEnv) addMember(email string, role client.Role) *client.Member {
	e.t.Helper()
	e.invite(email, role)
	return e.accept(email)
}

// accept accepts the latest invitation sent to email through its emailed link.
func (e *rpcTestEnv) accept(email string) *client.Member {
	e.t.Helper()
	ctx := context.Background()
	emails, err := client.Local(e.owner).Outbox(ctx, email)
	if err != nil || len(emails) == 0 {
		e.t.Fatalf("the invitation email to %s: %v (%d emails)", email, err, len(emails))
	}
	link, err := url.Parse(emails[len(emails)-1].Link)
	if err != nil {
		e.t.Fatal(err)
	}
	accepted, err := client.Person(e.owner).AcceptInvitation(ctx, link.Query().Get("token"), "Member "+email)
	if err != nil {
		e.t.Fatalf("accepting the invitation of %s: %v", email, err)
	}
	return &accepted.Member
}

// invite invites email as role.
func (e *rpcTestEnv) invite(email string, role client.Role) *client.Invitation {
	e.t.Helper()
	return testAccInvite(e.t, e.owner, email, role)
}

// testObjectValue is an object of type typ holding values, its other attributes null.
func testObjectValue(t *testing.T, typ tftypes.Type, values map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	attrs := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range values {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in %s", name, typ)
		}
		attrs[name] = v
	}
	return tftypes.NewValue(typ, attrs)
}

// testDynamicValue encodes v for an RPC.
func testDynamicValue(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// testDecode decodes an object from an RPC into Go values: strings, bools, numbers (float64),
// nil for null; maps and lists of them.
func testDecode(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]any {
	t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	out, ok := testGoValue(t, v).(map[string]any)
	if !ok {
		t.Fatalf("decoded %s is not an object", v)
	}
	return out
}

func testGoValue(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			t.Fatalf("decoding %s: %v", v, err)
		}
		return s
	case v.Type().Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			t.Fatalf("decoding %s: %v", v, err)
		}
		return b
	case v.Type().Is(tftypes.Number):
		var n big.Float
		if err := v.As(&n); err != nil {
			t.Fatalf("decoding %s: %v", v, err)
		}
		f, _ := n.Float64()
		return f
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for k, e := range m {
			out[k] = testGoValue(t, e)
		}
		return out
	default:
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			t.Fatalf("decoding %s: %v", v, err)
		}
		out := make([]any, 0, len(l))
		for _, e := range l {
			out = append(out, testGoValue(t, e))
		}
		return out
	}
}
