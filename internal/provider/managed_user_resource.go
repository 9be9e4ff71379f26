package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ resource.Resource                = &managedUserResource{}
	_ resource.ResourceWithConfigure   = &managedUserResource{}
	_ resource.ResourceWithModifyPlan  = &managedUserResource{}
	_ resource.ResourceWithImportState = &managedUserResource{}
	_ resource.ResourceWithIdentity    = &managedUserResource{}
)

// NewManagedUserResource returns the alien_managed_user resource.
func NewManagedUserResource() resource.Resource {
	return &managedUserResource{}
}

// managedUserResource manages a managed user: a person who logs in to the platform with email and
// password, with the Client role (Enterprise plan). Destroy deactivates it; the API keeps it.
type managedUserResource struct {
	client *client.Client
}

// managedUserResourceModel maps the resource's schema.
type managedUserResourceModel struct {
	ID                   types.String `tfsdk:"id"`
	Email                types.String `tfsdk:"email"`
	FirstName            types.String `tfsdk:"first_name"`
	LastName             types.String `tfsdk:"last_name"`
	Active               types.Bool   `tfsdk:"active"`
	PasswordResetTrigger types.String `tfsdk:"password_reset_trigger"`
	Status               types.String `tfsdk:"status"`
	CreatedAt            types.String `tfsdk:"created_at"`
	LockedAt             types.String `tfsdk:"locked_at"`
	PasswordSet          types.Bool   `tfsdk:"password_set"`
}

// managedUserFromAPI maps the API's answer to the model. prior is the plan or state the answer is
// about: its email's spelling is kept when the API's equals it but for case, and its
// password_reset_trigger (which only the configuration holds) is carried over.
func managedUserFromAPI(mu *client.ManagedUser, prior managedUserResourceModel) managedUserResourceModel {
	return managedUserResourceModel{
		ID:                   types.StringValue(mu.ID),
		Email:                types.StringValue(emailSpelling(mu.Email, prior.Email.ValueString())),
		FirstName:            types.StringValue(mu.FirstName),
		LastName:             types.StringValue(mu.LastName),
		Active:               types.BoolValue(mu.Status != client.UserLocked),
		PasswordResetTrigger: prior.PasswordResetTrigger,
		Status:               types.StringValue(string(mu.Status)),
		CreatedAt:            timeValue(mu.CreatedAt),
		LockedAt:             timePointerValue(mu.LockedAt),
		PasswordSet:          types.BoolValue(mu.PasswordSet),
	}
}

// managedUserCreateOptions builds the create request from the plan.
func managedUserCreateOptions(plan managedUserResourceModel) client.ManagedUserCreateOptions {
	return client.ManagedUserCreateOptions{
		Email:     plan.Email.ValueString(),
		FirstName: plan.FirstName.ValueString(),
		LastName:  plan.LastName.ValueString(),
	}
}

// sendsPasswordReset tells whether updating from state to plan re-sends the password-reset email:
// the trigger changes to a value (a removed trigger sends nothing).
func sendsPasswordReset(plan, state managedUserResourceModel) bool {
	return !plan.PasswordResetTrigger.IsNull() && !plan.PasswordResetTrigger.Equal(state.PasswordResetTrigger)
}

// Metadata returns the resource type name.
func (r *managedUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_managed_user"
}

