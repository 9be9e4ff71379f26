package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ datasource.DataSource              = &currentIdentityDataSource{}
	_ datasource.DataSourceWithConfigure = &currentIdentityDataSource{}
)

// NewCurrentIdentityDataSource returns the alien_current_identity data source.
func NewCurrentIdentityDataSource() datasource.DataSource {
	return &currentIdentityDataSource{}
}

// currentIdentityDataSource reads who the provider's credential is (GET /me).
type currentIdentityDataSource struct {
	client *client.Client
}

// currentIdentityModel maps the data source's schema.
type currentIdentityModel struct {
	Kind             types.String `tfsdk:"kind"`
	OrganizationID   types.String `tfsdk:"organization_id"`
	OrganizationName types.String `tfsdk:"organization_name"`
	OrganizationPlan types.String `tfsdk:"organization_plan"`
	UserID           types.String `tfsdk:"user_id"`
	Email            types.String `tfsdk:"email"`
	Role             types.String `tfsdk:"role"`
	Scope            types.String `tfsdk:"scope"`
	TokenID          types.String `tfsdk:"token_id"`
	ServiceAccountID types.String `tfsdk:"service_account_id"`
	ManagedUserID    types.String `tfsdk:"managed_user_id"`
	OAuthClientID    types.String `tfsdk:"oauth_client_id"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
}

// currentIdentityFromAPI maps the API's answer to the model.
func currentIdentityFromAPI(id *client.Identity) currentIdentityModel {
	return currentIdentityModel{
		Kind:             types.StringValue(string(id.Kind)),
		OrganizationID:   types.StringValue(id.Organization.ID),
		OrganizationName: types.StringValue(id.Organization.Name),
		OrganizationPlan: types.StringValue(string(id.Organization.Plan)),
		UserID:           types.StringPointerValue(id.UserID),
		Email:            types.StringPointerValue(id.Email),
		Role:             types.StringValue(id.Role),
		Scope:            scopeFromAPI(id.Scope),
		TokenID:          types.StringPointerValue(id.TokenID),
		ServiceAccountID: types.StringPointerValue(id.ServiceAccountID),
		ManagedUserID:    types.StringPointerValue(id.ManagedUserID),
		OAuthClientID:    types.StringPointerValue(id.OAuthClientID),
		ExpiresAt:        timePointerValue(id.ExpiresAt),
	}
}

// Metadata returns the data source type name.
func (d *currentIdentityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_current_identity"
}

// Schema describes the data source.
func (d *currentIdentityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who the provider's credential is: the kind of credential, its organization, " +
			"the user or service account behind it, its scope and its expiry. Useful to check that a " +
			"pipeline runs with the credential it should, or to reference the organization's id.",
		Attributes: map[string]schema.Attribute{
			"kind": schema.StringAttribute{
				MarkdownDescription: "The kind of credential: `organization_key` (an API token without a service " +
					"account), `service_account_token`, `oauth_client` (an access token of an OAuth client) or " +
					"`managed_user` (a managed user's session).",
				Computed: true,
			},
			"organization_id": schema.StringAttribute{
				MarkdownDescription: "The id of the credential's organization (`org_...`).",
				Computed:            true,
			},
			"organization_name": schema.StringAttribute{
				MarkdownDescription: "The display name of the credential's organization.",
				Computed:            true,
			},
			"organization_plan": schema.StringAttribute{
				MarkdownDescription: "The plan of the credential's organization: `free`, `team` or `enterprise`.",
				Computed:            true,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user behind the credential (`usr_...`): the creator of an organization key " +
					"or OAuth client. Null for service-account tokens and managed users.",
				Computed: true,
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The email of the user, service account or managed user behind the credential.",
				Computed:            true,
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "What the credential may do: `owner` (everything in its organization) or " +
					"`client` (datasets only: service-account tokens and managed users).",
				Computed: true,
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "The scope of a service-account token: `read` or `read_write`. Null for other credentials.",
				Computed:            true,
			},
			"token_id": schema.StringAttribute{
				MarkdownDescription: "The id of the API token (`tok_...`) when the credential is one.",
				Computed:            true,
			},
			"service_account_id": schema.StringAttribute{
				MarkdownDescription: "The service account (`sa_...`) that owns the token, for a service-account token.",
				Computed:            true,
			},
			"managed_user_id": schema.StringAttribute{
				MarkdownDescription: "The managed user (`mu_...`), for a managed user's session.",
				Computed:            true,
			},
			"oauth_client_id": schema.StringAttribute{
				MarkdownDescription: "The OAuth client (`oc_...`), for an OAuth client's access token.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the credential expires (RFC 3339). Null when it never does.",
				Computed:            true,
			},
		},
	}
}

// Configure stores the API client.
func (d *currentIdentityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read asks the API who the credential is.
func (d *currentIdentityDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	identity, err := d.client.Identity.Read(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "current identity", "", err)
		return
	}
	state := currentIdentityFromAPI(identity)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
