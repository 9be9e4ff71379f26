package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

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
	orgUserList(ctx, req, stream, serviceAccountKind,
		func(status *client.UserStatus, email *string) iter.Seq2[[]*client.ServiceAccount, error] {
			return r.client.ServiceAccounts.Pages(ctx, client.ServiceAccountListOptions{Status: status, Email: email})
		},
		func(sa *client.ServiceAccount) (string, string, any) {
			return sa.Email, sa.ID, serviceAccountFromAPI(sa, serviceAccountResourceModel{})
		})
}
