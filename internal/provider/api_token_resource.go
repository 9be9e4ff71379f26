package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ resource.Resource                   = &apiTokenResource{}
	_ resource.ResourceWithConfigure      = &apiTokenResource{}
	_ resource.ResourceWithImportState    = &apiTokenResource{}
	_ resource.ResourceWithIdentity       = &apiTokenResource{}
	_ resource.ResourceWithModifyPlan     = &apiTokenResource{}
	_ resource.ResourceWithValidateConfig = &apiTokenResource{}
)

// NewAPITokenResource returns the alien_api_token resource.
func NewAPITokenResource() resource.Resource {
	return &apiTokenResource{}
}

// apiTokenResource manages an API token: an organization key, or a service-account token.
type apiTokenResource struct {
	client *client.Client
	notes  *planNotes
}

// apiTokenModel maps the resource's schema.
type apiTokenModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	ExpiresIn        types.String `tfsdk:"expires_in"`
	ServiceAccountID types.String `tfsdk:"service_account_id"`
	Scope            types.String `tfsdk:"scope"`
	RotateBefore     types.String `tfsdk:"rotate_before"`
	Keepers          types.Map    `tfsdk:"keepers"`
	Kind             types.String `tfsdk:"kind"`
	Token            types.String `tfsdk:"token"`
	Status           types.String `tfsdk:"status"`
	CreatedAt        types.String `tfsdk:"created_at"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
	LastUsedAt       types.String `tfsdk:"last_used_at"`
}

// apiTokenFromAPI copies what the API answered into m. The secret (token) and the provider-only
// arguments (rotate_before, keepers) are not the API's: m keeps them as they are.
func apiTokenFromAPI(t *client.APIToken, m *apiTokenModel) {
	m.ID = types.StringValue(t.ID)
	m.Name = types.StringValue(t.Name)
	m.ExpiresIn = types.StringValue(string(t.ExpiresIn))
	m.ServiceAccountID = types.StringPointerValue(t.ServiceAccountID)
	m.Scope = scopeFromAPI(t.Scope)
	m.Kind = types.StringValue(string(t.Kind))
	m.Status = types.StringValue(string(t.Status))
	m.CreatedAt = timeValue(t.CreatedAt)
	m.ExpiresAt = timePointerValue(t.ExpiresAt)
	m.LastUsedAt = timePointerValue(t.LastUsedAt)
}

// apiTokenCreateOptions builds the API's create request from the planned values.
func apiTokenCreateOptions(m apiTokenModel) client.APITokenCreateOptions {
	opts := client.APITokenCreateOptions{
		Name:      m.Name.ValueString(),
		ExpiresIn: client.Expiry(m.ExpiresIn.ValueString()),
	}
	if !m.ServiceAccountID.IsNull() {
		opts.ServiceAccountID = m.ServiceAccountID.ValueStringPointer()
	}
	if !m.Scope.IsNull() {
		s := scopeToAPI(m.Scope.ValueString())
		opts.Scope = &s
	}
	return opts
}

// apiTokenLifetimes are the token lifetimes, by expires_in; "never" has none. A year is counted
// as 365 days, the shortest a year can be.
var apiTokenLifetimes = map[string]time.Duration{
	string(client.Expiry30d): 30 * 24 * time.Hour,
	string(client.Expiry90d): 90 * 24 * time.Hour,
	string(client.Expiry1y):  365 * 24 * time.Hour,
}

// apiTokenPrivateImported is the private-state key set on a token brought in by import, until
// its first apply: keepers that were never recorded are then adopted without replacing the token.
const apiTokenPrivateImported = "imported"

// now is the time against which rotate_before is judged: the API's clock, which stamped the
// token's expiry, as its answers' Date header tells it (the refresh before a plan is one), so that
// a skewed local clock rotates neither early nor late; the local clock without a client.
func (r *apiTokenResource) now() time.Time {
	if r.client == nil {
		return time.Now()
	}
	return r.client.ServerNow()
}

// Metadata returns the resource type name.
func (r *apiTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

// Schema describes the resource.
func (r *apiTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API token: an **organization key** (no `service_account_id`), with full access to " +
			"its organization, or a **service-account token** (`service_account_id` and `scope`), which authenticates " +
			"as the service account with a read-only or read + write scope. The token's value is shown by the API " +
			"once, at creation: it is captured then in the sensitive `token` attribute. Destroying the resource revokes " +
			"the token. A token that is revoked outside Terraform, that expires, or whose service account is " +
			"deactivated leaves the state on the next refresh, so that the next plan creates a new one. " +
			"`rotate_before` and `keepers` rotate a token ahead of its expiry or on your own schedule; with " +
			"`lifecycle { create_before_destroy = true }` the new token exists before the old one is revoked.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The token's id (`tok_...`). It is also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "A descriptive label, such as the integration that uses the token (\"CI Pipeline\"). " +
					"1 to 100 characters, on one line. The platform cannot rename a token: changing it **replaces** the token.",
				Required:      true,
				Validators:    nameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"expires_in": schema.StringAttribute{
				MarkdownDescription: "The token's lifetime from its creation: `never`, `30d`, `90d` or `1y`. Required, " +
					"with no default: a token that never expires is a standing risk if it leaks, and one that expires " +
					"unnoticed breaks the integration that uses it, so the choice is yours to make explicitly (with " +
					"`rotate_before` for tokens that expire). Changing it **replaces** the token.",
				Required: true,
				Validators: []validator.String{stringvalidator.OneOf(string(client.ExpiryNever),
					string(client.Expiry30d), string(client.Expiry90d), string(client.Expiry1y))},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"service_account_id": schema.StringAttribute{
				MarkdownDescription: "The service account (`sa_...`) the token authenticates as, for a service-account " +
					"token (Enterprise plan); requires `scope`. Omit it for an organization key. Managed users (`mu_...`) " +
					"cannot hold API tokens. Changing it **replaces** the token.",
				Optional:      true,
				Validators:    []validator.String{apiTokenOwnerValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "What a service-account token may do: `read` (read-only: search and read datasets; " +
					"the platform's `api-key`) or `read_write` (also create datasets, upload, run pipelines; the platform's " +
					"`api-secret`). Required with `service_account_id`, refused without it (an organization key has full " +
					"access). Changing it **replaces** the token.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.OneOf(scopeRead, scopeReadWrite)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "Rotate the token this long before it expires: a duration such as `\"30d\"`, " +
					"`\"720h\"` or `\"7d12h\"` (units `d`, `h`, `m`, `s`). When a plan runs and the token expires within " +
					"this duration, the plan **replaces** it (`expires_at` shows \"forces replacement\"), so a scheduled " +
					"`terraform apply` renews tokens before they lapse. Must be shorter than the token's lifetime; not " +
					"allowed with `expires_in = \"never\"`. Changing it updates in place. No default: no rotation ahead of expiry.",
				Optional:   true,
				Validators: []validator.String{apiTokenRotateBeforeValidator{}},
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings that, when any of them changes, **replace** the token: a rotation " +
					"trigger on your own schedule (for example the `id` of a `time_rotating` resource), as `keepers` in " +
					"the `random` provider. After an import, keepers set for the first time are recorded without " +
					"replacing the token.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{apiTokenKeepersModifier{}},
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "`organization_key` or `service_account_token`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The token's value (`oat_...`), to use as `Authorization: Bearer <token>`. Sensitive. " +
					"The API shows it once, at creation: it is captured then and never read again. It is **null after an " +
					"import**, because the platform cannot give it back.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active` while the token is in the state: a revoked or expired token leaves the " +
					"state on refresh.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the token was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token expires (RFC 3339); null when `expires_in` is `never`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_used_at": schema.StringAttribute{
				MarkdownDescription: "When the token last authenticated a request (RFC 3339; the platform records it " +
					"at most once a minute); null if it never did. It changes as the token is used, which never causes " +
					"a plan difference.",
				Computed: true,
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *apiTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("`tok_...`")
}

