package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ action.Action               = &apiTokenRevokeAction{}
	_ action.ActionWithConfigure  = &apiTokenRevokeAction{}
	_ action.ActionWithModifyPlan = &apiTokenRevokeAction{}
)

// NewAPITokenRevokeAction returns the alien_api_token_revoke action.
func NewAPITokenRevokeAction() action.Action {
	return &apiTokenRevokeAction{}
}

// apiTokenRevokeAction revokes an API token at once, whoever manages it.
type apiTokenRevokeAction struct {
	client *client.Client
}

// apiTokenRevokeActionModel maps the action's configuration.
type apiTokenRevokeActionModel struct {
	TokenID types.String `tfsdk:"token_id"`
}

// Metadata returns the action type name.
func (a *apiTokenRevokeAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token_revoke"
}

// Schema describes the action's configuration.
func (a *apiTokenRevokeAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes an API token at once, when the action runs (Terraform 1.14 and later): with " +
			"`terraform apply -invoke=action.alien_api_token_revoke.<name>`, or from an `action_trigger`. Every " +
			"request with the token gets `401 Unauthorized` from then on. It works on any token of the " +
			"organization: one this configuration manages, one another configuration manages, or one nobody " +
			"manages with Terraform. A configuration that manages the token with `alien_api_token` sees it gone " +
			"at its next plan, and plans a new one.\n\n" +
			"Revoking a token that is already revoked (or expired) succeeds and says so, so an incident runbook " +
			"can run it twice. Revoking the credential the provider itself uses succeeds too, with a warning: " +
			"the rest of the run cannot call the API with it.",
		Attributes: map[string]schema.Attribute{
			"token_id": schema.StringAttribute{
				MarkdownDescription: "The token's id (`tok_...`), such as `alien_api_token.<name>.id`, or an id the " +
					"`alien_api_tokens` data source lists. Never the token's secret value (`oat_...`): it is refused, " +
					"without being repeated.",
				Required: true,
				Validators: []validator.String{apiIDValidator("tok_", "API token",
					"such as alien_api_token.<name>.id, or an id listed by the alien_api_tokens data source")},
			},
		},
	}
}

// Configure stores the API client.
func (a *apiTokenRevokeAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the configuration with the values the action is planned with
// (validateActionPlan).
func (a *apiTokenRevokeAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var s action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &s)
	validateActionPlan(ctx, req, s.Schema, nil, &resp.Diagnostics)
}

// Invoke reads the token, revokes it unless it is revoked or expired already, and warns when it
// was the provider's own credential.
func (a *apiTokenRevokeAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config apiTokenRevokeActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !actionClientReady(a.client, &resp.Diagnostics) {
		return
	}
	at := path.Root("token_id")
	id := config.TokenID.ValueString()

	tok, err := a.client.APITokens.Read(ctx, id)
	switch {
	case isNotFound(err):
		resp.Diagnostics.AddAttributeError(at, "API token not found",
			fmt.Sprintf("The organization has no API token %s. Check the id (the alien_api_tokens data source lists "+
				"them); a token of another organization can only be revoked with a credential of that organization "+
				"(a provider block with an alias, named by the action's provider argument). Nothing was revoked.", id))
		return
	case err != nil:
		resp.Diagnostics.Append(diag.WithPath(at, apiErrorDiagnostic("reading", "API token", id, err)))
		return
	}
	what := fmt.Sprintf("API token %s (%q)", tok.ID, tok.Name)

	switch tok.Status {
	case client.TokenRevoked:
		since := ""
		if tok.RevokedAt != nil {
			since = " at " + formatTime(*tok.RevokedAt)
		}
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("%s was already revoked%s: requests with it "+
			"already get 401; nothing to do", what, since)})
		return
	case client.TokenExpired:
		since := ""
		if tok.ExpiresAt != nil {
			since = " at " + formatTime(*tok.ExpiresAt)
		}
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("%s already expired%s: requests with it "+
			"already get 401; nothing to revoke", what, since)})
		return
	}

	// Whether the token is the provider's own credential: revoking it is allowed (it may be the one
	// that leaked), but every later call of this run fails, and the user should know why.
	me, err := a.client.Identity.Read(ctx)
	if err != nil {
		resp.Diagnostics.Append(diag.WithPath(at, apiErrorDiagnostic("reading", "the provider's identity", "", err)))
		return
	}
	own := me.TokenID != nil && *me.TokenID == tok.ID

	resp.SendProgress(action.InvokeProgressEvent{Message: "Revoking " + what})
	if err := a.client.APITokens.Revoke(ctx, tok.ID); err != nil {
		resp.Diagnostics.Append(diag.WithPath(at, apiErrorDiagnostic("revoking", "API token", tok.ID, err)))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: "Revoked " + what + ": requests with it get 401 from now on"})
	if own {
		resp.Diagnostics.AddAttributeWarning(at, "The provider's own credential was revoked",
			fmt.Sprintf("%s is the credential this provider block authenticates with. It is revoked, as asked: "+
				"every later API call of this run with it fails with 401 Unauthorized. Give the provider another "+
				"credential (token, or ALIEN_TOKEN) before the next run.", what))
	}
}
