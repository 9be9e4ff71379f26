package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ resource.Resource                = &serviceAccountResource{}
	_ resource.ResourceWithConfigure   = &serviceAccountResource{}
	_ resource.ResourceWithImportState = &serviceAccountResource{}
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
				Validators: []validator.String{stringvalidator.UTF8LengthAtMost(500), orgUserNoControlCharacters()},
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

// Configure stores the API client.
func (r *serviceAccountResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Create creates the service account, then deactivates it when the configuration says
// active = false.
func (r *serviceAccountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan serviceAccountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	email := plan.Email.ValueString()
	sa, err := r.client.ServiceAccounts.Create(ctx, serviceAccountCreateOptions(plan))
	if err != nil {
		orgUserCreateError(ctx, r.client, &resp.Diagnostics, orgUserKindServiceAccount, email, err)
		return
	}
	state := serviceAccountFromAPI(sa, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, sa.ID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || plan.Active.ValueBool() {
		return
	}

	// Created active, to be deactivated: if this fails, the state keeps the active account (Terraform
	// marks it tainted) and the error says what to do.
	id := sa.ID
	sa, err = r.client.ServiceAccounts.Deactivate(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(orgUserCreatedActiveError(orgUserKindServiceAccount, "alien_service_account", id, err))
		return
	}
	state = serviceAccountFromAPI(sa, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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

	sa, err := r.client.ServiceAccounts.Read(ctx, state.ID.ValueString())
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "service account", state.ID.ValueString(), err)
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
	var (
		sa  *client.ServiceAccount
		err error
	)
	if plan.Active.ValueBool() && !state.Active.ValueBool() {
		if sa, err = r.client.ServiceAccounts.Reactivate(ctx, id); err != nil {
			addAPIError(&resp.Diagnostics, "reactivating", "service account", id, err)
			return
		}
	}
	if !plan.Description.Equal(state.Description) {
		opts := client.ServiceAccountUpdateOptions{Description: plan.Description.ValueString()}
		if sa, err = r.client.ServiceAccounts.Update(ctx, id, opts); err != nil {
			diagnostic := apiErrorDiagnostic("updating", "service account", id, err)
			resp.Diagnostics.Append(diag.WithPath(path.Root("description"), diagnostic))
			return
		}
	}
	if !plan.Active.ValueBool() && state.Active.ValueBool() {
		if sa, err = r.client.ServiceAccounts.Deactivate(ctx, id); err != nil {
			addAPIError(&resp.Diagnostics, "deactivating", "service account", id, err)
			return
		}
	}
	if sa == nil {
		if sa, err = r.client.ServiceAccounts.Read(ctx, id); err != nil {
			addAPIError(&resp.Diagnostics, "reading", "service account", id, err)
			return
		}
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

	_, err := r.client.ServiceAccounts.Deactivate(ctx, state.ID.ValueString())
	if err != nil && !isNotFound(err) {
		addAPIError(&resp.Diagnostics, "deactivating", "service account", state.ID.ValueString(), err)
	}
}

// ImportState imports a service account by id (`sa_...`), by email, or by identity.
func (r *serviceAccountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, func(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
		orgUserImportState(ctx, r.client, orgUserKindServiceAccount, req, resp)
	})
}

// What follows is shared with alien_managed_user (managed_user_resource.go) and the data sources
// of both: the platform calls service accounts and managed users "organization users", with one
// lifecycle (create, deactivate, reactivate) and one email namespace.

// The kinds of organization users, as resources and messages name them.
const (
	orgUserKindServiceAccount = "service account"
	orgUserKindManagedUser    = "managed user"
)

// orgUserNoControlCharacters refuses control characters other than newline and tab, as the API does.
func orgUserNoControlCharacters() validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(`^(?:[^\p{Cc}]|[\n\t])*$`),
		"must not contain control characters (newlines and tabs are allowed)")
}

// orgUserStatusFromActive plans status from active, so that a plan shows the status to come.
func orgUserStatusFromActive() planmodifier.String { return statusFromActiveModifier{} }

// statusFromActiveModifier is the plan modifier orgUserStatusFromActive returns.
type statusFromActiveModifier struct{}

var _ planmodifier.String = statusFromActiveModifier{}

