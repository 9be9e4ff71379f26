package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ datasource.DataSource              = &organizationDataSource{}
	_ datasource.DataSourceWithConfigure = &organizationDataSource{}
)

// NewOrganizationDataSource returns the alien_organization data source.
func NewOrganizationDataSource() datasource.DataSource {
	return &organizationDataSource{}
}

// organizationDataSource reads an organization: the credential's own, or one given by id.
type organizationDataSource struct {
	client *client.Client
}

// organizationDataSourceModel maps the data source's schema.
type organizationDataSourceModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Plan      types.String `tfsdk:"plan"`
	CreatedAt types.String `tfsdk:"created_at"`
}

// organizationDataSourceFromAPI maps the API's answer to the model.
func organizationDataSourceFromAPI(org *client.Organization) organizationDataSourceModel {
	return organizationDataSourceModel{
		ID:        types.StringValue(org.ID),
		Name:      types.StringValue(org.Name),
		Plan:      types.StringValue(string(org.Plan)),
		CreatedAt: timeValue(org.CreatedAt),
	}
}

// Metadata returns the data source type name.
func (d *organizationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

// Schema describes the data source.
func (d *organizationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An organization: by default the provider credential's own. With `id`, that one " +
			"or an organization created from it (with `alien_organization`, for example), while the user behind " +
			"the credential is an Owner of both; any other id is not found.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The organization's id (`org_...`). Leave it unset to read the credential's own " +
					"organization.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The organization's display name.",
				Computed:            true,
			},
			"plan": schema.StringAttribute{
				MarkdownDescription: "The organization's plan: `free`, `team` or `enterprise`. Billing changes it, " +
					"not Terraform. Service accounts, managed users and service-account tokens need `enterprise`.",
				Computed: true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the organization was created (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

// Configure stores the API client.
func (d *organizationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read reads the organization.
func (d *organizationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config organizationDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		org *client.Organization
		err error
	)
	if config.ID.IsNull() || config.ID.IsUnknown() {
		org, err = d.client.Organizations.Current(ctx)
	} else {
		org, err = d.client.Organizations.Read(ctx, config.ID.ValueString())
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "organization", config.ID.ValueString(), err)
		return
	}

	state := organizationDataSourceFromAPI(org)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
