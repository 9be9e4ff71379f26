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
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ list.ListResource              = &memberListResource{}
	_ list.ListResourceWithConfigure = &memberListResource{}
)

// NewMemberListResource returns the alien_member list resource.
func NewMemberListResource() list.ListResource {
	return &memberListResource{}
}

// memberListResource lists the organization's people as alien_member sees them, for
// `terraform query`: members, then pending invitations (expired ones when asked), one result per
// email, identified by the email.
type memberListResource struct {
	client *client.Client
}

// memberListConfigModel maps the list block's config.
type memberListConfigModel struct {
	Role   types.String `tfsdk:"role"`
	Status types.String `tfsdk:"status"`
}

// Metadata returns the list resource type name, the resource's.
func (r *memberListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

// ListResourceConfigSchema describes the list block's config.
func (r *memberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's people, as `alien_member` manages them: every member (`active`), " +
			"then every pending invitation (`invited`), one result per email, identified by the email. Expired " +
			"invitations are left out unless `status = \"expired\"` asks for them: adopting one plans sending it " +
			"again. The display name is the email. Results come as the API's pages of 100 arrive; `limit` " +
			"(Terraform's default is 100) stops reading early.",
		Attributes: map[string]schema.Attribute{
			"role": schema.StringAttribute{
				MarkdownDescription: "Only people with this role: `viewer`, `writer` or `owner`. Unset: every role.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(memberRoles...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only people with this status: `active` (members), `invited` (pending invitations) " +
					"or `expired` (expired invitations). Unset: `active` and `invited`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf(memberStatusActive, memberStatusInvited, memberStatusExpired),
				},
			},
		},
	}
}

// Configure stores the API client.
func (r *memberListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// List streams the people: members page by page, then pending invitations page by page (an
// invitation is left out when its email is a member's); expired invitations need every
// invitation (the newest one of an email stands for the person), so they come last.
func (r *memberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config memberListConfigModel
	if !listConfig(ctx, req, stream, &config) {
		return
	}
	status := config.Status.ValueString()
	wantActive := status == "" || status == memberStatusActive
	wantInvited := status == "" || status == memberStatusInvited
	role := config.Role.ValueString()
	roleOK := func(p memberPerson) bool { return role == "" || string(p.role()) == role }
	emit := func(e *listEmitter, p memberPerson) bool {
		if !roleOK(p) {
			return true
		}
		return e.emit(p.email(), memberIdentityModel{Email: types.StringValue(memberIdentityEmail(p.email()))},
			memberFromAPI(p, ""))
	}

	listStream(ctx, req, stream, func(e *listEmitter) {
		// Members: every one of them is needed to leave out invitations of emails that are members.
		var members []*client.Member
		var opts client.MemberListOptions
		if status == memberStatusActive && role != "" {
			want := client.Role(role)
			opts.Role = &want // only members are listed: the API filters
		}
		for page, err := range r.client.Members.Pages(ctx, opts) {
			if err != nil {
				e.failAPI("members", err)
				return
			}
			for _, m := range page {
				members = append(members, m)
				if wantActive && !emit(e, memberPerson{member: m}) {
					return
				}
			}
		}
		if wantActive && !wantInvited {
			return
		}

		if wantInvited {
			// Pending invitations of emails with no membership, one per email: the one Read picks
			// (memberPickInvitation). The API keeps one pending invitation per email, so a page
			// decides; should two of an email ever be on different pages, the first one stands.
			done := map[string]bool{}
			for _, m := range members {
				done[textrule.Key(m.Email)] = true
			}
			pending := client.InvitationPending
			for page, err := range r.client.Invitations.Pages(ctx, client.InvitationListOptions{Status: &pending}) {
				if err != nil {
					e.failAPI("invitations", err)
					return
				}
				for _, inv := range memberPendingPerEmail(page) {
					key := textrule.Key(inv.Email)
					if done[key] {
						continue
					}
					done[key] = true
					if !emit(e, memberPerson{invitation: inv}) {
						return
					}
				}
			}
			return
		}

		// Expired: the person's invitation is the newest of the email's, and none of them pending;
		// membersPeople leaves out the emails with a membership.
		all, err := r.client.Invitations.List(ctx, client.InvitationListOptions{})
		if err != nil {
			e.failAPI("invitations", err)
			return
		}
		for _, p := range membersPeople(members, all) {
			if p.status() != memberStatusExpired {
				continue
			}
			if !emit(e, p) {
				return
			}
		}
	})
}

// memberPendingPerEmail answers, of a page of pending invitations, the one that stands for each
// email (memberPickInvitation: the most recently sent), in the order the emails first appear.
func memberPendingPerEmail(page []*client.Invitation) []*client.Invitation {
	byEmail := map[string][]*client.Invitation{}
	var order []string
	for _, inv := range page {
		key := textrule.Key(inv.Email)
		if _, seen := byEmail[key]; !seen {
			order = append(order, key)
		}
		byEmail[key] = append(byEmail[key], inv)
	}
	picked := make([]*client.Invitation, 0, len(order))
	for _, key := range order {
		if inv := memberPickInvitation(byEmail[key]); inv != nil {
			picked = append(picked, inv)
		}
	}
	return picked
}
