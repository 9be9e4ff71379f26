package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ resource.ResourceWithConfigure   = &invitationResource{}
	_ resource.ResourceWithImportState = &invitationResource{}
	_ resource.ResourceWithIdentity    = &invitationResource{}
	_ resource.ResourceWithModifyPlan  = &invitationResource{}
)

// NewInvitationResource returns the alien_invitation resource.
func NewInvitationResource() resource.Resource {
	return &invitationResource{}
}

// invitationResource manages one invitation object. After acceptance it stays in state as
// accepted; the membership it created is alien_member's business.
type invitationResource struct {
	client *client.Client
}

// invitationModel maps the resource's schema.
type invitationModel struct {
	ID         types.String `tfsdk:"id"`
	Email      types.String `tfsdk:"email"`
	Role       types.String `tfsdk:"role"`
	Status     types.String `tfsdk:"status"`
	SentAt     types.String `tfsdk:"sent_at"`
	ExpiresAt  types.String `tfsdk:"expires_at"`
	AcceptedAt types.String `tfsdk:"accepted_at"`
	MemberID   types.String `tfsdk:"member_id"`
}

// invitationFromAPI maps the API's answer to the model. email is the spelling to keep (the
// configured or prior one) when the API's equals it case-insensitively.
func invitationFromAPI(inv *client.Invitation, email string) invitationModel {
	m := invitationModel{
		ID:         types.StringValue(inv.ID),
		Email:      types.StringValue(emailSpelling(inv.Email, email)),
		Role:       types.StringValue(string(inv.Role)),
		Status:     types.StringValue(string(inv.Status)),
		SentAt:     timeValue(inv.SentAt),
		ExpiresAt:  timeValue(inv.ExpiresAt),
		AcceptedAt: timePointerValue(inv.AcceptedAt),
		MemberID:   types.StringNull(),
	}
	if inv.MemberID != nil {
		m.MemberID = types.StringValue(*inv.MemberID)
	}
	return m
}

// invitationCreateOptions builds the API's create options from the plan.
func invitationCreateOptions(plan invitationModel) client.InvitationCreateOptions {
	return client.InvitationCreateOptions{Email: plan.Email.ValueString(), Role: client.Role(plan.Role.ValueString())}
}

// Metadata returns the resource type name.
func (r *invitationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invitation"
}