// Configure stores the API client.
func (r *apiTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
	r.notes = notesFromProviderData(req.ProviderData)
}

// ValidateConfig checks what depends on several arguments, at plan time and before any API call:
// scope goes with service_account_id, and rotate_before with a token that expires.
func (r *apiTokenResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config apiTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	switch {
	case config.ServiceAccountID.IsNull() && !config.Scope.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("scope"), "Scope on an organization key",
			"scope applies to service-account tokens only: a token without service_account_id is an organization "+
				"key, with full access to its organization. Remove scope, or set service_account_id to issue a "+
				"service-account token.")
	case !config.ServiceAccountID.IsNull() && config.Scope.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("scope"), "Missing scope for a service-account token",
			`A service-account token needs a scope: "read" (read-only, the platform's api-key) or "read_write" `+
				`(read + write, the platform's api-secret). Prefer "read" unless write access is needed.`)
	}

	if config.RotateBefore.IsNull() || config.RotateBefore.IsUnknown() || config.ExpiresIn.IsUnknown() {
		return
	}
	rotateBefore, err := parseRotateBefore(config.RotateBefore.ValueString())
	if err != nil {
		return // the attribute's validator reports it
	}
	expiresIn := config.ExpiresIn.ValueString()
	if expiresIn == string(client.ExpiryNever) {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before on a token that never expires",
			`rotate_before rotates a token ahead of its expiry, but expires_in is "never". Remove rotate_before, `+
				`or choose an expiry ("30d", "90d" or "1y"). To rotate a token that never expires, use keepers.`)
		return
	}
	if lifetime, ok := apiTokenLifetimes[expiresIn]; ok && rotateBefore >= lifetime {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before too long",
			fmt.Sprintf("rotate_before (%s) must be shorter than the token's lifetime (expires_in = %q, %s): "+
				"otherwise every plan would replace the token.", config.RotateBefore.ValueString(), expiresIn,
				formatDays(lifetime)))
	}
}

