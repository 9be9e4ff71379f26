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
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ action.Action                     = &invitationResendAction{}
	_ action.ActionWithConfigure        = &invitationResendAction{}
	_ action.ActionWithModifyPlan       = &invitationResendAction{}
	_ action.ActionWithConfigValidators = &invitationResendAction{}
)

// NewInvitationResendAction returns the alien_invitation_resend action.
func NewInvitationResendAction() action.Action {
	return &invitationResendAction{}
}

// invitationResendAction sends a pending or expired invitation again, once, now.
type invitationResendAction struct {
	client *client.Client
}

// invitationResendActionModel maps the action's configuration.
type invitationResendActionModel struct {
	Email        types.String `tfsdk:"email"`
	InvitationID types.String `tfsdk:"invitation_id"`
}

// Metadata returns the action type name.
func (a *invitationResendAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invitation_resend"
}

// Schema describes the action's configuration.
func (a *invitationResendAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends a pending or expired invitation again, once, when the action runs (Terraform 1.14 " +
			"and later): with `terraform apply -invoke=action.alien_invitation_resend.<name>`, or from an " +
			"`action_trigger`. The person gets a new email with a new link, valid for 7 days from now; the " +
			"previous link stops working. Use it for an invitation that went to spam or was deleted, while it " +
			"is still pending.\n\n" +
			"Name the invitation by the person's `email` (the invitation that stands for them: the pending one, " +
			"else the latest expired one) or by `invitation_id` (exactly one). For a person who is already a " +
			"member the action fails and says so, as it does for a revoked or unknown invitation. " +
			"An `alien_member` or `alien_invitation` that manages the person stays as it is: the next plan shows " +
			"no change (the refresh reads the new expiry). It sends one email per run: a request retried after " +
			"a lost answer is recognised by the platform (idempotency key), never sent twice.",
		Attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				MarkdownDescription: "The invited person's email address (compared without regard to case), such as " +
					"`alien_member.<name>.email`. Conflicts with `invitation_id`.",
				Optional:   true,
				Validators: emailValidators(),
			},
			"invitation_id": schema.StringAttribute{
				MarkdownDescription: "The invitation's id (`inv_...`), such as `alien_invitation.<name>.id`. " +
					"Conflicts with `email`.",
				Optional: true,
				Validators: []validator.String{apiIDValidator("inv_", "invitation",
					"such as alien_invitation.<name>.id or alien_member.<name>.invitation_id")},
			},
		},
	}
}

// ConfigValidators asks for exactly one of email and invitation_id.
func (a *invitationResendAction) ConfigValidators(_ context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot("email"), path.MatchRoot("invitation_id")),
	}
}

// Configure stores the API client.
func (a *invitationResendAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the configuration with the values the action is planned with
// (validateActionPlan).
func (a *invitationResendAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var s action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &s)
	validateActionPlan(ctx, req, s.Schema, a.ConfigValidators(ctx), &resp.Diagnostics)
}

// Invoke finds the invitation, refuses a person who is already a member, and sends it again.
func (a *invitationResendAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config invitationResendActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !actionClientReady(a.client, &resp.Diagnostics) {
		return
	}

	var inv *client.Invitation
	if config.InvitationID.IsNull() {
		inv = a.findByEmail(ctx, config.Email.ValueString(), &resp.Diagnostics)
	} else {
		inv = a.findByID(ctx, config.InvitationID.ValueString(), &resp.Diagnostics)
	}
	if inv == nil {
		return
	}
	at := invitationResendPath(config)

	state := "pending until " + formatTime(inv.ExpiresAt)
	if inv.Status == client.InvitationExpired {
		state = "expired at " + formatTime(inv.ExpiresAt)
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Sending invitation %s (role %s, %s) to %s again",
		inv.ID, inv.Role, state, inv.Email)})
	resent, err := a.client.Invitations.Resend(ctx, inv.ID)
	if err != nil {
		resp.Diagnostics.Append(diag.WithPath(at, apiErrorDiagnostic("sending again", "invitation", inv.ID, err)))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Sent invitation %s to %s again: a new link, "+
		"valid until %s; the previous link no longer works", resent.ID, resent.Email, formatTime(resent.ExpiresAt))})
}

// invitationResendPath is the attribute the configuration names the invitation with.
func invitationResendPath(config invitationResendActionModel) path.Path {
	if config.InvitationID.IsNull() {
		return path.Root("email")
	}
	return path.Root("invitation_id")
}

