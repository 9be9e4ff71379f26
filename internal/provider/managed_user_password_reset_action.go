package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

var (
	_ action.Action                     = &managedUserPasswordResetAction{}
	_ action.ActionWithConfigure        = &managedUserPasswordResetAction{}
	_ action.ActionWithModifyPlan       = &managedUserPasswordResetAction{}
	_ action.ActionWithConfigValidators = &managedUserPasswordResetAction{}
)

// NewManagedUserPasswordResetAction returns the alien_managed_user_password_reset action.
func NewManagedUserPasswordResetAction() action.Action {
	return &managedUserPasswordResetAction{}
}

// managedUserPasswordResetAction sends a managed user the password-reset email, once, now.
type managedUserPasswordResetAction struct {
	client *client.Client
}

// managedUserPasswordResetActionModel maps the action's configuration.
type managedUserPasswordResetActionModel struct {
	ManagedUserID types.String `tfsdk:"managed_user_id"`
	Email         types.String `tfsdk:"email"`
}

// Metadata returns the action type name.
func (a *managedUserPasswordResetAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_managed_user_password_reset"
}

// Schema describes the action's configuration.
func (a *managedUserPasswordResetAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends a managed user the password-reset email, once, when the action runs (Terraform 1.14 " +
			"and later): with `terraform apply -invoke=action.alien_managed_user_password_reset.<name>`, or from an " +
			"`action_trigger` of a resource's `lifecycle`. The email's link lets the user set a new password; it is " +
			"valid for 24 hours, and earlier reset links stop working.\n\n" +
			"Name the user by `managed_user_id` or by `email` (exactly one). A deactivated (locked) user gets no " +
			"reset email: the action fails and says so, as it does for an unknown user. It sends one email per " +
			"run: a request retried after a lost answer is recognised by the platform (idempotency key), never " +
			"sent twice.",
		Attributes: map[string]schema.Attribute{
			"managed_user_id": schema.StringAttribute{
				MarkdownDescription: "The managed user's id (`mu_...`), such as `alien_managed_user.<name>.id`. " +
					"Conflicts with `email`.",
				Optional: true,
				Validators: []validator.String{apiIDValidator("mu_", "managed user",
					"such as alien_managed_user.<name>.id, or an id listed by the alien_managed_users data source")},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The managed user's email address (compared without regard to case), for a user " +
					"this configuration does not manage. Conflicts with `managed_user_id`.",
				Optional:   true,
				Validators: emailValidators(),
			},
		},
	}
}

// ConfigValidators asks for exactly one of managed_user_id and email.
func (a *managedUserPasswordResetAction) ConfigValidators(_ context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot("managed_user_id"), path.MatchRoot("email")),
	}
}

// Configure stores the API client.
func (a *managedUserPasswordResetAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the configuration with the values the action is planned with
// (validateActionPlan).
func (a *managedUserPasswordResetAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var s action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &s)
	validateActionPlan(ctx, req, s.Schema, a.ConfigValidators(ctx), &resp.Diagnostics)
}

// Invoke finds the user, refuses a locked one, and sends the email.
func (a *managedUserPasswordResetAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config managedUserPasswordResetActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !actionClientReady(a.client, &resp.Diagnostics) {
		return
	}

	at := path.Root("managed_user_id")
	if !config.Email.IsNull() {
		at = path.Root("email")
	}
	mu := a.find(ctx, config, at, &resp.Diagnostics)
	if mu == nil {
		return
	}
	who := fmt.Sprintf("managed user %s (%s)", mu.ID, mu.Email)
	if mu.Status == client.UserLocked {
		since := ""
		if mu.LockedAt != nil {
			since = " since " + formatTime(*mu.LockedAt)
		}
		resp.Diagnostics.AddAttributeError(at, "Cannot send a password reset to a deactivated managed user",
			fmt.Sprintf("The %s is deactivated (locked%s). A deactivated user gets no password-reset email and "+
				"cannot log in. Reactivate the user first (active = true on its alien_managed_user), then run this "+
				"action again. Nothing was sent.", who, since))
		return
	}

	resp.SendProgress(action.InvokeProgressEvent{Message: "Sending a password-reset email to " + who})
	if _, err := a.client.ManagedUsers.SendPasswordReset(ctx, mu.ID); err != nil {
		resp.Diagnostics.Append(diag.WithPath(at, apiErrorDiagnostic("sending the password-reset email to", "managed user", mu.ID, err)))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: "Sent a password-reset email to " + who +
		": its link is valid for 24 hours, and earlier reset links no longer work"})
}

// find reads the managed user the configuration names; it answers nil after adding an error at
// path at when there is none.
func (a *managedUserPasswordResetAction) find(ctx context.Context, config managedUserPasswordResetActionModel, at path.Path, diags *diag.Diagnostics) *client.ManagedUser {
	if id := config.ManagedUserID.ValueString(); !config.ManagedUserID.IsNull() {
		mu, err := a.client.ManagedUsers.Read(ctx, id)
		switch {
		case isNotFound(err):
			diags.AddAttributeError(at, "Managed user not found",
				fmt.Sprintf("The organization has no managed user %s. Check the id (the alien_managed_users data "+
					"source lists them); a managed user of another organization needs that organization's "+
					"credential (a provider block with an alias, named by the action's provider argument). "+
					"Nothing was sent.", id))
			return nil
		case err != nil:
			diags.Append(diag.WithPath(at, apiErrorDiagnostic("reading", "managed user", id, err)))
			return nil
		}
		return mu
	}

	email := config.Email.ValueString()
	users, err := a.client.ManagedUsers.List(ctx, client.ManagedUserListOptions{Email: &email})
	if err != nil {
		diags.Append(diag.WithPath(at, apiErrorDiagnostic("looking up", "managed user", email, err)))
		return nil
	}
	if len(users) > 0 {
		return users[0]
	}
	detail := fmt.Sprintf("The organization has no managed user with the email %q. Nothing was sent.", email)
	if saID, _, found, err := serviceAccountKind.byEmail(ctx, a.client, email); err == nil && found {
		detail = fmt.Sprintf("The email %q belongs to service account %s, not to a managed user: service accounts "+
			"cannot log in and have no password. Nothing was sent.", email, saID)
	}
	diags.AddAttributeError(at, "Managed user not found", detail)
	return nil
}