// ModifyPlan plans the replacement of a token that expires within rotate_before, and what a new
// token's kind and status will be; a new token (a create, or a replacement) for a service account
// known to be locked fails.
func (r *apiTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		apiTokenPlanNew(ctx, req, resp)
	} else {
		r.planRotation(ctx, req, resp)
	}
	if req.State.Raw.IsNull() || len(resp.RequiresReplace) > 0 {
		r.checkServiceAccountNotLocked(ctx, req, resp)
	}
}

// checkServiceAccountNotLocked fails the plan of a new token for a service account that the API
// says is locked (the API would refuse the token at apply, 409), with the attribute path, unless
// this run's plan reactivates the account first (planNotes). When the account's status cannot be
// known (the id is unknown, the provider is not configured yet, the read fails), the API decides.
func (r *apiTokenResource) checkServiceAccountNotLocked(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("service_account_id"), &id)...)
	if r.client == nil || resp.Diagnostics.HasError() || id.IsNull() || id.IsUnknown() || r.notes.reactivates(id.ValueString()) {
		return
	}
	sa, err := r.client.ServiceAccounts.Read(ctx, id.ValueString())
	if err != nil || sa.Status != client.UserLocked {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("service_account_id"), "Service account is locked",
		fmt.Sprintf("Service account %s (%s) is locked (deactivated): a locked service account cannot hold API tokens, "+
			"and the API would refuse this one at apply.\n\nReactivate it first: set active = true on its "+
			"alien_service_account (when it is in this configuration, the same apply reactivates it before it "+
			"creates the token), or issue the token for another service account.", sa.ID, sa.Email))
}

// planRotation plans the replacement of an existing token that expires within
// rotate_before.
func (r *apiTokenResource) planRotation(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan, state apiTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.RotateBefore.IsNull() || plan.RotateBefore.IsUnknown() || state.ExpiresAt.IsNull() {
		return
	}
	rotateBefore, err := parseRotateBefore(plan.RotateBefore.ValueString())
	if err != nil {
		return // the attribute's validator reports it
	}
	expiresAt, err := time.Parse(time.RFC3339, state.ExpiresAt.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Unreadable expiry in state",
			fmt.Sprintf("The state holds expires_at %q for API token %q, which is not an RFC 3339 time: %s. "+
				"This is a bug in the provider: please report it.", state.ExpiresAt.ValueString(), state.ID.ValueString(), err))
		return
	}
	now := r.now()
	if now.Add(rotateBefore).Before(expiresAt) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringUnknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expires_at"))
	resp.Diagnostics.AddAttributeWarning(path.Root("rotate_before"), "API token due for rotation",
		fmt.Sprintf("API token %q (%s) expires at %s (%s), within rotate_before (%s): Terraform plans "+
			"to replace it with a new token. With create_before_destroy, the new token is created before the old "+
			"one is revoked.", state.Name.ValueString(), state.ID.ValueString(), state.ExpiresAt.ValueString(),
			formatRemaining(expiresAt.Sub(now)), plan.RotateBefore.ValueString()))
}

