package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ datasource.DataSource              = &apiTokensDataSource{}
	_ datasource.DataSourceWithConfigure = &apiTokensDataSource{}
)

// NewAPITokensDataSource returns the alien_api_tokens data source.
func NewAPITokensDataSource() datasource.DataSource {
	return &apiTokensDataSource{}
}

// apiTokensDataSource lists the organization's API tokens, never their secrets.
type apiTokensDataSource struct {
	client *client.Client
}

// apiTokensModel maps the data source's schema.
type apiTokensModel struct {
	ServiceAccountID types.String        `tfsdk:"service_account_id"`
	Kind             types.String        `tfsdk:"kind"`
	Status           types.String        `tfsdk:"status"`
	Expired          types.Bool          `tfsdk:"expired"`
	NotUsedSince     types.String        `tfsdk:"not_used_since"`
	Tokens           []apiTokenItemModel `tfsdk:"tokens"`
}

// apiTokenItemModel is one token of the list.
type apiTokenItemModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Kind             types.String `tfsdk:"kind"`
	ServiceAccountID types.String `tfsdk:"service_account_id"`
	Scope            types.String `tfsdk:"scope"`
	Status           types.String `tfsdk:"status"`
	ExpiresIn        types.String `tfsdk:"expires_in"`
	CreatedAt        types.String `tfsdk:"created_at"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
	LastUsedAt       types.String `tfsdk:"last_used_at"`
	RevokedAt        types.String `tfsdk:"revoked_at"`
}

// apiTokenItemFromAPI maps a listed token.
func apiTokenItemFromAPI(t *client.APIToken) apiTokenItemModel {
	return apiTokenItemModel{
		ID:               types.StringValue(t.ID),
		Name:             types.StringValue(t.Name),
		Kind:             types.StringValue(string(t.Kind)),
		ServiceAccountID: types.StringPointerValue(t.ServiceAccountID),
		Scope:            scopeFromAPI(t.Scope),
		Status:           types.StringValue(string(t.Status)),
		ExpiresIn:        types.StringValue(string(t.ExpiresIn)),
		CreatedAt:        timeValue(t.CreatedAt),
		ExpiresAt:        timePointerValue(t.ExpiresAt),
		LastUsedAt:       timePointerValue(t.LastUsedAt),
		RevokedAt:        timePointerValue(t.RevokedAt),
	}
}

// apiTokenListOptions builds the API's filters from the configuration; the filters the API does
// not have (expired, not_used_since) are applied by apiTokenKept.
func apiTokenListOptions(m apiTokensModel) client.APITokenListOptions {
	var opts client.APITokenListOptions
	if !m.ServiceAccountID.IsNull() {
		opts.ServiceAccountID = m.ServiceAccountID.ValueStringPointer()
	}
	if !m.Kind.IsNull() {
		k := client.TokenKind(m.Kind.ValueString())
		opts.Kind = &k
	}
	if !m.Status.IsNull() {
		s := client.TokenStatus(m.Status.ValueString())
		opts.Status = &s
	}
	if !m.Expired.IsNull() && m.Expired.ValueBool() {
		s := client.TokenExpired
		opts.Status = &s
	}
	return opts
}

// apiTokenKept applies the expired and not_used_since filters. A token counts as expired by the
// platform's own clock (its status); notUsedSince keeps tokens never used or last used before it.
func apiTokenKept(t *client.APIToken, expired *bool, notUsedSince *time.Time) bool {
	if expired != nil && (t.Status == client.TokenExpired) != *expired {
		return false
	}
	if notUsedSince != nil && t.LastUsedAt != nil && !t.LastUsedAt.Before(*notUsedSince) {
		return false
	}
	return true
}

// apiTokenFilters reads a configuration's filters: the API's (apiTokenListOptions), and keep, which
// applies the others (apiTokenKept). It answers an error instead when not_used_since is not an
// RFC 3339 time (the attribute's validator refuses it first).
func apiTokenFilters(m apiTokensModel) (client.APITokenListOptions, func(*client.APIToken) bool, diag.Diagnostics) {
	expired := m.Expired.ValueBoolPointer() // nil when unset
	var notUsedSince *time.Time
	if !m.NotUsedSince.IsNull() {
		t, err := time.Parse(time.RFC3339, m.NotUsedSince.ValueString())
		if err != nil {
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root("not_used_since"), "Invalid not_used_since",
				fmt.Sprintf("%q is not an RFC 3339 time: %s.", m.NotUsedSince.ValueString(), err))
			return client.APITokenListOptions{}, nil, diags
		}
		notUsedSince = &t
	}
	keep := func(t *client.APIToken) bool { return apiTokenKept(t, expired, notUsedSince) }
	return apiTokenListOptions(m), keep, nil
}

// The filters of alien_api_tokens that the alien_api_token list block's config has too.

// apiTokenServiceAccountFilter is the service_account_id filter.
func apiTokenServiceAccountFilter() stringFilter {
	return stringFilter{
		description: "Only the tokens of this service account (`sa_...`).",
		validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// apiTokenKindFilter is the kind filter.
func apiTokenKindFilter() stringFilter {
	return stringFilter{
		description: "Only tokens of this kind: `organization_key` or `service_account_token`.",
		validators: []validator.String{stringvalidator.OneOf(string(client.TokenKindOrganizationKey),
			string(client.TokenKindServiceAccountToken))},
	}
}

// apiTokenStatusFilter is the status filter; unset says what an unset status means (" Unset: ..."),
// or is empty.
func apiTokenStatusFilter(unset string) stringFilter {
	return stringFilter{
		description: "Only tokens with this status: `active`, `revoked` or `expired`." + unset + " Conflicts with `expired`.",
		validators: []validator.String{
			stringvalidator.OneOf(string(client.TokenActive), string(client.TokenRevoked), string(client.TokenExpired)),
			stringvalidator.ConflictsWith(path.MatchRoot("expired")),
		},
	}
}

// apiTokenExpiredFilterDescription describes the expired filter (a bool: no validator).
const apiTokenExpiredFilterDescription = "`true`: only the tokens that have expired; `false`: only those that have not " +
	"(active or revoked). Expiry is judged by the platform's clock. Conflicts with `status`."

// apiTokenNotUsedSinceFilter is the not_used_since filter; more follows the example time in its
// description ("; with ..."), or is empty.
func apiTokenNotUsedSinceFilter(more string) stringFilter {
	return stringFilter{
		description: "Only the tokens never used, or last used before this time (RFC 3339, such as " +
			"`\"2025-01-01T00:00:00Z\"`" + more + ").",
		validators: []validator.String{apiTokensRFC3339Validator{}},
	}
}

