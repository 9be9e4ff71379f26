package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ resource.ResourceWithConfigure   = &organizationResource{}
	_ resource.ResourceWithImportState = &organizationResource{}
	_ resource.ResourceWithIdentity    = &organizationResource{}
	_ resource.ResourceWithModifyPlan  = &organizationResource{}
)

// NewOrganizationResource returns the alien_organization resource.
func NewOrganizationResource() resource.Resource {
	return &organizationResource{}
}

// organizationResource manages an organization: created with the provider's credential (whose
// user becomes its Owner), renamed in place, deleted on destroy.
type organizationResource struct {
	client *client.Client
}

// organizationModel maps the resource's schema.
type organizationModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Plan             types.String `tfsdk:"plan"`
	CreatedAt        types.String `tfsdk:"created_at"`
	BootstrapToken   types.String `tfsdk:"bootstrap_token"`
	BootstrapTokenID types.String `tfsdk:"bootstrap_token_id"`
}

// organizationFromAPI maps the API's answer to the model. The bootstrap token is answered only
// once, at creation: it is taken from created when given, else kept from prior.
func organizationFromAPI(org *client.Organization, created *client.OrganizationCreated, prior organizationModel) organizationModel {
	m := organizationModel{
		ID:               types.StringValue(org.ID),
		Name:             types.StringValue(org.Name),
		Plan:             types.StringValue(string(org.Plan)),
		CreatedAt:        timeValue(org.CreatedAt),
		BootstrapToken:   prior.BootstrapToken,
		BootstrapTokenID: prior.BootstrapTokenID,
	}
	if created != nil {
		m.BootstrapToken = types.StringValue(created.BootstrapToken)
		m.BootstrapTokenID = types.StringValue(created.BootstrapTokenID)
	}
	// Unknown values (a plan's) never reach state: what the API did not answer is null.
	if m.BootstrapToken.IsUnknown() {
		m.BootstrapToken = types.StringNull()
	}
	if m.BootstrapTokenID.IsUnknown() {
		m.BootstrapTokenID = types.StringNull()
	}
	return m
}

// organizationCreateOptions builds the API's create options from the plan.
func organizationCreateOptions(plan organizationModel) client.OrganizationCreateOptions {
	return client.OrganizationCreateOptions{Name: plan.Name.ValueString()}
}

// Metadata returns the resource type name.
func (r *organizationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

// Schema describes the resource.
func (r *organizationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An organization. Creating one makes the user behind the provider's credential its " +
			"Owner and answers, once, a bootstrap API token of the new organization (`bootstrap_token`), so that a " +
			"second provider block can manage what is inside it. The name changes in place; destroying the " +
			"resource deletes the organization and everything in it. The organization that the provider's own " +
			"credential belongs to can be imported (to manage its name) but not destroyed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The organization's id (`org_...`), which never changes.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The organization's display name, 1 to %d characters on one line. "+
					"Changing it renames the organization in place.", textrule.NameMaxLength),
				Required:   true,
				Validators: nameValidators(),
			},
			"plan": schema.StringAttribute{
				MarkdownDescription: "The organization's plan: `free`, `team` or `enterprise`. A new organization " +
					"is `free`; billing changes it, not Terraform. Service accounts, managed users and " +
					"service-account tokens need `enterprise`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the organization was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bootstrap_token": schema.StringAttribute{
				MarkdownDescription: "An API token (organization key, `oat_...`) of the new organization, with full " +
					"access to it. The API answers it once, at creation: it is captured then, kept in state " +
					"(sensitive) and never read back, so it is null after an import. Use it as the `token` of a " +
					"second provider block that manages the new organization's members.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bootstrap_token_id": schema.StringAttribute{
				MarkdownDescription: "The id (`tok_...`) of `bootstrap_token`, as `alien_api_token` and the token " +
					"list of the new organization show it. Null after an import.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *organizationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("`org_...`")
}

// Configure stores the API client.
func (r *organizationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, to destroy the organization that the provider's own
// credential belongs to: deleting it would revoke that credential in the middle of the run, and
// leave the configuration with no credential to manage anything. It asks the API only when the
// plan destroys an organization.
func (r *organizationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || r.client == nil {
		return
	}
	var state organizationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	current, err := r.client.Organizations.Current(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "checking", "organization", state.ID.ValueString(), err)
		return
	}
	if current.ID != state.ID.ValueString() {
		return
	}
	resp.Diagnostics.AddError("Cannot destroy the provider's own organization",
		fmt.Sprintf("This plan destroys organization %q (%s), the organization that this provider's own "+
			"credential belongs to. Deleting it would revoke that credential during the run and leave nothing "+
			"to manage it with, so the provider refuses.\n\n"+
			"To stop managing the organization without deleting it, remove it from the configuration with a "+
			"removed block:\n\n"+
			"  removed {\n    from = <this resource's address>\n    lifecycle {\n      destroy = false\n    }\n  }\n\n"+
			"(or run terraform state rm). To delete it for good, manage it from a provider block whose "+
			"credential belongs to the organization it was created from (the same user being an Owner of both).",
			state.Name.ValueString(), state.ID.ValueString()))
}

// Create creates the organization.
func (r *organizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan organizationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := r.client.Organizations.Create(ctx, organizationCreateOptions(plan))
	if err != nil {
		addAPIError(&resp.Diagnostics, "creating", "organization", plan.Name.ValueString(), err)
		return
	}
	tflog.Info(ctx, "Created an organization", map[string]any{"organization_id": created.ID})
	state := organizationFromAPI(&created.Organization, created, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, created.ID, &resp.Diagnostics)
}

// Read refreshes the organization; one that is gone (or no longer visible to the credential's
// user) leaves state.
func (r *organizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state organizationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIDIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	org, err := r.client.Organizations.Read(ctx, state.ID.ValueString())
	if isNotFound(err) {
		tflog.Info(ctx, "The organization is gone: removing it from state", map[string]any{"organization_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "organization", state.ID.ValueString(), err)
		return
	}
	newState := organizationFromAPI(org, nil, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// Update renames the organization.
func (r *organizationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state organizationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	org, err := r.client.Organizations.Update(ctx, state.ID.ValueString(), client.OrganizationUpdateOptions{Name: &name})
	if err != nil {
		addAPIError(&resp.Diagnostics, "updating", "organization", state.ID.ValueString(), err)
		return
	}
	newState := organizationFromAPI(org, nil, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	setIDIdentity(ctx, resp.Identity, org.ID, &resp.Diagnostics)
}

// Delete deletes the organization and everything in it; one already gone is done.
func (r *organizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organizationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.Organizations.Delete(ctx, state.ID.ValueString())
	if err != nil && !isNotFound(err) {
		addAPIError(&resp.Diagnostics, "deleting", "organization", state.ID.ValueString(), err)
	}
}

// ImportState imports an organization by id or identity (importByID).
func (r *organizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, r.importByID)
}

// importByID imports an organization by id: the credential's own, or one created from it (the
// user behind the credential being an Owner of both). The bootstrap token cannot be read back: it
// stays null.
func (r *organizationResource) importByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !strings.HasPrefix(id, "org_") {
		resp.Diagnostics.AddError("Unexpected import identifier",
			fmt.Sprintf("Import an organization by its id (org_...), not %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
