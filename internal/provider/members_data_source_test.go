package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

func TestMembersPeople(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	members := []*client.Member{
		{ID: "mem_z", Email: "zoe@example.com", Role: client.RoleOwner},
		{ID: "mem_a", Email: "Al@example.com", Role: client.RoleWriter},
	}
	invitations := []*client.Invitation{
		// Al accepted long ago; an older expired invitation of his must not show.
		{ID: "inv_al_old", Email: "al@example.com", Status: client.InvitationExpired, SentAt: t0},
		{ID: "inv_al", Email: "al@example.com", Status: client.InvitationAccepted, SentAt: t0.Add(time.Hour)},
		{ID: "inv_bo", Email: "bo@example.com", Role: client.RoleViewer, Status: client.InvitationPending, SentAt: t0},
		{ID: "inv_cy", Email: "cy@example.com", Role: client.RoleWriter, Status: client.InvitationExpired, SentAt: t0},
		// Revoked: gone. Accepted, member removed since: gone.
		{ID: "inv_di", Email: "di@example.com", Status: client.InvitationRevoked, SentAt: t0},
		{ID: "inv_ed", Email: "ed@example.com", Status: client.InvitationAccepted, SentAt: t0},
		// Expired, then a new pending one (different spelling): the pending one.
		{ID: "inv_fy_old", Email: "fy@example.com", Status: client.InvitationExpired, SentAt: t0},
		{ID: "inv_fy", Email: "Fy@Example.com", Role: client.RoleOwner, Status: client.InvitationPending, SentAt: t0.Add(time.Hour)},
	}
	var got []string
	for _, p := range membersPeople(members, invitations) {
		e := membersEntryFromAPI(p)
		got = append(got, fmt.Sprintf("%s %s %s %s", e.Email.ValueString(), e.ID.ValueString(), e.Role.ValueString(), e.Status.ValueString()))
	}
	want := []string{
		"Al@example.com mem_a writer active",
		"bo@example.com inv_bo viewer invited",
		"cy@example.com inv_cy writer expired",
		"Fy@Example.com inv_fy owner invited",
		"zoe@example.com mem_z owner active",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got\n  %v\nwant\n  %v", got, want)
	}
}

// TestAccMembersDataSource_basic lists the people of a new organization: its owner, a writer who
// accepted, and an invited viewer; filtered by role and by status.
func TestAccMembersDataSource_basic(t *testing.T) {
	// Parallel before the setup: a pending invitation made among the sequential tests could be
	// expired by one that moves the clock.
	t.Parallel()
	testAccRequireLocal(t)
	org := testAccNewOrganization(t)
	owners, err := org.Client.Members.List(t.Context(), client.MemberListOptions{})
	if err != nil || len(owners) != 1 {
		t.Fatalf("listing the new organization's members: %v, %d members", err, len(owners))
	}
	writerEmail := testAccRandomEmail("ds-a")
	viewerEmail := testAccRandomEmail("ds-b")
	writer := testAccInviteAndAccept(t, org.Client, writerEmail, client.RoleWriter)
	invited := testAccInvite(t, org.Client, viewerEmail, client.RoleViewer)

	ownerEntry := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.StringExact(owners[0].ID), "email": knownvalue.StringExact(owners[0].Email),
		"role": knownvalue.StringExact("owner"), "status": knownvalue.StringExact("active"),
		"user_id": knownvalue.StringExact(owners[0].UserID), "joined_at": knownvalue.NotNull(),
		"invitation_id": knownvalue.Null(), "expires_at": knownvalue.Null(),
	})
	writerEntry := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.StringExact(writer.ID), "email": knownvalue.StringExact(writerEmail),
		"role": knownvalue.StringExact("writer"), "status": knownvalue.StringExact("active"),
		"user_id": knownvalue.StringExact(writer.UserID), "joined_at": knownvalue.NotNull(),
		"invitation_id": knownvalue.Null(), "expires_at": knownvalue.Null(),
	})
	viewerEntry := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.StringExact(invited.ID), "email": knownvalue.StringExact(viewerEmail),
		"role": knownvalue.StringExact("viewer"), "status": knownvalue.StringExact("invited"),
		"user_id": knownvalue.Null(), "joined_at": knownvalue.Null(),
		"invitation_id": knownvalue.StringExact(invited.ID), "expires_at": knownvalue.StringExact(timeValue(invited.ExpiresAt).ValueString()),
	})
	members := tfjsonpath.New("members")

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccConfigJoin(testAccAliasedProviderBlock("org", org.Token), `
data "alien_members" "bad" {
  provider = alien.org
  status   = "pending"
}
`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Attribute status value must be one of:.*"active".*"invited".*"expired"`),
			},
			{
				Config: testAccConfigJoin(testAccAliasedProviderBlock("org", org.Token), `
data "alien_members" "all" {
  provider = alien.org
}

data "alien_members" "writers" {
  provider = alien.org
  role     = "writer"
}

data "alien_members" "invited" {
  provider = alien.org
  status   = "invited"
}

data "alien_members" "expired" {
  provider = alien.org
  status   = "expired"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					// Sorted by email: ds-a-..., ds-b-..., owner@...
					statecheck.ExpectKnownValue("data.alien_members.all", members, knownvalue.ListExact([]knownvalue.Check{writerEntry, viewerEntry, ownerEntry})),
					statecheck.ExpectKnownValue("data.alien_members.writers", members, knownvalue.ListExact([]knownvalue.Check{writerEntry})),
					statecheck.ExpectKnownValue("data.alien_members.invited", members, knownvalue.ListExact([]knownvalue.Check{viewerEntry})),
					statecheck.ExpectKnownValue("data.alien_members.expired", members, knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*membersDataSource) testModel() any { return &membersDataSourceModel{} }
