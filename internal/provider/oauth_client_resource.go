package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ resource.Resource                = &oauthClientResource{}
	_ resource.ResourceWithConfigure   = &oauthClientResource{}
	_ resource.ResourceWithImportState = &oauthClientResource{}
	_ resource.ResourceWithIdentity    = &oauthClientResource{}
)

// NewOAuthClientResource returns the alien_oauth_client resource.
func NewOAuthClientResource() resource.Resource {
	return &oauthClientResource{}
}

// oauthClientResource manages an OAuth API client.
type oauthClientResource struct {
	client *client.Client
}

// oauthClientModel maps the resource's schema.
type oauthClientModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Enabled      types.Bool   `tfsdk:"enabled"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	CreatedAt    types.String `tfsdk:"created_at"`
}

// oauthClientFromAPI copies what the API answered into m; the secret is not the API's to give
// back, so m keeps it as it is.
func oauthClientFromAPI(c *client.OAuthClient, m *oauthClientModel) {
	m.ID = types.StringValue(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Enabled = types.BoolValue(c.Enabled)
	m.ClientID = types.StringValue(c.ClientID)
	m.CreatedAt = timeValue(c.CreatedAt)
}

// oauthClientCreateOptions builds the API's create request from the planned values.
func oauthClientCreateOptions(m oauthClientModel) client.OAuthClientCreateOptions {
	return client.OAuthClientCreateOptions{Name: m.Name.ValueString()}
}

// oauthClientUpdateOptions holds the changes from prior to plan; ok is false when nothing the API
// keeps changes.
func oauthClientUpdateOptions(prior, plan oauthClientModel) (opts client.OAuthClientUpdateOptions, ok bool) {
	if !plan.Name.Equal(prior.Name) {
		opts.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Enabled.Equal(prior.Enabled) {
		opts.Enabled = plan.Enabled.ValueBoolPointer()
	}
	return opts, opts.Name != nil || opts.Enabled != nil
}

// Metadata returns the resource type name.
func (r *oauthClientResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth_client"
}

// Schema describes the resource.
func (r *oauthClientResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OAuth API client, for programmatic access with the client-credentials grant: " +
			"internal integrations, custom tools, third-party applications. Its `client_id` is public; its " +
			"`client_secret` is shown by the API once, at creation, and captured then in the sensitive " +
			"`client_secret` attribute. The access tokens it obtains act like an organization key. `enabled = false` " +
			"revokes its access for the time being; destroying the resource deletes the client permanently.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The client's id (`oc_...`). It is also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The client's display name, 1 to 100 characters on one line. Changing it updates in place.",
				Required:            true,
				Validators:          nameValidators(),
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the client may obtain access tokens. `false` disables it: its credentials " +
					"are refused and the access tokens it holds stop working at once, until it is enabled again. " +
					"Defaults to `true`. Changing it updates in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The client's public identifier (`aic_...`), the user name of the client-credentials grant.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The client's secret. Sensitive. The API shows it once, at creation: it is " +
					"captured then and never read again. It is **null after an import**, because the platform cannot " +
					"give it back.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the client was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *oauthClientResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("`oc_...`")
}

// Configure stores the API client.
func (r *oauthClientResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the client, captures its one-time secret, and disables it when enabled is false.
func (r *oauthClientResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oauthClientModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := r.client.OAuthClients.Create(ctx, oauthClientCreateOptions(plan))
	if err != nil {
		addAPIError(&resp.Diagnostics, "creating", "OAuth client", plan.Name.ValueString(), err)
		return
	}
	state := plan
	oauthClientFromAPI(&created.OAuthClient, &state)
	state.ClientSecret = types.StringValue(created.ClientSecret)

	if !plan.Enabled.ValueBool() {
		disabled, err := r.client.OAuthClients.Update(ctx, created.ID, client.OAuthClientUpdateOptions{Enabled: new(false)})
		if err != nil {
			// The client exists: keep it (and its only copy of the secret) in the state, tainted.
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			setIDIdentity(ctx, resp.Identity, created.ID, &resp.Diagnostics)
			addAPIError(&resp.Diagnostics, "disabling", "OAuth client", created.ID, err)
			return
		}
		oauthClientFromAPI(disabled, &state)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, created.ID, &resp.Diagnostics)
}

// Read refreshes the client; a deleted client leaves the state.
func (r *oauthClientResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oauthClientModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIDIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)

	c, err := r.client.OAuthClients.Read(ctx, state.ID.ValueString())
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "OAuth client", state.ID.ValueString(), err)
		return
	}
	oauthClientFromAPI(c, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update renames, disables or enables the client.
func (r *oauthClientResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior oauthClientModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		c   *client.OAuthClient
		err error
	)
	if opts, ok := oauthClientUpdateOptions(prior, plan); ok {
		c, err = r.client.OAuthClients.Update(ctx, prior.ID.ValueString(), opts)
	} else {
		c, err = r.client.OAuthClients.Read(ctx, prior.ID.ValueString())
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "updating", "OAuth client", prior.ID.ValueString(), err)
		return
	}
	state := plan
	state.ClientSecret = prior.ClientSecret
	oauthClientFromAPI(c, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, c.ID, &resp.Diagnostics)
}

// Delete deletes the client permanently; a client already gone is done.
func (r *oauthClientResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oauthClientModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	err := r.client.OAuthClients.Delete(ctx, state.ID.ValueString())
	if err != nil && !isNotFound(err) {
		addAPIError(&resp.Diagnostics, "deleting", "OAuth client", state.ID.ValueString(), err)
	}
}

// ImportState imports a client by id or identity (importByID).
func (r *oauthClientResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, r.importByID)
}

// importByID imports a client by id. Its secret cannot be read back: client_secret stays null.
func (r *oauthClientResource) importByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !strings.HasPrefix(req.ID, "oc_") || strings.ContainsAny(req.ID, "/?# ") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("An OAuth client is imported by its id, such as oc_abcdefghijklmnop (not its client_id); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