// Schema describes the resource.
func (r *managedUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A managed user: a person (team member, collaborator, client) who logs in to the " +
			"platform with email and password, with the Client role. Managed users cannot hold API tokens. " +
			"Enterprise plan only.\n\n" +
			"Creating one sends the user a password-reset email, so that they can set their password and " +
			"log in; `password_reset_trigger` sends it again.\n\n" +
			"Destroying the resource **deactivates** the user (locked, login disabled); the platform keeps the " +
			"record, with status `locked`, for audit. It is never deleted, so its email stays taken: to manage " +
			"it again, import it and set `active = true`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The managed user's id (`mu_...`), and the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The user's real email address: the password-reset link is sent there, and it is " +
					"the login. Unique among the organization's service accounts and managed users, compared without " +
					"regard to case. The API cannot change it: a new email **replaces** the user (the old one is " +
					"deactivated and kept; the new one gets a password-reset email). A change of case only is not a " +
					"new email: it updates the state in place and calls no API.",
				Required:      true,
				Validators:    emailValidators(),
				PlanModifiers: []planmodifier.String{emailRequiresReplace()},
			},
			"first_name": schema.StringAttribute{
				MarkdownDescription: "The user's first name (1 to 100 characters, on one line). Changing it updates the " +
					"user in place.",
				Required:   true,
				Validators: nameValidators(),
			},
			"last_name": schema.StringAttribute{
				MarkdownDescription: "The user's last name (1 to 100 characters, on one line). Changing it updates the " +
					"user in place.",
				Required:   true,
				Validators: nameValidators(),
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is active. Defaults to `true`. Changing it updates in place: " +
					"`false` deactivates the user (locked, and they can no longer log in), `true` reactivates them " +
					"(they log in again with their existing password). A user deactivated or reactivated outside " +
					"Terraform shows up as a change of `active` in the next plan.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"password_reset_trigger": schema.StringAttribute{
				MarkdownDescription: "Any string; changing it to a new value sends the password-reset email again, in " +
					"place (for a user who lost the first email or forgot their password). Setting " +
					"it on creation sends nothing more: creation always sends one email. Removing it sends nothing. " +
					"It is not sent to a deactivated user: the plan fails unless `active` is `true`. The platform " +
					"does not store it, so it is not read back on import (and after an import, a value in the " +
					"configuration counts as a change and sends an email).",
				Optional: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active`, or `locked` once deactivated (by `active = false`, by a destroy, or outside " +
					"Terraform).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{orgUserStatusFromActive()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the user was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"locked_at": schema.StringAttribute{
				MarkdownDescription: "When the user was deactivated (RFC 3339); null while they are active.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{orgUserLockedAtFromActive()},
			},
			"password_set": schema.BoolAttribute{
				MarkdownDescription: "Whether the user has set a password through a reset link (and so can log in). It " +
					"becomes `true` outside Terraform, when the user follows the link; a refresh shows it.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *managedUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("`mu_...`")
}

// Configure stores the API client.
func (r *managedUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, a password reset for a user who will be deactivated: the API
// sends none to a locked user.
func (r *managedUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state managedUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.PasswordResetTrigger.IsUnknown() || plan.Active.IsUnknown() {
		return
	}
	if sendsPasswordReset(plan, state) && !plan.Active.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("password_reset_trigger"), "Cannot send a password reset to a deactivated user",
			fmt.Sprintf("Changing password_reset_trigger sends the password-reset email to managed user %s, but the "+
				"configuration deactivates the user (active = false), and a deactivated user gets no reset email. "+
				"Set active = true, or leave password_reset_trigger as it was.", state.ID.ValueString()))
	}
}

// Create creates the managed user (the API sends the password-reset email), then deactivates it
// when the configuration says active = false.
func (r *managedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan managedUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	mu, err := r.client.ManagedUsers.Create(ctx, managedUserCreateOptions(plan))
	if err != nil {
		orgUserCreateError(ctx, r.client, &resp.Diagnostics, managedUserKind, plan.Email.ValueString(), err)
		return
	}
	orgUserCreated(ctx, r.client.ManagedUsers, managedUserKind, mu, mu.ID, plan.Active.ValueBool(),
		func(mu *client.ManagedUser) diag.Diagnostics {
			state := managedUserFromAPI(mu, plan)
			return resp.State.Set(ctx, &state)
		}, &resp.Diagnostics)
	setIDIdentity(ctx, resp.Identity, mu.ID, &resp.Diagnostics)
}

// Read refreshes the state from the API; a managed user that no longer exists leaves the state.
func (r *managedUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state managedUserResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIDIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)

	mu := orgUserRead(ctx, r.client.ManagedUsers, managedUserKind, state.ID.ValueString(), resp)
	if mu == nil {
		return
	}
	state = managedUserFromAPI(mu, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update reactivates, renames, re-sends the password-reset email and deactivates, in that order,
// as the plan says. A change of the email's case only, or a removed trigger, calls no API.
func (r *managedUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state managedUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	mu, ok := orgUserUpdate(ctx, r.client.ManagedUsers, managedUserKind, id, state.Active.ValueBool(), plan.Active.ValueBool(),
		&resp.Diagnostics, func() (mu *client.ManagedUser, _ bool) {
			var err error
			if opts, ok := managedUserUpdateOptions(plan, state); ok {
				if mu, err = r.client.ManagedUsers.Update(ctx, id, opts); err != nil {
					addAPIError(&resp.Diagnostics, "updating", managedUserKind.name, id, err)
					return nil, false
				}
			}
			if sendsPasswordReset(plan, state) {
				if mu, err = r.client.ManagedUsers.SendPasswordReset(ctx, id); err != nil {
					d := apiErrorDiagnostic("sending the password-reset email to", managedUserKind.name, id, err)
					resp.Diagnostics.Append(diag.WithPath(path.Root("password_reset_trigger"), d))
					return nil, false
				}
			}
			return mu, true
		})
	if !ok {
		return
	}

	state = managedUserFromAPI(mu, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, mu.ID, &resp.Diagnostics)
}

// managedUserUpdateOptions holds the names that change from state to plan; ok is false when
// neither does.
func managedUserUpdateOptions(plan, state managedUserResourceModel) (opts client.ManagedUserUpdateOptions, ok bool) {
	if !plan.FirstName.Equal(state.FirstName) {
		v := plan.FirstName.ValueString()
		opts.FirstName = &v
	}
	if !plan.LastName.Equal(state.LastName) {
		v := plan.LastName.ValueString()
		opts.LastName = &v
	}
	return opts, opts.FirstName != nil || opts.LastName != nil
}

// Delete deactivates the managed user (they can no longer log in); the API keeps the record for audit.
func (r *managedUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state managedUserResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	orgUserDelete[client.ManagedUser](ctx, r.client.ManagedUsers, managedUserKind, state.ID.ValueString(), &resp.Diagnostics)
}

// ImportState imports a managed user by id (`mu_...`), by email, or by identity.
func (r *managedUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, func(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
		orgUserImportState(ctx, r.client, managedUserKind, req, resp)
	})
}
