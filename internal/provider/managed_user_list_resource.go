package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ list.ListResource              = &managedUserListResource{}
	_ list.ListResourceWithConfigure = &managedUserListResource{}
)

// NewManagedUserListResource returns the alien_managed_user list resource.
func NewManagedUserListResource() list.ListResource {
	return &managedUserListResource{}
}

// managedUserListResource lists the organization's managed users for `terraform query`.
type managedUserListResource struct {
	client *client.Client
}

// Metadata returns the list resource type name, the resource's.
func (r *managedUserListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_managed_user"
}

// ListResourceConfigSchema describes the list block's config.
func (r *managedUserListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = orgUserListConfigSchema(managedUserKind)
}

// Configure stores the API client.
func (r *managedUserListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// List streams the managed users page by page. password_reset_trigger is the configuration's
// own: null in every result.
func (r *managedUserListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	orgUserList(ctx, req, stream, managedUserKind,
		func(status *client.UserStatus, email *string) iter.Seq2[[]*client.ManagedUser, error] {
			return r.client.ManagedUsers.Pages(ctx, client.ManagedUserListOptions{Status: status, Email: email})
		},
		func(mu *client.ManagedUser) (string, string, any) {
			return mu.Email, mu.ID, managedUserFromAPI(mu, managedUserResourceModel{})
		})
}