// Description describes the plan modifier in plain text.
func (statusFromActiveModifier) Description(_ context.Context) string {
	return "The status follows active: active when it is true, locked when it is false."
}

// MarkdownDescription describes the plan modifier in Markdown.
func (m statusFromActiveModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

// PlanModifyString plans "active" or "locked" when active is known.
func (statusFromActiveModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var active types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("active"), &active)...)
	if resp.Diagnostics.HasError() || active.IsNull() || active.IsUnknown() {
		return
	}
	if active.ValueBool() {
		resp.PlanValue = types.StringValue(string(client.UserActive))
	} else {
		resp.PlanValue = types.StringValue(string(client.UserLocked))
	}
}

// orgUserLockedAtFromActive plans locked_at from active: unchanged while active does not change,
// null when the user is (re)activated, known after apply when it is deactivated.
func orgUserLockedAtFromActive() planmodifier.String { return lockedAtFromActiveModifier{} }

// lockedAtFromActiveModifier is the plan modifier orgUserLockedAtFromActive returns.
type lockedAtFromActiveModifier struct{}

var _ planmodifier.String = lockedAtFromActiveModifier{}

// Description describes the plan modifier in plain text.
func (lockedAtFromActiveModifier) Description(_ context.Context) string {
	return "Unchanged while active does not change; null once active is true; set on deactivation."
}

// MarkdownDescription describes the plan modifier in Markdown.
func (m lockedAtFromActiveModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

// PlanModifyString plans locked_at.
func (lockedAtFromActiveModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var active types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("active"), &active)...)
	if resp.Diagnostics.HasError() || active.IsNull() || active.IsUnknown() {
		return
	}
	if active.ValueBool() {
		resp.PlanValue = types.StringNull()
		return
	}
	if req.State.Raw.IsNull() {
		return // created deactivated: known after apply
	}
	var prior types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("active"), &prior)...)
	if !resp.Diagnostics.HasError() && !prior.IsNull() && !prior.IsUnknown() && !prior.ValueBool() {
		resp.PlanValue = req.StateValue // stays deactivated: the same lock
	}
}

// orgUserByEmail finds the user of a kind (a service account or a managed user) with email
// (compared case-insensitively by the API): found is false when there is none.
func orgUserByEmail(ctx context.Context, c *client.Client, kind, email string) (id string, locked, found bool, err error) {
	var status client.UserStatus
	if kind == orgUserKindManagedUser {
		var users []*client.ManagedUser
		if users, err = c.ManagedUsers.List(ctx, client.ManagedUserListOptions{Email: &email}); err == nil && len(users) > 0 {
			id, status = users[0].ID, users[0].Status
		}
	} else {
		var accounts []*client.ServiceAccount
		if accounts, err = c.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{Email: &email}); err == nil && len(accounts) > 0 {
			id, status = accounts[0].ID, accounts[0].Status
		}
	}
	return id, status == client.UserLocked, id != "", err
}

// orgUserImportState imports a service account or a managed user (kind) by id, or by email: it
// looks the email up, so that state holds the id.
func orgUserImportState(ctx context.Context, c *client.Client, kind string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if strings.Contains(id, "@") {
		foundID, _, found, err := orgUserByEmail(ctx, c, kind, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "importing", kind, id, err)
			return
		}
		if !found {
			resp.Diagnostics.AddError("Cannot import "+kind,
				fmt.Sprintf("The organization has no %s with the email %q. Import a %s by its id (%s...) or its email.",
					kind, id, kind, orgUserIDPrefix(kind)))
			return
		}
		id = foundID
	} else if !orgUserImportIDOK(&resp.Diagnostics, kind, id) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// orgUserIDPrefix is the prefix of the ids of a kind of users: sa_ for service accounts, mu_ for
// managed users.
func orgUserIDPrefix(kind string) string {
	if kind == orgUserKindManagedUser {
		return "mu_"
	}
	return "sa_"
}

