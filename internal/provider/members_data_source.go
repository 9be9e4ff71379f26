package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	_ datasource.DataSource              = &membersDataSource{}
	_ datasource.DataSourceWithConfigure = &membersDataSource{}
)

// NewMembersDataSource returns the alien_members data source.
func NewMembersDataSource() datasource.DataSource {
	return &membersDataSource{}
}

// membersDataSource lists the organization's people as alien_member sees them: every member and
// every pending or expired invitation, one entry per email.
type membersDataSource struct {
	client *client.Client
}

// membersDataSourceModel maps the data source's schema.
type membersDataSourceModel struct {
	Role    types.String        `tfsdk:"role"`
	Status  types.String        `tfsdk:"status"`
	Members []membersEntryModel `tfsdk:"members"`
}

// membersEntryModel is one person of the list.
type membersEntryModel struct {
	ID           types.String `tfsdk:"id"`
	Email        types.String `tfsdk:"email"`
	Role         types.String `tfsdk:"role"`
	Status       types.String `tfsdk:"status"`
	UserID       types.String `tfsdk:"user_id"`
	JoinedAt     types.String `tfsdk:"joined_at"`
	InvitationID types.String `tfsdk:"invitation_id"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// membersEntryFromAPI maps a person to an entry, as alien_member would show them.
func membersEntryFromAPI(p memberPerson) membersEntryModel {
	m := memberFromAPI(p, "")
	return membersEntryModel(m)
}

// membersPeople is everyone the API holds, one person per email (case-insensitive): the
// membership when there is one, else the invitation that stands for the person
// (memberPickInvitation); emails whose newest invitation was revoked or accepted by a member since
// removed are left out. Sorted by email.
func membersPeople(members []*client.Member, invitations []*client.Invitation) []memberPerson {
	byEmail := map[string]*memberPerson{}
	var order []string
	get := func(email string) *memberPerson {
		key := textrule.Key(email)
		if p, ok := byEmail[key]; ok {
			return p
		}
		p := &memberPerson{}
		byEmail[key] = p
		order = append(order, key)
		return p
	}
	for _, m := range members {
		get(m.Email).member = m
	}
	invitationsByEmail := map[string][]*client.Invitation{}
	for _, inv := range invitations {
		key := textrule.Key(inv.Email)
		invitationsByEmail[key] = append(invitationsByEmail[key], inv)
	}
	for key, invs := range invitationsByEmail {
		if p, ok := byEmail[key]; ok && p.member != nil {
			continue
		}
		if inv := memberPickInvitation(invs); inv != nil {
			get(inv.Email).invitation = inv
		}
	}
	people := make([]memberPerson, 0, len(order))
	for _, key := range order {
		people = append(people, *byEmail[key])
	}
	sort.SliceStable(people, func(i, j int) bool {
		ei, ej := people[i].email(), people[j].email()
		if li, lj := textrule.Key(ei), textrule.Key(ej); li != lj {
			return li < lj
		}
		return ei < ej
	})
	return people
}

// email is the person's email as the API spells it.
func (p memberPerson) email() string {
	if p.member != nil {
		return p.member.Email
	}
	if p.invitation != nil {
		return p.invitation.Email
	}
	return ""
}

// role is the person's role: the membership's, else the invitation's.
func (p memberPerson) role() client.Role {
	if p.member != nil {
		return p.member.Role
	}
	if p.invitation != nil {
		return p.invitation.Role
	}
	return ""
}

// Metadata returns the data source type name.
func (d *membersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_members"
}

// Schema describes the data source.
func (d *membersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	entry := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's people, as `alien_member` sees them: every member (`active`) and " +
			"every pending (`invited`) or expired (`expired`) invitation, one entry per email, sorted by email. " +
			"Optionally filtered by role and status. It reads two paginated lists (members and invitations, 100 " +
			"per page), not one request per person.",
		Attributes: map[string]schema.Attribute{
			"role": schema.StringAttribute{
				MarkdownDescription: "Only people with this role: `viewer`, `writer` or `owner`. Unset: every role.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(memberRoles...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only people with this status: `active`, `invited` or `expired`. Unset: every status.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.OneOf(memberStatusActive, memberStatusInvited, memberStatusExpired),
				},
			},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "The people, sorted by email.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": entry("The member's id (`mem_...`) when active; the invitation's id (`inv_...`) " +
							"when invited or expired, as `alien_member`'s `id`."),
						"email":         entry("The person's email address, as the API spells it."),
						"role":          entry("The role: `viewer`, `writer` or `owner`."),
						"status":        entry("`active` (a member), `invited` (a pending invitation) or `expired`."),
						"user_id":       entry("The user id (`usr_...`) when active; null otherwise."),
						"joined_at":     entry("When the person joined (RFC 3339) when active; null otherwise."),
						"invitation_id": entry("The invitation's id (`inv_...`) when invited or expired; null when active."),
						"expires_at":    entry("When the invitation expires or expired (RFC 3339); null when active."),
					},
				},
			},
		},
	}
}

// Configure stores the API client.
func (d *membersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// Read lists members and invitations (two paginated lists, side by side) and merges them.
func (d *membersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config membersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		members     []*client.Member
		invitations []*client.Invitation
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		members, err = d.client.Members.List(gctx, client.MemberListOptions{})
		return err
	})
	if config.Status.ValueString() != memberStatusActive {
		g.Go(func() error {
			var err error
			invitations, err = d.client.Invitations.List(gctx, client.InvitationListOptions{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		addAPIError(&resp.Diagnostics, "listing", "members", "", err)
		return
	}

	state := membersDataSourceModel{Role: config.Role, Status: config.Status, Members: []membersEntryModel{}}
	for _, p := range membersPeople(members, invitations) {
		if !config.Role.IsNull() && string(p.role()) != config.Role.ValueString() {
			continue
		}
		if !config.Status.IsNull() && p.status() != config.Status.ValueString() {
			continue
		}
		state.Members = append(state.Members, membersEntryFromAPI(p))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
