package provider

// "probe", a tiny in-process provider whose resource calls the API with a token while Terraform
// applies (to see which tokens work at that moment of a create_before_destroy rotation), and the
// provider factories that serve it beside alien and echo.

import (
	"context"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
)

// testAccProbeFactories are the provider factories of tests that watch the API while Terraform
// applies: alien, echo (to observe an ephemeral value) and probe.
var testAccProbeFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"alien": testAccProtoV6ProviderFactories["alien"],
	"echo":  echoprovider.NewProviderServer(),
	"probe": providerserver.NewProtocol6WithError(&probeProvider{}),
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