// orgUserImportIDOK refuses, before any API call, an import id that is the other kind's (the API
// prefixes ids: sa_ for service accounts, mu_ for managed users).
func orgUserImportIDOK(diags *diag.Diagnostics, kind, id string) bool {
	resourceType, otherType, otherKind := "alien_service_account", "alien_managed_user", orgUserKindManagedUser
	if kind == orgUserKindManagedUser {
		resourceType, otherType, otherKind = "alien_managed_user", "alien_service_account", orgUserKindServiceAccount
	}
	if strings.HasPrefix(id, orgUserIDPrefix(otherKind)) {
		diags.AddError("Cannot import "+kind,
			fmt.Sprintf("%q is the id of a %s, not of a %s: import it as %s, or give %s the id or email of a %s.",
				id, otherKind, kind, otherType, resourceType, kind))
		return false
	}
	if strings.TrimSpace(id) == "" {
		diags.AddError("Cannot import "+kind, "The import id is empty: give the "+kind+"'s id or email.")
		return false
	}
	return true
}

// orgUserCreatedActiveError reports a user created but not deactivated as the configuration asked
// (active = false). Terraform taints it, and replacing it would fail (its email stays taken), so the
// detail says to untaint it and apply again.
func orgUserCreatedActiveError(kind, resourceType, id string, err error) diag.Diagnostic {
	d := apiErrorDiagnostic("deactivating", kind, id, err)
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+fmt.Sprintf("\n\nThe %s %s was created but is still "+
		"active, and Terraform marks it tainted. Replacing it would fail (a %s is never deleted, so its email "+
		"stays taken): run `terraform untaint %s.<name>`, then apply again to deactivate it.", kind, id, kind, resourceType))
}

// orgUserCreateError reports a failed create of a service account or managed user (kind) with
// email, adding what the user can do for the two failures they can act on: an email that belongs
// to an existing service account or managed user (they are never deleted, only locked), and an
// organization that is not on the Enterprise plan.
func orgUserCreateError(ctx context.Context, c *client.Client, diags *diag.Diagnostics, kind, email string, err error) {
	d := apiErrorDiagnostic("creating", kind, email, err)
	var hint string
	switch {
	case errors.Is(err, client.ErrConflict):
		hint = orgUserEmailTakenHint(ctx, c, kind, email)
	case errors.Is(err, client.ErrPlanRequired):
		hint = "Service accounts and managed users are available on the Enterprise plan only. An organization's " +
			"plan changes through billing, not through Terraform: upgrade the organization to Enterprise, or remove " +
			"this resource from the configuration."
	}
	if hint != "" {
		d = diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+hint)
	}
	diags.Append(diag.WithPath(path.Root("email"), d))
}

// orgUserEmailTakenHint finds the service account or managed user that holds email and says how
// to manage it instead. It answers a generic hint when the holder cannot be found.
func orgUserEmailTakenHint(ctx context.Context, c *client.Client, kind, email string) string {
	var holderKind, holderType, holderID string
	var locked bool
	for _, k := range []struct{ kind, resourceType string }{
		{orgUserKindServiceAccount, "alien_service_account"}, {orgUserKindManagedUser, "alien_managed_user"},
	} {
		if id, l, found, err := orgUserByEmail(ctx, c, k.kind, email); err == nil && found {
			holderKind, holderType, holderID, locked = k.kind, k.resourceType, id, l
			break
		}
	}
	if holderID == "" {
		return "An email identifies one service account or managed user in the organization. Use another " +
			"email, or import the existing service account or managed user that has it."
	}

	state := "an active"
	if locked {
		state = "a locked (deactivated)"
	}
	adopt := fmt.Sprintf("import it with `terraform import %s.<name> %s`, or an `import` block with `id = %q`",
		holderType, holderID, holderID)
	if locked {
		adopt += ", and set `active = true` to reactivate it"
	}
	if holderKind != kind {
		return fmt.Sprintf("The email %q belongs to %s %s, %s. An email identifies one user in the organization: "+
			"it cannot be a %s and a %s at once. Use another email, or manage the existing %s with %s: %s.",
			email, state, holderKind, holderID, kind, holderKind, holderKind, holderType, adopt)
	}
	kept := ""
	if locked {
		kept = fmt.Sprintf(" Deactivated %ss are kept for audit and never deleted, so the email stays taken.", kind)
	}
	return fmt.Sprintf("The email %q belongs to %s %s, %s.%s To manage it with Terraform, %s.",
		email, state, kind, holderID, kept, adopt)
}
