package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ list.ListResource              = &oauthClientListResource{}
	_ list.ListResourceWithConfigure = &oauthClientListResource{}
)

// NewOAuthClientListResource returns the alien_oauth_client list resource.
func NewOAuthClientListResource() list.ListResource {
	return &oauthClientListResource{}
}

// oauthClientListResource lists the organization's OAuth clients for `terraform query`, never
// their secrets.
type oauthClientListResource struct {
	client *client.Client
}

// oauthClientListConfigModel maps the list block's config: alien_oauth_clients's filter.
type oauthClientListConfigModel struct {
	Enabled types.Bool `tfsdk:"enabled"`
}

// Metadata returns the list resource type name, the resource's.
func (r *oauthClientListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth_client"
}

// ListResourceConfigSchema describes the list block's config.
func (r *oauthClientListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's OAuth API clients, as `alien_oauth_client` manages them, oldest " +
			"first, identified by id; never their secrets, which the platform shows once (an adopted client's " +
			"`client_secret` stays null). The display name is the client's name. Results come as the API's pages " +
			"of 100 arrive; `limit` (Terraform's default is 100) stops reading early.",
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "`true`: only the enabled clients; `false`: only the disabled ones. All when not set.",
				Optional:            true,
			},
		},
	}
}

// Configure stores the API client.
func (r *oauthClientListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// List streams the clients page by page.
func (r *oauthClientListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config oauthClientListConfigModel
	if !listConfig(ctx, req, stream, &config) {
		return
	}
	listStream(ctx, req, stream, func(e *listEmitter) {
		for page, err := range r.client.OAuthClients.Pages(ctx) {
			if err != nil {
				e.failAPI("OAuth clients", err)
				return
			}
			for _, c := range page {
				if !config.Enabled.IsNull() && c.Enabled != config.Enabled.ValueBool() {
					continue
				}
				var m oauthClientModel
				oauthClientFromAPI(c, &m)
				if !e.emit(c.Name, idIdentityModel{ID: types.StringValue(c.ID)}, m) {
					return
				}
			}
		}
	})
}