// Metadata returns the data source type name.
func (d *apiTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_tokens"
}

// Schema describes the data source.
func (d *apiTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's API tokens (organization keys and service-account tokens) of every " +
			"status, oldest first, with when each was last used: the auditor's view. Token values are never part of " +
			"it. The filters combine: for the stale tokens that still work, set `status = \"active\"` and " +
			"`not_used_since` to a cut-off time.",
		Attributes: map[string]schema.Attribute{
			"service_account_id": apiTokenServiceAccountFilter().dataSource(),
			"kind":               apiTokenKindFilter().dataSource(),
			"status":             apiTokenStatusFilter("").dataSource(),
			"expired": schema.BoolAttribute{
				MarkdownDescription: apiTokenExpiredFilterDescription,
				Optional:            true,
			},
			"not_used_since": apiTokenNotUsedSinceFilter("; with `timeadd(plantimestamp(), \"-2160h\")` for \"not in 90 days\"").dataSource(),
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "The tokens that pass the filters, oldest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "The token's id (`tok_...`).",
							Computed:            true,
						},
						"name": schema.StringAttribute{
							MarkdownDescription: "The token's name.",
							Computed:            true,
						},
						"kind": schema.StringAttribute{
							MarkdownDescription: "`organization_key` or `service_account_token`.",
							Computed:            true,
						},
						"service_account_id": schema.StringAttribute{
							MarkdownDescription: "The service account of a service-account token; null for an organization key.",
							Computed:            true,
						},
						"scope": schema.StringAttribute{
							MarkdownDescription: "`read` or `read_write` for a service-account token; null for an organization key.",
							Computed:            true,
						},
						"status": schema.StringAttribute{
							MarkdownDescription: "`active`, `revoked` or `expired`.",
							Computed:            true,
						},
						"expires_in": schema.StringAttribute{
							MarkdownDescription: "The lifetime chosen at creation: `never`, `30d`, `90d` or `1y`.",
							Computed:            true,
						},
						"created_at": schema.StringAttribute{
							MarkdownDescription: "When the token was created (RFC 3339).",
							Computed:            true,
						},
						"expires_at": schema.StringAttribute{
							MarkdownDescription: "When the token expires or expired (RFC 3339); null if never.",
							Computed:            true,
						},
						"last_used_at": schema.StringAttribute{
							MarkdownDescription: "When the token last authenticated a request (RFC 3339); null if never.",
							Computed:            true,
						},
						"revoked_at": schema.StringAttribute{
							MarkdownDescription: "When the token was revoked (RFC 3339); null unless revoked.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

// Configure stores the API client.
func (d *apiTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the tokens and applies the filters.
func (d *apiTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config apiTokensModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	opts, keep, diags := apiTokenFilters(config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	tokens, err := d.client.APITokens.List(ctx, opts)
	if err != nil {
		addAPIError(&resp.Diagnostics, "listing", "API tokens", "", err)
		return
	}
	state := config
	state.Tokens = make([]apiTokenItemModel, 0, len(tokens))
	for _, t := range tokens {
		if keep(t) {
			state.Tokens = append(state.Tokens, apiTokenItemFromAPI(t))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// apiTokensRFC3339Validator checks a string attribute holding an RFC 3339 time.
type apiTokensRFC3339Validator struct{}

var _ validator.String = apiTokensRFC3339Validator{}

// Description describes the validation in plain text.
func (apiTokensRFC3339Validator) Description(_ context.Context) string {
	return `value must be an RFC 3339 time, such as "2025-01-01T00:00:00Z"`
}

// MarkdownDescription describes the validation in Markdown.
func (v apiTokensRFC3339Validator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known value.
func (apiTokensRFC3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time",
			fmt.Sprintf("%q is not an RFC 3339 time, such as \"2025-01-01T00:00:00Z\".", req.ConfigValue.ValueString()))
	}
}
