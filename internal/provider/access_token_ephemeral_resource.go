package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ ephemeral.EphemeralResource                   = &accessTokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigure      = &accessTokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &accessTokenEphemeralResource{}
)

// ephemeralResourceData is what the provider hands to its ephemeral resources
// (EphemeralResourceData): the API client, and the OAuth client credentials the provider itself
// authenticates with, which alien_access_token uses when it is given none.
type ephemeralResourceData struct {
	// Client is the provider's API client.
	Client *client.Client
	// ClientID and ClientSecret are the provider's OAuth client credentials; both are empty when
	// the provider authenticates with a token.
	ClientID     string
	ClientSecret string
}

// NewAccessTokenEphemeralResource returns the alien_access_token ephemeral resource.
func NewAccessTokenEphemeralResource() ephemeral.EphemeralResource {
	return &accessTokenEphemeralResource{}
}

// accessTokenEphemeralResource exchanges OAuth client credentials for a short-lived access token.
type accessTokenEphemeralResource struct {
	data *ephemeralResourceData
}

// accessTokenModel maps the ephemeral resource's schema.
type accessTokenModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	AccessToken  types.String `tfsdk:"access_token"`
	TokenType    types.String `tfsdk:"token_type"`
	ExpiresIn    types.Int64  `tfsdk:"expires_in"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// accessTokenFromAPI copies the token endpoint's answer into m; issuedAt is when it was asked.
func accessTokenFromAPI(t *client.AccessToken, issuedAt time.Time, m *accessTokenModel) {
	m.AccessToken = types.StringValue(t.AccessToken)
	m.TokenType = types.StringValue(t.TokenType)
	m.ExpiresIn = types.Int64Value(int64(t.ExpiresIn))
	m.ExpiresAt = types.StringNull()
	if t.ExpiresIn > 0 {
		m.ExpiresAt = timeValue(issuedAt.Add(time.Duration(t.ExpiresIn) * time.Second))
	}
}

// Metadata returns the ephemeral resource type name.
func (e *accessTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

// Schema describes the ephemeral resource.
func (e *accessTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived access token (`oaa_...`, one hour) obtained by exchanging an OAuth client's " +
			"credentials with the client-credentials grant. It acts like an organization key of the client's " +
			"organization and stops working as soon as the client is disabled or deleted. As an ephemeral resource " +
			"(Terraform 1.10 and later) it is never written to the plan or the state, and obtaining it creates " +
			"nothing on the platform: use it in provider blocks, other ephemeral resources or write-only arguments.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The OAuth client's client ID (`aic_...`), with `client_secret`. Defaults to the " +
					"provider's own `client_id` when the provider authenticates with an OAuth client.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The OAuth client's secret, with `client_id`. Sensitive. Defaults to the provider's " +
					"own `client_secret` when `client_id` is not set and the provider authenticates with an OAuth client.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "The access token, to use as `Authorization: Bearer <access_token>` or as the " +
					"`token` of a provider block. Sensitive.",
				Computed:  true,
				Sensitive: true,
			},
			"token_type": schema.StringAttribute{
				MarkdownDescription: "The token type: `Bearer`.",
				Computed:            true,
			},
			"expires_in": schema.Int64Attribute{
				MarkdownDescription: "How many seconds the access token is valid for, from when it was obtained (3600).",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the access token expires (RFC 3339), by the clock of the machine running Terraform.",
				Computed:            true,
			},
		},
	}
}

// Configure stores the provider's API client and credentials.
func (e *accessTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if req.ProviderData == nil {
		return // Terraform validates configurations before it configures providers.
	}
	data, ok := req.ProviderData.(*ephemeralResourceData)
	if !ok || data == nil || data.Client == nil {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *ephemeralResourceData, got %T. This is a bug in the provider: please report it.", req.ProviderData))
		return
	}
	e.data = data
}

// ValidateConfig checks that client_id and client_secret come together.
func (e *accessTokenEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var config accessTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case !config.ClientID.IsNull() && config.ClientSecret.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("client_secret"), "Missing OAuth client secret",
			"client_id is set but client_secret is not: set client_secret to the secret of that OAuth client "+
				"(such as alien_oauth_client.x.client_secret), or set neither to use the provider's own OAuth client.")
	case config.ClientID.IsNull() && !config.ClientSecret.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("client_id"), "Missing OAuth client ID",
			"client_secret is set but client_id is not: set client_id to the OAuth client's client ID "+
				"(such as alien_oauth_client.x.client_id), or set neither to use the provider's own OAuth client.")
	}
}

// Open obtains the access token.
func (e *accessTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config accessTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	clientID, clientSecret := config.ClientID.ValueString(), config.ClientSecret.ValueString()
	if config.ClientID.IsNull() {
		if e.data.ClientID == "" || e.data.ClientSecret == "" {
			resp.Diagnostics.AddAttributeError(path.Root("client_id"), "Missing OAuth client credentials",
				"alien_access_token exchanges an OAuth client's credentials for an access token, and the provider "+
					"authenticates with a token, not an OAuth client. Set client_id and client_secret (such as "+
					"alien_oauth_client.x.client_id and alien_oauth_client.x.client_secret), or configure the provider "+
					"with client_id and client_secret (or "+envClientID+" and "+envClientSecret+").")
			return
		}
		clientID, clientSecret = e.data.ClientID, e.data.ClientSecret
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, clientSecret)
	ctx = tflog.MaskMessageStrings(ctx, clientSecret)

	issuedAt := time.Now()
	tok, err := e.data.Client.Public.ClientCredentialsToken(ctx, clientID, clientSecret)
	if err != nil {
		resp.Diagnostics.Append(accessTokenErrorDiagnostic(clientID, config.ClientID.IsNull(), err))
		return
	}
	tflog.Debug(tflog.MaskAllFieldValuesStrings(ctx, tok.AccessToken), "Obtained an access token",
		map[string]any{"client_id": clientID, "expires_in": tok.ExpiresIn})

	result := config
	result.ClientID = types.StringValue(clientID)
	accessTokenFromAPI(tok, issuedAt, &result)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &result)...)
}

// accessTokenErrorDiagnostic explains a failed exchange. A refused credential is the
// configuration's fault (client_id's path), or the provider's when its own was used.
func accessTokenErrorDiagnostic(clientID string, providerCredentials bool, err error) diag.Diagnostic {
	var apiErr *client.APIError
	if !errors.Is(err, client.ErrUnauthorized) || !errors.As(err, &apiErr) {
		return apiErrorDiagnostic("obtaining", "access token for OAuth client", clientID, err)
	}
	detail := fmt.Sprintf("Obtaining an access token for OAuth client %q failed: %s", clientID, apiErr.Message)
	if apiErr.RequestID != "" {
		detail += "\n\nRequest ID: " + apiErr.RequestID
	}
	if providerCredentials {
		return diag.NewErrorDiagnostic("Error obtaining access token",
			detail+"\n\nThese are the provider's own OAuth client credentials.")
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("client_id"), "Error obtaining access token", detail)
}
