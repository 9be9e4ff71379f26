package provider

// Helpers of the API token, OAuth client and access token tests: plain HTTP calls with a secret
// taken from state, the token clock that follows alien-local's, and "probe", a tiny in-process
// provider whose resource calls the API with a token while Terraform applies (to see which tokens
// work at that moment of a create_before_destroy rotation).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// testAccCredentialRegexp and friends match the secrets the API hands out.
var (
	testAccAPITokenRegexp     = regexp.MustCompile(`^oat_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$`)
	testAccClientSecretRegexp = regexp.MustCompile(`^aics_[A-Za-z0-9_-]{43}$`)
	testAccClientIDRegexp     = regexp.MustCompile(`^aic_[a-z2-7]{24}$`)
	testAccAccessTokenRegexp  = regexp.MustCompile(`^oaa_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)
)

// testAccPart2bFactories are the provider factories of these tests: alien, echo (to observe an
// ephemeral value) and probe.
var testAccPart2bFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"alien": testAccProtoV6ProviderFactories["alien"],
	"echo":  echoprovider.NewProviderServer(),
	"probe": providerserver.NewProtocol6WithError(&probeProvider{}),
}

// testAccHTTP sends method path to the API with Authorization: Bearer token (nothing when token
// is empty) and a JSON body when body is not nil, with plain net/http, and answers the status.
func testAccHTTP(method, urlPath, token string, body any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(context.Background(), method, os.Getenv(envEndpoint)+urlPath, r) //nolint:gosec // the harness's own endpoint
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req) //nolint:gosec // the harness's own endpoint
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, urlPath, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// testAccExpectStatus checks that method path with token answers want.
func testAccExpectStatus(method, urlPath, token string, body any, want int) error {
	got, err := testAccHTTP(method, urlPath, token, body)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s %s answered %d, want %d", method, urlPath, got, want)
	}
	return nil
}

// testAccAttr is attribute attr of resource addr in state (sensitive values included).
func testAccAttr(s *terraform.State, addr, attr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok || v == "" {
		return "", fmt.Errorf("%s has no %s in state", addr, attr)
	}
	return v, nil
}

// testAccCaptureAttr copies attribute attr of resource addr from state into *into.
func testAccCaptureAttr(addr, attr string, into *string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		v, err := testAccAttr(s, addr, attr)
		*into = v
		return err
	}
}

// testAccCheckTokenStatus checks that the API token in attribute attr of addr gets want on
// GET /datasets.
func testAccCheckTokenStatus(addr, attr string, want int) func(*terraform.State) error {
	return func(s *terraform.State) error {
		token, err := testAccAttr(s, addr, attr)
		if err != nil {
			return err
		}
		if err := testAccExpectStatus(http.MethodGet, "/datasets", token, nil, want); err != nil {
			return fmt.Errorf("the %s of %s: %w", attr, addr, err)
		}
		return nil
	}
}

// testAccCheckAPITokensRevoked is a CheckDestroy: every alien_api_token of the state is revoked
// (or expired, or gone) for the API.
func testAccCheckAPITokensRevoked(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "alien_api_token" {
				continue
			}
			tok, err := c.APITokens.Read(context.Background(), rs.Primary.ID)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("reading API token %s (%s): %w", rs.Primary.ID, addr, err)
			}
			if tok.Status == client.TokenActive {
				return fmt.Errorf("API token %s (%s) is still active after destroy", tok.ID, addr)
			}
		}
		return nil
	}
}

// testAccCheckOAuthClientsDeleted is a CheckDestroy: every alien_oauth_client of the state is gone.
func testAccCheckOAuthClientsDeleted(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "alien_oauth_client" {
				continue
			}
			_, err := c.OAuthClients.Read(context.Background(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("OAuth client %s (%s) still exists after destroy", rs.Primary.ID, addr)
			}
			if !isNotFound(err) {
				return fmt.Errorf("reading OAuth client %s (%s): %w", rs.Primary.ID, addr, err)
			}
		}
		return nil
	}
}

// testAccSyncTokenClock makes the provider judge rotate_before by alien-local's clock, which
// other tests may have moved forward, until the test ends. Tests that call it must not run in
// parallel (resource.Test).
func testAccSyncTokenClock(t *testing.T) {
	t.Helper()
	testAccRequireLocal(t)
	state, err := testAccClient(t).Local.Clock(context.Background())
	if err != nil {
		t.Fatalf("reading alien-local's clock: %v", err)
	}
	before := apiTokenClockOffset.Load()
	t.Cleanup(func() { apiTokenClockOffset.Store(before) })
	testAccFollowClock(t, state)
}

// testAccAdvanceTokenClock moves alien-local's clock forward by d, and the provider's token
// clock with it (after testAccSyncTokenClock).
func testAccAdvanceTokenClock(t *testing.T, d time.Duration) {
	t.Helper()
	testAccFollowClock(t, testAccAdvanceClock(t, d))
}

// testAccFollowClock sets the provider's token clock offset to alien-local's.
func testAccFollowClock(t *testing.T, state *client.ClockState) {
	t.Helper()
	offset := time.Duration(0)
	if state.Offset != "" {
		var err error
		if offset, err = time.ParseDuration(state.Offset); err != nil {
			t.Fatalf("alien-local's clock offset %q is not a duration: %v", state.Offset, err)
		}
	}
	if skew := time.Until(state.Now.Add(-offset)); skew > time.Minute || skew < -time.Minute {
		t.Fatalf("alien-local's clock (%s, offset %s) is not real time plus its offset", state.Now, state.Offset)
	}
	apiTokenClockOffset.Store(int64(offset))
}

// testAccLazyString is a test step's variable (ConfigVariables) whose value is read when the step
// starts: a value an earlier step's Check captured from state, such as a secret.
type testAccLazyString struct{ value *string }

// MarshalJSON encodes the value as it is now.
func (v testAccLazyString) MarshalJSON() ([]byte, error) {
	if *v.value == "" {
		return nil, fmt.Errorf("the variable's value was not captured by an earlier step")
	}
	return json.Marshal(*v.value)
}

// probeProvider is a test-only provider with one resource, probe_bearer.
type probeProvider struct{}

var _ provider.Provider = &probeProvider{}

// Metadata names the provider "probe".
func (p *probeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "probe"
}

// Schema has no arguments.
func (p *probeProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

// Configure does nothing.
func (p *probeProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

// Resources lists probe_bearer.
func (p *probeProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &probeBearerResource{} }}
}

// DataSources lists none.
func (p *probeProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// probeBearerResource records, when it is created or updated, which status GET /datasets answers
// with its token (status) and, on update, with the token it held before (previous_status): while
// Terraform applies a create_before_destroy replacement of that token, dependents such as this one
// are updated after the new token exists and before the old one is destroyed.
type probeBearerResource struct{}

// probeBearerModel maps probe_bearer.
type probeBearerModel struct {
	Token          types.String `tfsdk:"token"`
	Status         types.Int64  `tfsdk:"status"`
	PreviousStatus types.Int64  `tfsdk:"previous_status"`
}

// Metadata names the resource probe_bearer.
func (r *probeBearerResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "probe_bearer"
}

// Schema describes probe_bearer.
func (r *probeBearerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = rschema.Schema{Attributes: map[string]rschema.Attribute{
		"token":           rschema.StringAttribute{Required: true, Sensitive: true},
		"status":          rschema.Int64Attribute{Computed: true},
		"previous_status": rschema.Int64Attribute{Computed: true},
	}}
}

// probe answers the status of GET /datasets with token, as a state value.
func (r *probeBearerResource) probe(token string) (types.Int64, error) {
	status, err := testAccHTTP(http.MethodGet, "/datasets", token, nil)
	return types.Int64Value(int64(status)), err
}

// Create probes the token.
func (r *probeBearerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m probeBearerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	var err error
	if m.Status, err = r.probe(m.Token.ValueString()); err != nil {
		resp.Diagnostics.AddError("probe failed", err.Error())
		return
	}
	m.PreviousStatus = types.Int64Null()
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read keeps the state.
func (r *probeBearerResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update probes the new token and the previous one.
func (r *probeBearerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior probeBearerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	var err error
	if m.Status, err = r.probe(m.Token.ValueString()); err == nil {
		m.PreviousStatus, err = r.probe(prior.Token.ValueString())
	}
	if err != nil {
		resp.Diagnostics.AddError("probe failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete does nothing.
func (r *probeBearerResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
