package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ list.ListResource              = &serviceAccountListResource{}
	_ list.ListResourceWithConfigure = &serviceAccountListResource{}
)

// NewServiceAccountListResource returns the alien_service_account list resource.
func NewServiceAccountListResource() list.ListResource {
	return &serviceAccountListResource{}
}

// serviceAccountListResource lists the organization's service accounts for `terraform query`.
type serviceAccountListResource struct {
	client *client.Client
}

// orgUserListConfigModel maps the list block's config of service accounts and managed users.
type orgUserListConfigModel struct {
	Status types.String `tfsdk:"status"`
	Email  types.String `tfsdk:"email"`
}

// orgUserListConfigSchema is the list block's config of a kind of organization users, the
// filters of its data source (orgUserDataSourceAttributes).
func orgUserListConfigSchema(kind *orgUserKind) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The organization's " + kind.name + "s, as `" + kind.resourceType + "` manages them, deactivated " +
			"(`locked`) ones included unless `status` leaves them out, in creation order, identified by id. The " +
			"display name is the email. Results come as the API's pages of 100 arrive; `limit` (Terraform's default " +
			"is 100) stops reading early.",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				MarkdownDescription: "Only the " + kind.name + "s with this status: `active` or `locked`. Unset: all.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(string(client.UserActive), string(client.UserLocked))},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Only the " + kind.name + " with this email (compared without regard to case). Unset: all.",
				Optional:            true,
				Validators:          emailValidators(),
			},
		},
	}
}

// Metadata returns the list resource type name, the resource's.
func (r *serviceAccountListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_account"
}

// ListResourceConfigSchema describes the list block's config.
func (r *serviceAccountListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = orgUserListConfigSchema(serviceAccountKind)
}

// Configure stores the API client.
func (r *serviceAccountListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// List streams the service accounts page by page.
func (r *serviceAccountListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config orgUserListConfigModel
	if !listConfig(ctx, req, stream, &config) {
		return
	}
	status, email := orgUserFilter(config.Status, config.Email)
	listStream(ctx, req, stream, func(e *listEmitter) {
		for page, err := range r.client.ServiceAccounts.Pages(ctx, client.ServiceAccountListOptions{Status: status, Email: email}) {
			if err != nil {
				e.failAPI("service accounts", err)
				return
			}
			for _, sa := range page {
				if !e.emit(sa.Email, idIdentityModel{ID: types.StringValue(sa.ID)},
					serviceAccountFromAPI(sa, serviceAccountResourceModel{})) {
					return
				}
			}
		}
	})
}