// apiTokenPlanNew plans what is already known of a token to be created (or of the new token of a
// replacement): its kind follows from service_account_id, a new token is active, and one that
// never expires has no expiry.
func apiTokenPlanNew(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan apiTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind := client.TokenKindServiceAccountToken
	if plan.ServiceAccountID.IsNull() {
		kind = client.TokenKindOrganizationKey
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("kind"), string(kind))...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), string(client.TokenActive))...)
	if plan.ExpiresIn.ValueString() == string(client.ExpiryNever) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringNull())...)
	}
}

// Create issues the token and captures its one-time value.
func (r *apiTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := r.client.APITokens.Create(ctx, apiTokenCreateOptions(plan))
	if err != nil {
		addAPIError(&resp.Diagnostics, "creating", "API token", plan.Name.ValueString(), err)
		return
	}
	state := plan
	apiTokenFromAPI(&created.APIToken, &state)
	state.Token = types.StringValue(created.Token)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, created.ID, &resp.Diagnostics)
}

// Read refreshes the token. A token that no longer works (revoked, expired, gone) leaves the
// state, so that the next plan creates a new one.
func (r *apiTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIDIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)

	tok, err := r.client.APITokens.Read(ctx, state.ID.ValueString())
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "API token", state.ID.ValueString(), err)
		return
	}
	if tok.Status != client.TokenActive {
		resp.Diagnostics.AddWarning("API token no longer works",
			fmt.Sprintf("API token %q (%s) is %s%s: requests with it get 401 Unauthorized. It is removed from the "+
				"state, and the next plan creates a new token if the configuration still declares it.",
				tok.Name, tok.ID, tok.Status, apiTokenEndedAt(tok)))
		resp.State.RemoveResource(ctx)
		return
	}
	apiTokenFromAPI(tok, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update records rotate_before and keepers, the only arguments that change in place (neither is
// the API's), and refreshes the rest.
func (r *apiTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior apiTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}

	tok, err := r.client.APITokens.Read(ctx, prior.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "updating", "API token", prior.ID.ValueString(), err)
		return
	}
	state := plan
	state.Token = prior.Token
	apiTokenFromAPI(tok, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, tok.ID, &resp.Diagnostics)
	// Keepers are recorded now: from here on, changing them replaces the token.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, apiTokenPrivateImported, nil)...)
}

// Delete revokes the token; a token already revoked, expired or gone is done.
func (r *apiTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	err := r.client.APITokens.Revoke(ctx, state.ID.ValueString())
	if err != nil && !isNotFound(err) {
		addAPIError(&resp.Diagnostics, "revoking", "API token", state.ID.ValueString(), err)
	}
}

// ImportState imports a token by id or identity (importByID).
func (r *apiTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, r.importByID)
}

// importByID imports a token by id. Its value cannot be read back: token stays null.
func (r *apiTokenResource) importByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !strings.HasPrefix(req.ID, "tok_") || strings.ContainsAny(req.ID, "/?# ") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("An API token is imported by its id, such as tok_abcdefghijklmnop; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	if resp.Private != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, apiTokenPrivateImported, []byte("true"))...)
	}
}

