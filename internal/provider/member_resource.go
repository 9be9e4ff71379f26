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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ resource.ResourceWithConfigure   = &memberResource{}
	_ resource.ResourceWithImportState = &memberResource{}
	_ resource.ResourceWithIdentity    = &memberResource{}
	_ resource.ResourceWithModifyPlan  = &memberResource{}
)

// NewMemberResource returns the alien_member resource.
func NewMemberResource() resource.Resource {
	return &memberResource{}
}

// memberResource manages a person's whole lifecycle in the organization, keyed by email: invited,
// then active once the invitation is accepted; an expired invitation is sent again.
type memberResource struct {
	client *client.Client
}

// memberModel maps the resource's schema.
type memberModel struct {
	ID           types.String `tfsdk:"id"`
	Email        types.String `tfsdk:"email"`
	Role         types.String `tfsdk:"role"`
	Status       types.String `tfsdk:"status"`
	UserID       types.String `tfsdk:"user_id"`
	JoinedAt     types.String `tfsdk:"joined_at"`
	InvitationID types.String `tfsdk:"invitation_id"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// The statuses of a person as alien_member and alien_members show them.
const (
	memberStatusInvited = "invited"
	memberStatusActive  = "active"
	memberStatusExpired = "expired"
)

// memberRoles are the roles users write, least privileged first.
var memberRoles = []string{string(client.RoleViewer), string(client.RoleWriter), string(client.RoleOwner)}

// memberPerson is what the API holds for one email: a membership, else the invitation that stands for
// the person (pending or expired). Neither: the person is gone.
type memberPerson struct {
	member     *client.Member
	invitation *client.Invitation
}

// exists tells whether the API holds the person.
func (p memberPerson) exists() bool { return p.member != nil || p.invitation != nil }

// status is the person's alien_member status.
func (p memberPerson) status() string {
	switch {
	case p.member != nil:
		return memberStatusActive
	case p.invitation != nil && p.invitation.Status == client.InvitationExpired:
		return memberStatusExpired
	default:
		return memberStatusInvited
	}
}

// memberFromAPI maps a person to the model. email is the spelling to keep (the configured or
// prior one) when the API's equals it case-insensitively.
func memberFromAPI(p memberPerson, email string) memberModel {
	m := memberModel{
		Status:       types.StringValue(p.status()),
		UserID:       types.StringNull(),
		JoinedAt:     types.StringNull(),
		InvitationID: types.StringNull(),
		ExpiresAt:    types.StringNull(),
	}
	var apiEmail string
	switch {
	case p.member != nil:
		apiEmail = p.member.Email
		m.ID = types.StringValue(p.member.ID)
		m.Role = types.StringValue(string(p.member.Role))
		m.UserID = types.StringValue(p.member.UserID)
		m.JoinedAt = timeValue(p.member.JoinedAt)
	case p.invitation != nil:
		apiEmail = p.invitation.Email
		m.ID = types.StringValue(p.invitation.ID)
		m.Role = types.StringValue(string(p.invitation.Role))
		m.InvitationID = types.StringValue(p.invitation.ID)
		m.ExpiresAt = timeValue(p.invitation.ExpiresAt)
	}
	m.Email = types.StringValue(emailSpelling(apiEmail, email))
	return m
}

// memberInvitationOptions builds the invitation that creates a person from the plan.
func memberInvitationOptions(plan memberModel) client.InvitationCreateOptions {
	return client.InvitationCreateOptions{Email: plan.Email.ValueString(), Role: client.Role(plan.Role.ValueString())}
}

// memberPickInvitation chooses, among one email's invitations (in creation order), the one that stands
// for the person: the most recently sent pending one; else the newest, when it is expired. It
// answers nil when there is none, or when the newest was revoked or accepted (the person was
// removed since).
func memberPickInvitation(invitations []*client.Invitation) *client.Invitation {
	var pending, newest *client.Invitation
	for _, inv := range invitations {
		if inv.Status == client.InvitationPending && (pending == nil || !inv.SentAt.Before(pending.SentAt)) {
			pending = inv
		}
		if newest == nil || !inv.SentAt.Before(newest.SentAt) {
			newest = inv
		}
	}
	switch {
	case pending != nil:
		return pending
	case newest != nil && newest.Status == client.InvitationExpired:
		return newest
	}
	return nil
}

// lookupMemberPerson finds the person with this email: the membership, else the invitation that
// stands for them (memberPickInvitation). invitationID, when known (state's invitation_id), is
// read first: a pending invitation is answered from the read cache's snapshot of invitations, so
// refreshing an invited person costs no request of its own (accepting an invitation marks it
// accepted, so a pending one means no membership came of it). Otherwise the membership is read by
// email (from the members snapshot; a miss is confirmed with a direct call), then the invitations
// sent to that email are listed.
func lookupMemberPerson(ctx context.Context, c *client.Client, email, invitationID string) (memberPerson, error) {
	if invitationID != "" {
		inv, err := c.Invitations.Read(ctx, invitationID)
		switch {
		case err == nil && inv.Status == client.InvitationPending && textrule.SameEmail(inv.Email, email):
			return memberPerson{invitation: inv}, nil
		case err != nil && !isNotFound(err):
			return memberPerson{}, err
		}
	}
	m, err := c.Members.ReadByEmail(ctx, email)
	if err == nil {
		return memberPerson{member: m}, nil
	}
	if !isNotFound(err) {
		return memberPerson{}, err
	}
	all, err := c.Invitations.List(ctx, client.InvitationListOptions{Email: &email})
	if err != nil {
		return memberPerson{}, err
	}
	var mine []*client.Invitation
	for _, inv := range all {
		if textrule.SameEmail(inv.Email, email) {
			mine = append(mine, inv)
		}
	}
	return memberPerson{invitation: memberPickInvitation(mine)}, nil
}

// Metadata returns the resource type name.
func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

// Schema describes the resource.
func (r *memberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A person in the organization, from invitation to membership, keyed by email. " +
			"Creating it adopts an existing membership (setting its role), or an existing pending or expired " +
			"invitation (sending it again when expired), or else invites the person; when another run invites " +
			"the same person at the same moment, it adopts that invitation. `status` goes from " +
			"`invited` to `active` when the person accepts, without a diff; an expired invitation plans an " +
			"in-place update that sends it again. Destroying it removes the member, or revokes the invitation. " +
			"A plan that removes or demotes the organization's last owner fails. Never manage the same email " +
			"with `alien_invitation` too.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The member's id (`mem_...`) once active; the invitation's id (`inv_...`) " +
					"while invited or expired.",
				Computed: true,
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The person's email address. Emails compare case-insensitively: state keeps " +
					"the spelling of the configuration. Changing it to another address replaces the resource " +
					"(removes or uninvites the old person, invites the new one); a change of letter case only " +
					"updates it in place.",
				Required:      true,
				Validators:    emailValidators(),
				PlanModifiers: []planmodifier.String{emailRequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "The person's role: `viewer` (read), `writer` (viewer, plus create datasets, " +
					"upload, run pipelines and workflows) or `owner` (writer, plus manage members, billing, " +
					"clusters and data planes). Changes in place: the invitation's role while invited, the " +
					"membership's once active.",
				Required:   true,
				Validators: []validator.String{stringvalidator.OneOf(memberRoles...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`invited` (the invitation is pending), `active` (the person accepted and is a " +
					"member) or `expired` (the invitation expired: the next plan sends it again, in place).",
				Computed: true,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The person's user id (`usr_...`) once active; null while invited.",
				Computed:            true,
			},
			"joined_at": schema.StringAttribute{
				MarkdownDescription: "When the person joined (RFC 3339) once active; null while invited.",
				Computed:            true,
			},
			"invitation_id": schema.StringAttribute{
				MarkdownDescription: "The pending or expired invitation's id (`inv_...`); null once active.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the pending invitation expires (RFC 3339), 7 days after it was sent; " +
					"null once active.",
				Computed: true,
			},
		},
	}
}

// IdentitySchema describes the resource's identity.
func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = memberIdentitySchema()
}

// Configure stores the API client.
func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans what only the provider knows:
//   - an expired invitation plans status "expired" -> "invited", an in-place update that sends it
//     again;
//   - an update of an active member keeps its server-set values; an invited person's may change
//     (the person may accept before the apply) and are left unknown;
//   - a plan that removes or demotes the organization's last active owner fails (the only case
//     where the plan asks the API).
func (r *memberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return // create: every server-set value is unknown
	}
	var state memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if req.Plan.Raw.IsNull() {
		if memberActiveOwnerLosesRole(state, nil) {
			r.checkNotLastOwner(ctx, state, "removes", path.Empty(), &resp.Diagnostics)
		}
		return
	}

	var plan memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Email.IsUnknown() || !textrule.SameEmail(plan.Email.ValueString(), state.Email.ValueString()) {
		// Replaced (or maybe): the old person goes.
		if memberActiveOwnerLosesRole(state, nil) {
			r.checkNotLastOwner(ctx, state, "replaces (removes)", path.Root("email"), &resp.Diagnostics)
		}
		return
	}

	switch state.Status.ValueString() {
	case memberStatusActive:
		plan.ID, plan.Status, plan.UserID, plan.JoinedAt = state.ID, state.Status, state.UserID, state.JoinedAt
		plan.InvitationID, plan.ExpiresAt = state.InvitationID, state.ExpiresAt
		if memberActiveOwnerLosesRole(state, &plan) {
			r.checkNotLastOwner(ctx, state, "demotes", path.Root("role"), &resp.Diagnostics)
		}
	case memberStatusExpired:
		// Sent again: same invitation, new expiry.
		plan.ID, plan.InvitationID = state.ID, state.InvitationID
		plan.Status = types.StringValue(memberStatusInvited)
		plan.UserID, plan.JoinedAt = types.StringNull(), types.StringNull()
		plan.ExpiresAt = types.StringUnknown()
	default:
		if plan.Role.Equal(state.Role) && plan.Email.Equal(state.Email) {
			plan = state // nothing changes
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// memberActiveOwnerLosesRole tells whether state is an active owner that plan removes (plan nil) or
// demotes (a known role other than owner).
func memberActiveOwnerLosesRole(state memberModel, plan *memberModel) bool {
	if state.Status.ValueString() != memberStatusActive || state.Role.ValueString() != string(client.RoleOwner) {
		return false
	}
	if plan == nil {
		return true
	}
	return !plan.Role.IsUnknown() && plan.Role.ValueString() != string(client.RoleOwner)
}

// checkNotLastOwner fails the plan when state is the organization's only active owner. what says
// what the plan does to the member ("removes", "demotes").
func (r *memberResource) checkNotLastOwner(ctx context.Context, state memberModel, what string, at path.Path, diags *diag.Diagnostics) {
	if r.client == nil {
		return
	}
	owner := client.RoleOwner
	owners, err := r.client.Members.List(ctx, client.MemberListOptions{Role: &owner})
	if err != nil {
		addAPIError(diags, "checking", "the owners of the organization", "", err)
		return
	}
	for _, m := range owners {
		if m.ID != state.ID.ValueString() {
			return // another owner remains
		}
	}
	if len(owners) == 0 {
		return // not an owner any more (changed since the refresh): the API decides
	}
	summary := "Cannot remove the organization's last owner"
	if what == "demotes" {
		summary = "Cannot demote the organization's last owner"
	}
	detail := fmt.Sprintf("This plan %s member %s (%s), the only active owner of the organization. An organization "+
		"must keep at least one owner, and the API refuses to remove or demote the last one.\n\n"+
		"Make another member an owner first (for example set role = \"owner\" on another alien_member and apply), "+
		"then apply this change.", what, state.Email.ValueString(), state.ID.ValueString())
	if at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(at, summary, detail)
}

// Create adopts the person's membership or invitation, or invites them. The lookup and the
// invitation are two requests: when another run (another state, a pipeline run twice at once)
// invites the person in between, the API answers 409 invitation_pending (or already_member, once
// accepted); Create then reads again and adopts what it finds, as it would have had the lookup
// found it.
func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	p, err := lookupMemberPerson(ctx, r.client, email, "")
	if err != nil {
		addAPIError(&resp.Diagnostics, "creating", "member", email, err)
		return
	}
	switch {
	case p.exists():
		tflog.Info(ctx, "Adopting the person's existing membership or invitation", map[string]any{"status": p.status()})
		p, err = r.converge(ctx, p, client.Role(plan.Role.ValueString()))
	default:
		var inv *client.Invitation
		inv, err = r.client.Invitations.Create(ctx, memberInvitationOptions(plan))
		p = memberPerson{invitation: inv}
		if errors.Is(err, client.ErrInvitationPending) || errors.Is(err, client.ErrAlreadyMember) {
			tflog.Info(ctx, "The person was invited meanwhile (by another run?): reading again to adopt them")
			if found, lookupErr := lookupMemberPerson(ctx, r.client, email, ""); lookupErr == nil && found.exists() {
				p, err = r.converge(ctx, found, client.Role(plan.Role.ValueString()))
			}
		}
	}
	if err != nil {
		resp.Diagnostics.Append(memberWriteError("creating", email, false, err))
		return
	}
	state := memberFromAPI(p, email)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setMemberIdentity(ctx, resp.Identity, email, &resp.Diagnostics)
}

// converge brings an existing person to role: the membership's role, or the invitation's (sent
// again when it expired).
func (r *memberResource) converge(ctx context.Context, p memberPerson, role client.Role) (memberPerson, error) {
	var err error
	switch {
	case p.member != nil:
		if p.member.Role != role {
			p.member, err = r.client.Members.Update(ctx, p.member.ID, client.MemberUpdateOptions{Role: role})
		}
	case p.invitation != nil:
		if p.invitation.Role != role {
			if p.invitation, err = r.client.Invitations.Update(ctx, p.invitation.ID, client.InvitationUpdateOptions{Role: role}); err != nil {
				return p, err
			}
		}
		if p.invitation.Status == client.InvitationExpired {
			p.invitation, err = r.client.Invitations.Resend(ctx, p.invitation.ID)
		}
	}
	return p, err
}

// memberWriteError is the diagnostic of a failed change to a person. When the plan had checked
// that another owner remained (planChecked), a conflict about the last owner says what happened
// since.
func memberWriteError(action, email string, planChecked bool, err error) diag.Diagnostic {
	d := apiErrorDiagnostic(action, "member", email, err)
	if planChecked && errors.Is(err, client.ErrLastOwner) {
		return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+
			"The plan found another owner, so another change in this run (or outside Terraform) has removed or "+
			"demoted the other owners since. Keep at least one owner: make another member an owner, apply, then "+
			"try again.")
	}
	return d
}

// Read refreshes the person by email: a membership is active, a pending invitation invited, an
// expired one expired; none (or only revoked invitations, or an accepted one whose member was
// removed since) leaves state.
func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := state.Email.ValueString()
	setMemberIdentity(ctx, resp.Identity, email, &resp.Diagnostics)
	p, err := lookupMemberPerson(ctx, r.client, email, state.InvitationID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "member", email, err)
		return
	}
	if !p.exists() {
		tflog.Info(ctx, "The person is neither a member nor invited any more: removing them from state")
		resp.State.RemoveResource(ctx)
		return
	}
	newState := memberFromAPI(p, email)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// Update changes the role (the membership's, or the invitation's) and sends an expired invitation
// again. The person is looked up again by email: they may have accepted since the plan.
func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	p, err := lookupMemberPerson(ctx, r.client, email, state.InvitationID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "updating", "member", email, err)
		return
	}
	if !p.exists() {
		resp.Diagnostics.AddError("Error updating member",
			fmt.Sprintf("Member %q is gone since the plan: the person is neither a member nor invited (the "+
				"membership was removed, or the invitation revoked, outside Terraform). Run terraform apply "+
				"again: the next plan invites them again.", email))
		return
	}
	p, err = r.converge(ctx, p, client.Role(plan.Role.ValueString()))
	if err != nil {
		resp.Diagnostics.Append(memberWriteError("updating", email, memberActiveOwnerLosesRole(state, &plan), err))
		return
	}
	newState := memberFromAPI(p, email)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	setMemberIdentity(ctx, resp.Identity, email, &resp.Diagnostics)
}

// Delete removes the member, or revokes the pending or expired invitation, looked up by email
// now; a person already gone is done.
func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := state.Email.ValueString()
	p, err := lookupMemberPerson(ctx, r.client, email, state.InvitationID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "deleting", "member", email, err)
		return
	}
	switch {
	case p.member != nil:
		err = r.client.Members.Delete(ctx, p.member.ID)
	case p.invitation != nil:
		err = r.client.Invitations.Revoke(ctx, p.invitation.ID)
	}
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.Append(memberWriteError("deleting", email, memberActiveOwnerLosesRole(state, nil), err))
	}
}

// ImportState imports a person by member id (mem_...), invitation id (inv_...) or email, or by
// identity (the email). A pending invitation sent to the email is looked up in the read cache's
// snapshot of invitations, so that the Read that follows the import answers from it: importing
// many people by email costs a few list calls, not a request or two per person. An email given
// as the import id keeps its spelling in state (the configuration's, presumably); one given as
// the identity (in lower case, as `terraform query` writes it) takes the API's, as the generated
// configuration has it.
func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	byIdentity := false
	if id == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		var identity memberIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		id, byIdentity = strings.TrimSpace(identity.Email.ValueString()), true
	}
	var email, invitationID string
	switch {
	case strings.Contains(id, "@"):
		email = id
		if inv, found := r.client.Invitations.PendingByEmail(ctx, email); found {
			invitationID = inv.ID
			if byIdentity {
				email = inv.Email
			}
		} else if byIdentity {
			if m, err := r.client.Members.ReadByEmail(ctx, email); err == nil {
				email = m.Email
			}
		}
	case strings.HasPrefix(id, "mem_"):
		m, err := r.client.Members.Read(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "importing", "member", id, err)
			return
		}
		email = m.Email
	case strings.HasPrefix(id, "inv_"):
		inv, err := r.client.Invitations.Read(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "importing", "member", id, err)
			return
		}
		email, invitationID = inv.Email, inv.ID
	default:
		resp.Diagnostics.AddError("Unexpected import identifier",
			fmt.Sprintf("Import a member by email (jane.doe@example.com), member id (mem_...) or invitation id "+
				"(inv_...), not %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("email"), email)...)
	if invitationID != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("invitation_id"), invitationID)...)
	}
	setMemberIdentity(ctx, resp.Identity, email, &resp.Diagnostics)
}