// findByEmail answers the invitation that stands for the person with this email (the pending
// one, else the latest expired one, as alien_member picks it); it answers nil after adding an
// error when the person is a member, or has no invitation that can be sent again.
func (a *invitationResendAction) findByEmail(ctx context.Context, email string, diags *diag.Diagnostics) *client.Invitation {
	at := path.Root("email")
	p, err := lookupMemberPerson(ctx, a.client, email, "")
	switch {
	case err != nil:
		diags.Append(diag.WithPath(at, apiErrorDiagnostic("looking up", "person", email, err)))
		return nil
	case p.member != nil:
		diags.Append(invitationResendMemberError(at, p.member))
		return nil
	case p.invitation == nil:
		diags.AddAttributeError(at, "No invitation to send again",
			fmt.Sprintf("The organization has no pending or expired invitation for %q (none was sent, or the latest "+
				"one was revoked or accepted by a member since removed). Invite the person with alien_member or "+
				"alien_invitation instead. Nothing was sent.", email))
		return nil
	}
	return p.invitation
}

// findByID reads the invitation with this id; it answers nil after adding an error when it is
// unknown, cannot be sent again, or its person is already a member.
func (a *invitationResendAction) findByID(ctx context.Context, id string, diags *diag.Diagnostics) *client.Invitation {
	at := path.Root("invitation_id")
	inv, err := a.client.Invitations.Read(ctx, id)
	switch {
	case isNotFound(err):
		diags.AddAttributeError(at, "Invitation not found",
			fmt.Sprintf("The organization has no invitation %s. Check the id, or name the person by email "+
				"instead. Nothing was sent.", id))
		return nil
	case err != nil:
		diags.Append(diag.WithPath(at, apiErrorDiagnostic("reading", "invitation", id, err)))
		return nil
	}

	// Checked here, whatever the API's own rule: a member gets no invitation, even from an
	// invitation that was never accepted.
	m, err := a.client.Members.ReadByEmail(ctx, inv.Email)
	switch {
	case err == nil:
		diags.Append(invitationResendMemberError(at, m))
		return nil
	case !isNotFound(err):
		diags.Append(diag.WithPath(at, apiErrorDiagnostic("looking up", "member", inv.Email, err)))
		return nil
	}

	switch inv.Status {
	case client.InvitationPending:
		return inv
	case client.InvitationExpired:
		// An expired invitation is not sent again when a newer one is pending: that one stands for
		// the person (and its link is the one that works).
		all, err := a.client.Invitations.List(ctx, client.InvitationListOptions{Email: &inv.Email})
		if err != nil {
			diags.Append(diag.WithPath(at, apiErrorDiagnostic("listing invitations for", "email", inv.Email, err)))
			return nil
		}
		for _, other := range all {
			if other.ID != inv.ID && other.Status == client.InvitationPending && textrule.SameEmail(other.Email, inv.Email) {
				diags.AddAttributeError(at, "A newer invitation is pending",
					fmt.Sprintf("Invitation %s to %s expired, and a newer invitation, %s (sent %s), is pending: "+
						"send that one again instead, or name the person by email, which picks it. Nothing was sent.",
						inv.ID, inv.Email, other.ID, formatTime(other.SentAt)))
				return nil
			}
		}
		return inv
	case client.InvitationAccepted:
		diags.AddAttributeError(at, "Invitation already accepted",
			fmt.Sprintf("Invitation %s to %s was accepted, and the member it made has since been removed. An "+
				"accepted invitation cannot be sent again: invite the person again (alien_member or "+
				"alien_invitation). Nothing was sent.", inv.ID, inv.Email))
	default:
		diags.AddAttributeError(at, "Invitation revoked",
			fmt.Sprintf("Invitation %s to %s is %s: it cannot be sent again. Invite the person again (alien_member "+
				"or alien_invitation). Nothing was sent.", inv.ID, inv.Email, inv.Status))
	}
	return nil
}

// invitationResendMemberError says that the person is already a member.
func invitationResendMemberError(at path.Path, m *client.Member) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(at, "Already a member",
		fmt.Sprintf("%s is already a member of the organization (member %s, role %s, joined %s): there is no "+
			"invitation to send. Nothing was sent.", m.Email, m.ID, m.Role, formatTime(m.JoinedAt)))
}
