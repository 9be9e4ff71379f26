// Command floor is a Terraform provider that does no I/O, for `make bench`: its one resource,
// benchfloor_thing, has the shape of alien_member (two arguments, six computed attributes) and
// does what every resource of the alien provider does on the framework (read the state or plan
// into a model, write the model back), without calling an API. Measured beside terraform_data (a
// resource built into Terraform) and the alien resources, it shows the floor that Terraform's
// plugin protocol and terraform-plugin-framework set for any provider.
package main

import (
	"context"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	// As the alien provider does: no log formatting unless a TF_LOG* variable asks for it.
	quiet := true
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_LOG") && v != "" {
			quiet = false
		}
	}
	if quiet {
		for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
			if err := os.Setenv(k, "OFF"); err != nil {
				log.Fatal(err)
			}
		}
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/alien-intelligence/benchfloor", ProtocolVersion: 6})
	if err != nil {
		log.Fatal(err)
	}
}

var _ provider.Provider = &floorProvider{}

// floorProvider has one resource and no configuration.
type floorProvider struct{}

// Metadata names the provider.
func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "benchfloor"
}

// Schema is empty.
func (p *floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

// Configure does nothing.
func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

// Resources lists benchfloor_thing.
func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &thing{} }}
}

// DataSources lists none.
func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

var _ resource.Resource = &thing{}

// thing is benchfloor_thing.
type thing struct{}

// thingModel has the shape of alien_member's model.
type thingModel struct {
	ID           types.String `tfsdk:"id"`
	Email        types.String `tfsdk:"email"`
	Role         types.String `tfsdk:"role"`
	Status       types.String `tfsdk:"status"`
	UserID       types.String `tfsdk:"user_id"`
	JoinedAt     types.String `tfsdk:"joined_at"`
	InvitationID types.String `tfsdk:"invitation_id"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// Metadata names the resource.
func (r *thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

// Schema has two arguments and six computed attributes.
func (r *thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func() schema.StringAttribute {
		return schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":            computed(),
		"email":         schema.StringAttribute{Required: true},
		"role":          schema.StringAttribute{Required: true},
		"status":        computed(),
		"user_id":       computed(),
		"joined_at":     computed(),
		"invitation_id": computed(),
		"expires_at":    computed(),
	}}
}

// Create sets the computed attributes.
func (r *thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue("thing-" + m.Email.ValueString())
	m.Status = types.StringValue("invited")
	m.UserID = types.StringNull()
	m.JoinedAt = types.StringNull()
	m.InvitationID = m.ID
	m.ExpiresAt = types.StringValue("2030-01-01T00:00:00Z")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read reads the state into the model and writes it back.
func (r *thing) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update writes the plan.
func (r *thing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete does nothing.
func (r *thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