// Schema describes the resource.
func (r *invitationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An invitation to join the organization: the explicit, lower-level object. After " +
			"the invitee accepts, it stays in state as `accepted` (the membership is then managed with " +
			"`alien_member`, if at all); an expired one plans an in-place update that sends it again; one revoked " +
			"outside Terraform leaves state. Destroying a pending or expired invitation revokes it; destroying an " +
			"accepted one only forgets it. To manage a person from invitation to membership, use `alien_member` " +
			"instead, and never manage the same email with both.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The invitation's id (`inv_...`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The invitee's email address. Emails compare case-insensitively: state keeps " +
					"the spelling of the configuration. Changing it to another address replaces the invitation; " +
					"a change of letter case only updates it in place.",
				Required:      true,
				Validators:    emailValidators(),
				PlanModifiers: []planmodifier.String{emailRequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "The role the invitee gets on acceptance: `viewer`, `writer` or `owner`. Changes " +
					"in place while the invitation is pending or expired; an accepted invitation's role cannot " +
					"change (change the member's, with `alien_member`).",
				Required:   true,
				Validators: []validator.String{stringvalidator.OneOf(memberRoles...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`pending` (sent, not accepted yet), `accepted` (the invitee joined: see " +
					"`member_id`) or `expired` (not accepted within 7 days: the next plan sends it again, in place).",
				Computed: true,
			},
			"sent_at": schema.StringAttribute{
				MarkdownDescription: "When the invitation was last sent (RFC 3339).",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the invitation expires (RFC 3339), 7 days after it was sent.",
				Computed:            true,
			},
			"accepted_at": schema.StringAttribute{
				MarkdownDescription: "When the invitee accepted (RFC 3339); null until then.",
				Computed:            true,
			},
			"member_id": schema.StringAttribute{
				MarkdownDescription: "The membership (`mem_...`) the acceptance created; null until then.",
				Computed:            true,
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *invitationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("`inv_...`")
}

// Configure stores the API client.
func (r *invitationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans, without asking the API: an expired invitation's re-sending (status "expired"
// -> "pending", in place); an error for a role change on an accepted invitation; for a pending
// one, values that do not change on a role update kept from state.
func (r *invitationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state invitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Email.IsUnknown() || !textrule.SameEmail(plan.Email.ValueString(), state.Email.ValueString()) {
		return // replaced
	}

	plan.AcceptedAt, plan.MemberID = state.AcceptedAt, state.MemberID
	switch state.Status.ValueString() {
	case string(client.InvitationAccepted):
		if !plan.Role.IsUnknown() && !plan.Role.Equal(state.Role) {
			resp.Diagnostics.AddAttributeError(path.Root("role"), "Cannot change the role of an accepted invitation",
				fmt.Sprintf("Invitation %s was accepted: %s is now member %s, and an accepted invitation's role "+
					"cannot change. Manage the member's role with alien_member instead: import it (by email, "+
					"terraform import alien_member.<name> %s), set its role there, and remove this alien_invitation "+
					"from the configuration (destroying an accepted invitation only forgets it). Never manage the "+
					"same email with both.",
					state.ID.ValueString(), state.Email.ValueString(), state.MemberID.ValueString(), state.Email.ValueString()))
			return
		}
		plan.Status, plan.SentAt, plan.ExpiresAt = state.Status, state.SentAt, state.ExpiresAt
	case string(client.InvitationExpired):
		// Sent again: a new link and expiry.
		plan.Status = types.StringValue(string(client.InvitationPending))
		plan.SentAt, plan.ExpiresAt = types.StringUnknown(), types.StringUnknown()
	default:
		// A role update sends nothing; the invitation may expire or be accepted before the apply,
		// so its status is known only then.
		plan.SentAt, plan.ExpiresAt = state.SentAt, state.ExpiresAt
		if plan.Role.Equal(state.Role) && plan.Email.Equal(state.Email) {
			plan.Status = state.Status
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create sends the invitation.
func (r *invitationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan invitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	inv, err := r.client.Invitations.Create(ctx, invitationCreateOptions(plan))
	if err != nil {
		d := apiErrorDiagnostic("creating", "invitation", email, err)
		if errors.Is(err, client.ErrConflict) {
			d = diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+
				"A person who is already a member cannot be invited: manage them with alien_member. An email with a "+
				"pending invitation cannot get a second one: import that invitation (terraform import "+
				"alien_invitation.<name> inv_...) or revoke it first.")
		}
		resp.Diagnostics.Append(d)
		return
	}
	state := invitationFromAPI(inv, email)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIDIdentity(ctx, resp.Identity, inv.ID, &resp.Diagnostics)
}

// Read refreshes the invitation. An accepted one stays (as accepted); a revoked or deleted one
// leaves state.
func (r *invitationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state invitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIDIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	inv, err := r.client.Invitations.Read(ctx, state.ID.ValueString())
	if isNotFound(err) || (err == nil && inv.Status == client.InvitationRevoked) {
		tflog.Info(ctx, "The invitation is revoked or gone: removing it from state", map[string]any{"invitation_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "invitation", state.ID.ValueString(), err)
		return
	}
	newState := invitationFromAPI(inv, state.Email.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// Update changes the role of a pending or expired invitation, and sends an expired one again.
func (r *invitationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state invitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	inv, err := r.client.Invitations.Read(ctx, id)
	if err == nil && inv.Role != client.Role(plan.Role.ValueString()) {
		inv, err = r.client.Invitations.Update(ctx, id, client.InvitationUpdateOptions{Role: client.Role(plan.Role.ValueString())})
	}
	// Sent again only when the plan said so (it expired before the plan): one that expires
	// between plan and apply keeps the sending time and expiry the plan showed.
	if err == nil && state.Status.ValueString() == string(client.InvitationExpired) && inv.Status == client.InvitationExpired {
		inv, err = r.client.Invitations.Resend(ctx, id)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "updating", "invitation", id, err)
		return
	}
	newState := invitationFromAPI(inv, plan.Email.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	setIDIdentity(ctx, resp.Identity, inv.ID, &resp.Diagnostics)
}

// Delete revokes a pending or expired invitation; an accepted one is only forgotten (no API
// call: the membership it created stays), one already revoked or gone is done.
func (r *invitationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state invitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if state.Status.ValueString() == string(client.InvitationAccepted) {
		tflog.Info(ctx, "The invitation was accepted: forgetting it, the membership stays", map[string]any{"invitation_id": id})
		return
	}
	err := r.client.Invitations.Revoke(ctx, id)
	if err == nil || isNotFound(err) {
		return
	}
	if errors.Is(err, client.ErrConflict) {
		// Accepted since the last refresh: nothing to revoke any more.
		if inv, rerr := r.client.Invitations.Read(ctx, id); rerr == nil && inv.Status == client.InvitationAccepted {
			resp.Diagnostics.AddWarning("Invitation accepted before it could be revoked",
				fmt.Sprintf("Invitation %s to %s was accepted before this run could revoke it: %s is now member %s "+
					"and keeps access. The invitation is forgotten; remove the member with alien_member (or in "+
					"the platform) if they should not have access.",
					id, inv.Email, inv.Email, invitationMemberID(inv)))
			return
		}
	}
	addAPIError(&resp.Diagnostics, "deleting", "invitation", id, err)
}

// invitationMemberID is the id of the membership an accepted invitation created, "" when none.
func invitationMemberID(inv *client.Invitation) string {
	if inv.MemberID == nil {
		return ""
	}
	return *inv.MemberID
}

// ImportState imports an invitation by id or identity (importByID).
func (r *invitationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithIDIdentity(ctx, req, resp, r.importByID)
}

// importByID imports an invitation by id. A revoked invitation cannot be imported.
func (r *invitationResource) importByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !strings.HasPrefix(id, "inv_") {
		resp.Diagnostics.AddError("Unexpected import identifier",
			fmt.Sprintf("Import an invitation by its id (inv_...), not %q. To import a person by email, use "+
				"alien_member.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
