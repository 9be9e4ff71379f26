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
	_ list.ListResource              = &apiTokenListResource{}
	_ list.ListResourceWithConfigure = &apiTokenListResource{}
)

// NewAPITokenListResource returns the alien_api_token list resource.
func NewAPITokenListResource() list.ListResource {
	return &apiTokenListResource{}
}

// apiTokenListResource lists the organization's API tokens for `terraform query`, never their
// values.
type apiTokenListResource struct {
	client *client.Client
}

// apiTokenListConfigModel maps the list block's config: alien_api_tokens's filters.
type apiTokenListConfigModel struct {
	ServiceAccountID types.String `tfsdk:"service_account_id"`
	Kind             types.String `tfsdk:"kind"`
	Status           types.String `tfsdk:"status"`
	Expired          types.Bool   `tfsdk:"expired"`
	NotUsedSince     types.String `tfsdk:"not_used_since"`
}

// Metadata returns the list resource type name, the resource's.
func (r *apiTokenListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

// ListResourceConfigSchema describes the list block's config.
func (r *apiTokenListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's API tokens (organization keys and service-account tokens), as " +
			"`alien_api_token` manages them, oldest first, identified by id; never their values, which the platform " +
			"shows once (an adopted token's `token` stays null). Only active tokens unless `status` or `expired` asks " +
			"for others: a revoked or expired token cannot be adopted (it leaves the state on refresh). The display " +
			"name is the token's name and its owner (the service account's email, or `organization key`). Results " +
			"come as the API's pages of 100 arrive; `limit` (Terraform's default is 100) stops reading early.",
		Attributes: map[string]schema.Attribute{
			"service_account_id": apiTokenServiceAccountFilter().list(),
			"kind":               apiTokenKindFilter().list(),
			"status":             apiTokenStatusFilter(" Unset (and `expired` unset): `active`.").list(),
			"expired": schema.BoolAttribute{
				MarkdownDescription: apiTokenExpiredFilterDescription,
				Optional:            true,
			},
			"not_used_since": apiTokenNotUsedSinceFilter("").list(),
		},
	}
}

// Configure stores the API client.
func (r *apiTokenListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// List streams the tokens page by page, with the data source's filters (active only by default).
func (r *apiTokenListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config apiTokenListConfigModel
	if !listConfig(ctx, req, stream, &config) {
		return
	}
	filters := apiTokensModel{
		ServiceAccountID: config.ServiceAccountID, Kind: config.Kind, Status: config.Status, Expired: config.Expired,
		NotUsedSince: config.NotUsedSince,
	}
	if config.Status.IsNull() && config.Expired.IsNull() {
		filters.Status = types.StringValue(string(client.TokenActive))
	}
	opts, keep, diags := apiTokenFilters(filters)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	listStream(ctx, req, stream, func(e *listEmitter) {
		owners := map[string]string{} // service-account id → email, or the id when it cannot be read
		for page, err := range r.client.APITokens.Pages(ctx, opts) {
			if err != nil {
				e.failAPI("API tokens", err)
				return
			}
			for _, t := range page {
				if !keep(t) {
					continue
				}
				m := apiTokenModel{Keepers: types.MapNull(types.StringType)}
				apiTokenFromAPI(t, &m)
				if !e.emit(r.displayName(ctx, t, owners), idIdentityModel{ID: types.StringValue(t.ID)}, m) {
					return
				}
			}
		}
	})
}

// displayName is the token's name and its owner: "CI (pipeline-bot@example.com)", or
// "Bootstrap (organization key)". A service account's email comes from the read cache's snapshot
// of service accounts (one list for every token); when it cannot be read (the list and the GET
// refused after a downgrade from Enterprise, say), the id stands in. owners remembers each service
// account's answer for the listing, so that each is looked up once, whether its read succeeded or
// not (the read cache keeps no failure).
func (r *apiTokenListResource) displayName(ctx context.Context, t *client.APIToken, owners map[string]string) string {
	if t.ServiceAccountID == nil {
		return t.Name + " (organization key)"
	}
	id := *t.ServiceAccountID
	owner, known := owners[id]
	if !known {
		owner = id
		if sa, err := r.client.ServiceAccounts.Read(ctx, id); err == nil {
			owner = sa.Email
		}
		owners[id] = owner
	}
	return t.Name + " (" + owner + ")"
}
