package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ resource.Resource                = &serviceAccountResource{}
	_ resource.ResourceWithConfigure   = &serviceAccountResource{}
	_ resource.ResourceWithImportState = &serviceAccountResource{}
	_ resource.ResourceWithModifyPlan  = &serviceAccountResource{}
	_ resource.ResourceWithIdentity    = &serviceAccountResource{}
)

// NewServiceAccountResource returns the alien_service_account resource.
func NewServiceAccountResource() resource.Resource {
	return &serviceAccountResource{}
}

// serviceAccountResource manages a service account: a non-human user of the organization that
// authenticates with API tokens (Enterprise plan). Destroy deactivates it; the API keeps it.
type serviceAccountResource struct {
	client *client.Client
	notes  *planNotes
}

// serviceAccountResourceModel maps the resource's schema.
type serviceAccountResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	Description types.String `tfsdk:"description"`
	Active      types.Bool   `tfsdk:"active"`
	Status      types.String `tfsdk:"status"`
	CreatedAt   types.String `tfsdk:"created_at"`
	LockedAt    types.String `tfsdk:"locked_at"`
}

// serviceAccountFromAPI maps the API's answer to the model. prior is the configuration, plan or
// state the answer is about: its email's spelling is kept when the API's equals it but for case.
func serviceAccountFromAPI(sa *client.ServiceAccount, prior serviceAccountResourceModel) serviceAccountResourceModel {
	return serviceAccountResourceModel{
		ID:          types.StringValue(sa.ID),
		Email:       types.StringValue(emailSpelling(sa.Email, prior.Email.ValueString())),
		Description: types.StringValue(sa.Description),
		Active:      types.BoolValue(sa.Status != client.UserLocked),
		Status:      types.StringValue(string(sa.Status)),
		CreatedAt:   timeValue(sa.CreatedAt),
		LockedAt:    timePointerValue(sa.LockedAt),
	}
}

// serviceAccountCreateOptions builds the create request from the plan.
func serviceAccountCreateOptions(plan serviceAccountResourceModel) client.ServiceAccountCreateOptions {
	return client.ServiceAccountCreateOptions{
		Email:       plan.Email.ValueString(),
		Description: plan.Description.ValueString(),
	}
}

// Metadata returns the resource type name.
func (r *serviceAccountResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_account"
}

// Schema describes the resource.
func (r *serviceAccountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A service account: a non-human user of the organization, for pipelines and " +
			"integrations, that authenticates only with API tokens (`alien_api_token`) and cannot log in. " +
			"Enterprise plan only.\n\n" +
			"Destroying the resource **deactivates** the service account (it is locked and every token it " +
			"holds is revoked); the platform keeps the record, with status `locked`, for audit. It is never " +
			"deleted, so its email stays taken: to manage it again, import it and set `active = true`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The service account's id (`sa_...`): the `service_account_id` of its tokens, " +
					"and the import id.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The email that identifies the service account; it need not be a real mailbox " +
					"(e.g. `pipeline-bot@yourcompany.com`). Unique among the organization's service accounts and " +
					"managed users, compared without regard to case. The API cannot change it: a new email " +
					"**replaces** the service account (the old one is deactivated and kept). A change of case only " +
					"is not a new email: it updates the state in place and calls no API.",
				Required:      true,
				Validators:    emailValidators(),
				PlanModifiers: []planmodifier.String{emailRequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A note on what the service account is for (e.g. `Nightly ingestion pipeline`), " +
					"at most 500 characters. Defaults to `\"\"` (none): leaving it out and setting it to `\"\"` are " +
					"the same. Changing it updates the service account in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: textValidators(textrule.DescriptionMaxLength),
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether the service account is active. Defaults to `true`. Changing it updates in " +
					"place: `false` deactivates the service account (it is locked and **every one of its API tokens " +
					"is revoked** at once), `true` reactivates it (no revoked token comes back: issue new ones). " +
					"A service account deactivated or reactivated outside Terraform shows up as a change of `active` " +
					"in the next plan.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active`, or `locked` once deactivated (by `active = false`, by a destroy, or outside " +
					"Terraform).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{orgUserStatusFromActive()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the service account was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"locked_at": schema.StringAttribute{
				MarkdownDescription: "When the service account was deactivated (RFC 3339); null while it is active.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{orgUserLockedAtFromActive()},
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *serviceAccountResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("`sa_...`")
}

// Configure stores the API client and the plan notes.
func (r *serviceAccountResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
	r.notes = notesFromProviderData(req.ProviderData)
}

// ModifyPlan notes a reactivation (active: false -> true) for the plans of the service account's
// tokens: a token planned for a locked service account fails at plan time, unless this run
// reactivates the account first.
func (r *serviceAccountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var id types.String
	var prior, active types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("active"), &prior)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("active"), &active)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !prior.ValueBool() && active.ValueBool() && !id.IsUnknown() && !id.IsNull() {
		r.notes.noteReactivated(id.ValueString())
	}
}

