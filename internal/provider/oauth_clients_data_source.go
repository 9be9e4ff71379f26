package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ datasource.DataSource              = &oauthClientsDataSource{}
	_ datasource.DataSourceWithConfigure = &oauthClientsDataSource{}
)

// NewOAuthClientsDataSource returns the alien_oauth_clients data source.
func NewOAuthClientsDataSource() datasource.DataSource {
	return &oauthClientsDataSource{}
}

// oauthClientsDataSource lists the organization's OAuth clients, never their secrets.
type oauthClientsDataSource struct {
	client *client.Client
}

// oauthClientsModel maps the data source's schema.
type oauthClientsModel struct {
	Enabled types.Bool             `tfsdk:"enabled"`
	Clients []oauthClientItemModel `tfsdk:"clients"`
}

// oauthClientItemModel is one client of the list.
type oauthClientItemModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	ClientID  types.String `tfsdk:"client_id"`
	Enabled   types.Bool   `tfsdk:"enabled"`
	CreatedAt types.String `tfsdk:"created_at"`
}

// oauthClientItemFromAPI maps a listed client.
func oauthClientItemFromAPI(c *client.OAuthClient) oauthClientItemModel {
	return oauthClientItemModel{
		ID:        types.StringValue(c.ID),
		Name:      types.StringValue(c.Name),
		ClientID:  types.StringValue(c.ClientID),
		Enabled:   types.BoolValue(c.Enabled),
		CreatedAt: timeValue(c.CreatedAt),
	}
}

// Metadata returns the data source type name.
func (d *oauthClientsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth_clients"
}

// Schema describes the data source.
func (d *oauthClientsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's OAuth API clients, oldest first. Client secrets are never part of it.",
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "`true`: only the enabled clients; `false`: only the disabled ones. All when not set.",
				Optional:            true,
			},
			"clients": schema.ListNestedAttribute{
				MarkdownDescription: "The clients that pass the filter, oldest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "The client's id (`oc_...`).",
							Computed:            true,
						},
						"name": schema.StringAttribute{
							MarkdownDescription: "The client's display name.",
							Computed:            true,
						},
						"client_id": schema.StringAttribute{
							MarkdownDescription: "The client's public identifier (`aic_...`).",
							Computed:            true,
						},
						"enabled": schema.BoolAttribute{
							MarkdownDescription: "Whether the client may obtain access tokens.",
							Computed:            true,
						},
						"created_at": schema.StringAttribute{
							MarkdownDescription: "When the client was created (RFC 3339).",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

// Configure stores the API client.
func (d *oauthClientsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the clients and applies the filter.
func (d *oauthClientsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config oauthClientsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	clients, err := d.client.OAuthClients.List(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "listing", "OAuth clients", "", err)
		return
	}
	state := config
	state.Clients = make([]oauthClientItemModel, 0, len(clients))
	for _, c := range clients {
		if config.Enabled.IsNull() || c.Enabled == config.Enabled.ValueBool() {
			state.Clients = append(state.Clients, oauthClientItemFromAPI(c))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