// apiTokenEndedAt says when a token stopped working, for messages (" at <time>", or "").
func apiTokenEndedAt(t *client.APIToken) string {
	switch {
	case t.Status == client.TokenRevoked && t.RevokedAt != nil:
		return " since " + t.RevokedAt.UTC().Format(time.RFC3339)
	case t.Status == client.TokenExpired && t.ExpiresAt != nil:
		return " since " + t.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return ""
}

// apiTokenKeepersModifier replaces the token when keepers change, as keepers do in the random
// provider, except right after an import: keepers then have no recorded value yet, and the
// first configured ones are adopted in place.
type apiTokenKeepersModifier struct{}

var _ planmodifier.Map = apiTokenKeepersModifier{}

// Description describes the modifier in plain text.
func (m apiTokenKeepersModifier) Description(_ context.Context) string {
	return "Any change of keepers replaces the token (except when keepers are first set on an imported token)."
}

// MarkdownDescription describes the modifier in Markdown.
func (m apiTokenKeepersModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

// PlanModifyMap requires replacement when keepers change.
func (m apiTokenKeepersModifier) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	if req.PlanValue.IsUnknown() {
		resp.RequiresReplace = true
		return
	}
	if len(req.PlanValue.Elements()) == 0 && len(req.StateValue.Elements()) == 0 {
		return // null and empty are the same set of keepers
	}
	if req.StateValue.IsNull() {
		imported, diags := req.Private.GetKey(ctx, apiTokenPrivateImported)
		resp.Diagnostics.Append(diags...)
		if imported != nil {
			return
		}
	}
	resp.RequiresReplace = true
}

// apiTokenOwnerValidator checks a token owner's id: a service account's (sa_...), never a managed
// user's (mu_...).
type apiTokenOwnerValidator struct{}

var _ validator.String = apiTokenOwnerValidator{}

// Description describes the validation in plain text.
func (apiTokenOwnerValidator) Description(_ context.Context) string {
	return "value must be a service account's id (sa_...); managed users cannot hold API tokens"
}

// MarkdownDescription describes the validation in Markdown.
func (v apiTokenOwnerValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known value.
func (apiTokenOwnerValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id := req.ConfigValue.ValueString()
	switch {
	case strings.HasPrefix(id, "mu_"):
		resp.Diagnostics.AddAttributeError(req.Path, "Managed users cannot hold API tokens",
			fmt.Sprintf("%q is a managed user's id: managed users log in with email and password and cannot hold "+
				"API tokens. Issue the token to a service account (alien_service_account, id sa_...) instead.", id))
	case !strings.HasPrefix(id, "sa_") || len(id) == len("sa_") || strings.ContainsAny(id, "/?# "):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid service account id",
			fmt.Sprintf("%q is not a service account's id (sa_..., such as alien_service_account.x.id).", id))
	}
}

// apiTokenRotateBeforeValidator checks a rotate_before duration.
type apiTokenRotateBeforeValidator struct{}

var _ validator.String = apiTokenRotateBeforeValidator{}

// Description describes the validation in plain text.
func (apiTokenRotateBeforeValidator) Description(_ context.Context) string {
	return `value must be a positive duration such as "30d", "720h" or "7d12h"`
}

// MarkdownDescription describes the validation in Markdown.
func (v apiTokenRotateBeforeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known value.
func (apiTokenRotateBeforeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRotateBefore(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid rotate_before",
			fmt.Sprintf("%q is not usable: %s.", req.ConfigValue.ValueString(), err))
	}
}

// rotateBeforeRegexp splits a duration into whole days and the rest ("7d12h" → "7", "12h").
var rotateBeforeRegexp = regexp.MustCompile(`^(?:(\d{1,4})d)?(.*)$`)

// parseRotateBefore parses a positive duration in days ("30d"), in Go's units ("720h", "90m"),
// or both ("7d12h").
func parseRotateBefore(s string) (time.Duration, error) {
	bad := fmt.Errorf(`it must be a positive duration such as "30d", "720h" or "7d12h" (units d, h, m, s)`)
	m := rotateBeforeRegexp.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || (m[1] == "" && m[2] == "") {
		return 0, bad
	}
	var d time.Duration
	if m[1] != "" {
		days, err := strconv.Atoi(m[1])
		if err != nil {
			return 0, bad
		}
		d = time.Duration(days) * 24 * time.Hour
	}
	if m[2] != "" {
		if strings.HasPrefix(m[2], "-") || strings.HasPrefix(m[2], "+") {
			return 0, bad
		}
		rest, err := time.ParseDuration(m[2])
		if err != nil {
			return 0, bad
		}
		d += rest
	}
	if d <= 0 {
		return 0, bad
	}
	return d, nil
}

// formatDays prints a whole number of days as "30 days".
func formatDays(d time.Duration) string {
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

// formatRemaining says coarsely how long is left: "in 6d 23h", "in 5h 2m", or "already passed".
func formatRemaining(d time.Duration) string {
	switch {
	case d <= 0:
		return "already passed"
	case d >= 24*time.Hour:
		return fmt.Sprintf("in %dd %dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	default:
		return fmt.Sprintf("in %dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}