// Create creates the service account, then deactivates it when the configuration says
// active = false.
func (r *serviceAccountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan serviceAccountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	sa, err := r.client.ServiceAccounts.Create(ctx, serviceAccountCreateOptions(plan))
	if err != nil {
		orgUserCreateError(ctx, r.client, &resp.Diagnostics, serviceAccountKind, plan.Email.ValueString(), err)
		return
	}
	orgUserCreated(ctx, r.client.ServiceAccounts, serviceAccountKind, sa, sa.ID, plan.Active.ValueBool(),
		func(sa *client.ServiceAccount) diag.Diagnostics {
			state := serviceAccountFromAPI(sa, plan)
			return resp.State.Set(ctx, &state)
		}, &resp.Diagnostics)
	setIDIdentity(ctx, resp.Identity, sa.ID, &resp.Diagnostics)
}

// Read refreshes the state from the API; a service account that no longer exists leaves the state.
func (r *serviceAccountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state serviceAccountResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIDIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)

	sa := orgUserRead(ctx, r.client.ServiceAccounts, serviceAccountKind, state.ID.ValueString(), resp)
	if sa == nil {
		return
	}
	state = serviceAccountFromAPI(sa, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update reactivates, changes the description and deactivates, in that order, as the plan says. A
// change of the email's case only calls no API.
func (r *serviceAccountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state serviceAccountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	sa, ok := orgUserUpdate(ctx, r.client.ServiceAccounts, serviceAccountKind, id, state.Active.ValueBool(), plan.Active.ValueBool(),
		&resp.Diagnostics, func() (*client.ServiceAccount, bool) {
			if plan.Description.Equal(state.Description) {
				return nil, true
			}
			opts := client.ServiceAccountUpdateOptions{Description: plan.Description.ValueString()}
			sa, err := r.client.ServiceAccounts.Update(ctx, id, opts)
			if err != nil {
				diagnostic := apiErrorDiagnostic("updating", serviceAccountKind.name, id, err)
				resp.Diagnostics.Append(diag.WithPath(path.Root("description"), diagnostic))
				return nil, false
			}
			return sa, true
		})
	if !ok {
		return
	}

	state = serviceAccountFromAPI(sa, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, sa.ID, &resp.Diagnostics)
}

// Delete deactivates the service account (revoking its tokens); the API keeps the record for audit.
func (r *serviceAccountResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state serviceAccountResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	orgUserDelete[client.ServiceAccount](ctx, r.client.ServiceAccounts, serviceAccountKind, state.ID.ValueString(), &resp.Diagnostics)
}

// ImportState imports a service account by id (`sa_...`), by email, or by identity.
func (r *serviceAccountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, func(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
		orgUserImportState(ctx, r.client, serviceAccountKind, req, resp)
	})
}
