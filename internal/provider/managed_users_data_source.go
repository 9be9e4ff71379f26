package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ datasource.DataSource              = &managedUsersDataSource{}
	_ datasource.DataSourceWithConfigure = &managedUsersDataSource{}
)

// NewManagedUsersDataSource returns the alien_managed_users data source.
func NewManagedUsersDataSource() datasource.DataSource {
	return &managedUsersDataSource{}
}

// managedUsersDataSource lists the organization's managed users, locked ones included.
type managedUsersDataSource struct {
	client *client.Client
}

// managedUsersDataSourceModel maps the data source's schema.
type managedUsersDataSourceModel struct {
	Status       types.String               `tfsdk:"status"`
	Email        types.String               `tfsdk:"email"`
	ManagedUsers []managedUserDataItemModel `tfsdk:"managed_users"`
}

// managedUserDataItemModel is one managed user of the list.
type managedUserDataItemModel struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	FirstName   types.String `tfsdk:"first_name"`
	LastName    types.String `tfsdk:"last_name"`
	Active      types.Bool   `tfsdk:"active"`
	Status      types.String `tfsdk:"status"`
	CreatedAt   types.String `tfsdk:"created_at"`
	LockedAt    types.String `tfsdk:"locked_at"`
	PasswordSet types.Bool   `tfsdk:"password_set"`
}

// managedUserDataItemFromAPI maps one managed user of the API's list.
func managedUserDataItemFromAPI(mu *client.ManagedUser) managedUserDataItemModel {
	return managedUserDataItemModel{
		ID:          types.StringValue(mu.ID),
		Email:       types.StringValue(mu.Email),
		FirstName:   types.StringValue(mu.FirstName),
		LastName:    types.StringValue(mu.LastName),
		Active:      types.BoolValue(mu.Status != client.UserLocked),
		Status:      types.StringValue(string(mu.Status)),
		CreatedAt:   timeValue(mu.CreatedAt),
		LockedAt:    timePointerValue(mu.LockedAt),
		PasswordSet: types.BoolValue(mu.PasswordSet),
	}
}

// Metadata returns the data source type name.
func (d *managedUsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_managed_users"
}

// Schema describes the data source.
func (d *managedUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's managed users, deactivated (`locked`) ones included unless " +
			"filtered out, sorted by email. Enterprise plan only.",
		Attributes: orgUserDataSourceAttributes(managedUserKind, "managed_users", schema.ListNestedAttribute{
			MarkdownDescription: "The managed users, sorted by email.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{
						MarkdownDescription: "The managed user's id (`mu_...`).",
						Computed:            true,
					},
					"email": schema.StringAttribute{
						MarkdownDescription: "The user's email: their login, where reset emails go.",
						Computed:            true,
					},
					"first_name": schema.StringAttribute{
						MarkdownDescription: "The user's first name.",
						Computed:            true,
					},
					"last_name": schema.StringAttribute{
						MarkdownDescription: "The user's last name.",
						Computed:            true,
					},
					"active": schema.BoolAttribute{
						MarkdownDescription: "Whether the user is active (`status` is `active`).",
						Computed:            true,
					},
					"status": schema.StringAttribute{
						MarkdownDescription: "`active`, or `locked` once deactivated.",
						Computed:            true,
					},
					"created_at": schema.StringAttribute{
						MarkdownDescription: "When the user was created (RFC 3339).",
						Computed:            true,
					},
					"locked_at": schema.StringAttribute{
						MarkdownDescription: "When the user was deactivated (RFC 3339); null while they are active.",
						Computed:            true,
					},
					"password_set": schema.BoolAttribute{
						MarkdownDescription: "Whether the user has set a password through a reset link.",
						Computed:            true,
					},
				},
			},
		}),
	}
}

// Configure stores the API client.
func (d *managedUsersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the managed users.
func (d *managedUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config managedUsersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var opts client.ManagedUserListOptions
	opts.Status, opts.Email = orgUserFilter(config.Status, config.Email)
	users, err := d.client.ManagedUsers.List(ctx, opts)
	if err != nil {
		addAPIError(&resp.Diagnostics, "listing", "managed users", "", err)
		return
	}

	sortOrgUsers(users, func(mu *client.ManagedUser) string { return mu.Email }, func(mu *client.ManagedUser) string { return mu.ID })
	config.ManagedUsers = make([]managedUserDataItemModel, 0, len(users))
	for _, mu := range users {
		config.ManagedUsers = append(config.ManagedUsers, managedUserDataItemFromAPI(mu))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
