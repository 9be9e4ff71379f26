package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ datasource.DataSource              = &serviceAccountsDataSource{}
	_ datasource.DataSourceWithConfigure = &serviceAccountsDataSource{}
)

// NewServiceAccountsDataSource returns the alien_service_accounts data source.
func NewServiceAccountsDataSource() datasource.DataSource {
	return &serviceAccountsDataSource{}
}

// serviceAccountsDataSource lists the organization's service accounts, locked ones included.
type serviceAccountsDataSource struct {
	client *client.Client
}

// serviceAccountsDataSourceModel maps the data source's schema.
type serviceAccountsDataSourceModel struct {
	Status          types.String                  `tfsdk:"status"`
	Email           types.String                  `tfsdk:"email"`
	ServiceAccounts []serviceAccountDataItemModel `tfsdk:"service_accounts"`
}

// serviceAccountDataItemModel is one service account of the list.
type serviceAccountDataItemModel struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	Description types.String `tfsdk:"description"`
	Active      types.Bool   `tfsdk:"active"`
	Status      types.String `tfsdk:"status"`
	CreatedAt   types.String `tfsdk:"created_at"`
	LockedAt    types.String `tfsdk:"locked_at"`
}

// serviceAccountDataItemFromAPI maps one service account of the API's list.
func serviceAccountDataItemFromAPI(sa *client.ServiceAccount) serviceAccountDataItemModel {
	return serviceAccountDataItemModel{
		ID:          types.StringValue(sa.ID),
		Email:       types.StringValue(sa.Email),
		Description: types.StringValue(sa.Description),
		Active:      types.BoolValue(sa.Status != client.UserLocked),
		Status:      types.StringValue(string(sa.Status)),
		CreatedAt:   timeValue(sa.CreatedAt),
		LockedAt:    timePointerValue(sa.LockedAt),
	}
}

// Metadata returns the data source type name.
func (d *serviceAccountsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_accounts"
}

// Schema describes the data source.
func (d *serviceAccountsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's service accounts, deactivated (`locked`) ones included unless " +
			"filtered out, sorted by email. Enterprise plan only.",
		Attributes: orgUserDataSourceAttributes(serviceAccountKind, "service_accounts", schema.ListNestedAttribute{
			MarkdownDescription: "The service accounts, sorted by email.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{
						MarkdownDescription: "The service account's id (`sa_...`).",
						Computed:            true,
					},
					"email": schema.StringAttribute{
						MarkdownDescription: "The email that identifies the service account.",
						Computed:            true,
					},
					"description": schema.StringAttribute{
						MarkdownDescription: "The service account's description; `\"\"` when it has none.",
						Computed:            true,
					},
					"active": schema.BoolAttribute{
						MarkdownDescription: "Whether the service account is active (`status` is `active`).",
						Computed:            true,
					},
					"status": schema.StringAttribute{
						MarkdownDescription: "`active`, or `locked` once deactivated.",
						Computed:            true,
					},
					"created_at": schema.StringAttribute{
						MarkdownDescription: "When the service account was created (RFC 3339).",
						Computed:            true,
					},
					"locked_at": schema.StringAttribute{
						MarkdownDescription: "When the service account was deactivated (RFC 3339); null while it is active.",
						Computed:            true,
					},
				},
			},
		}),
	}
}

// Configure stores the API client.
func (d *serviceAccountsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the service accounts.
func (d *serviceAccountsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config serviceAccountsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var opts client.ServiceAccountListOptions
	opts.Status, opts.Email = orgUserFilter(config.Status, config.Email)
	accounts, err := d.client.ServiceAccounts.List(ctx, opts)
	if err != nil {
		addAPIError(&resp.Diagnostics, "listing", "service accounts", "", err)
		return
	}

	sortOrgUsers(accounts, func(sa *client.ServiceAccount) string { return sa.Email }, func(sa *client.ServiceAccount) string { return sa.ID })
	config.ServiceAccounts = make([]serviceAccountDataItemModel, 0, len(accounts))
	for _, sa := range accounts {
		config.ServiceAccounts = append(config.ServiceAccounts, serviceAccountDataItemFromAPI(sa))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
