package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestMemberListResource lists the people of an organization with 121 members, 134 pending
// invitations (one of them sent again after it expired, one sent anew after an earlier one
// expired, two to non-ASCII emails), 3 expired invitations and a revoked one: the filters, limit,
// include_resource, identities, and the requests (pages of 100, read only as far as the limit
// needs).
func TestMemberListResource(t *testing.T) {
	t.Parallel()
	e := startRPCTestEnv(t)
	ctx := context.Background()

	// Sent first, then expired by moving the clock 8 days.
	var expired []*client.Invitation
	for i, role := range []client.Role{client.RoleViewer, client.RoleWriter, client.RoleViewer} {
		expired = append(expired, e.invite(fmt.Sprintf("expired-%d@example.com", i), role))
	}
	resent := e.invite("resent@example.com", client.RoleWriter)
	e.invite("renewed@example.com", client.RoleViewer)
	revoked := e.invite("revoked@example.com", client.RoleViewer)
	if err := e.owner.Invitations.Revoke(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Local(e.owner).AdvanceClock(ctx, 8*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := e.owner.Invitations.Resend(ctx, resent.ID); err != nil {
		t.Fatal(err)
	}
	renewed := e.invite("renewed@example.com", client.RoleOwner)

	owners := []string{"owner"}
	var active, invited []string
	for i := range 120 {
		role := client.RoleViewer
		switch {
		case i%10 == 0:
			role = client.RoleOwner
		case i%3 == 0:
			role = client.RoleWriter
		}
		m := e.addMember(fmt.Sprintf("member-%03d@example.com", i), role)
		active = append(active, m.Email)
		if role == client.RoleOwner {
			owners = append(owners, m.Email)
		}
	}
	mixed := e.invite("Mixed.Case@Example.com", client.RoleWriter)
	invited = append(invited, resent.Email, renewed.Email, mixed.Email) // pending ones, in creation order
	for i := range 129 {
		role := client.RoleViewer
		if i%2 == 0 {
			role = client.RoleWriter
		}
		invited = append(invited, e.invite(fmt.Sprintf("invitee-%03d@example.com", i), role).Email)
	}
	// Non-ASCII emails, whose identities are their keys (Unicode case folding), not
	// strings.ToLower's: a viewer and a writer, as the invitees alternate.
	nonASCII := map[string]string{"Straße@Example.de": "strasse@example.de", "JOSÉ@example.com": "josé@example.com"}
	invited = append(invited, e.invite("Straße@Example.de", client.RoleViewer).Email, e.invite("JOSÉ@example.com", client.RoleWriter).Email)
	bootstrapOwner, err := e.owner.Members.List(ctx, client.MemberListOptions{Role: new(client.RoleOwner)})
	if err != nil || len(bootstrapOwner) != 13 {
		t.Fatalf("owners: %d, %v; want 13", len(bootstrapOwner), err)
	}
	active = append(active, bootstrapOwner[0].Email)
	owners[0] = bootstrapOwner[0].Email
	e.requests()

	const typ = "alien_member"
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	t.Run("active and invited, streamed page by page", func(t *testing.T) {
		results := e.listOK(typ, nil, false, 1000)
		if got, want := displayNames(results), sorted(append(slices.Clone(active), invited...)); !slices.Equal(got, want) {
			t.Errorf("display names: %d results, want %d: %v", len(got), len(want), difference(got, want))
		}
		// Members first (creation order), then pending invitations; identities are lower-case emails.
		emails := identityValues(results, "email")
		if emails[0] != strings.ToLower(bootstrapOwner[0].Email) || emails[123] != "mixed.case@example.com" {
			t.Errorf("identities start %q, and are %q after the members and two invitations; want %q and %q",
				emails[0], emails[123], strings.ToLower(bootstrapOwner[0].Email), "mixed.case@example.com")
		}
		for _, r := range results {
			if r.Resource != nil {
				t.Fatalf("%s: a resource object without include_resource", r.DisplayName)
			}
			want, ok := nonASCII[r.DisplayName]
			if !ok {
				want = strings.ToLower(r.DisplayName)
			}
			if email, _ := r.Identity["email"].(string); email != want {
				t.Errorf("%s: identity email %q, want %q", r.DisplayName, email, want)
			}
		}
		if got := emails[len(emails)-2:]; !slices.Equal(got, []string{"strasse@example.de", "josé@example.com"}) {
			t.Errorf("the last identities are %q, want the keys of Straße@Example.de and JOSÉ@example.com", got)
		}
		// 121 members and 134 pending invitations: two pages each.
		e.expectRequests("listing every person", map[string]int{"GET /members": 2, "GET /invitations": 2})
	})

	t.Run("limit stops reading pages", func(t *testing.T) {
		if n := len(e.listOK(typ, nil, false, 10)); n != 10 {
			t.Errorf("limit 10: %d results", n)
		}
		e.expectRequests("limit 10", map[string]int{"GET /members": 1})
		results := e.listOK(typ, nil, false, 150)
		if len(results) != 150 || results[149].DisplayName != invited[28] {
			t.Errorf("limit 150: %d results, the last %q; want 150, the last %q", len(results), results[len(results)-1].DisplayName, invited[28])
		}
		e.expectRequests("limit 150", map[string]int{"GET /members": 2, "GET /invitations": 1})
		if n := len(e.listOK(typ, nil, false, 0)); n != 0 {
			t.Errorf("limit 0: %d results", n)
		}
		e.expectRequests("limit 0", map[string]int{})
	})

	t.Run("results stream as the pages come in", func(t *testing.T) {
		// Stopping after the first result: the first page of members only, though the limit
		// allows every person (253, five pages).
		results := e.listFirst(typ, nil, false, 1000)
		if len(results) != 1 || results[0].DisplayName != bootstrapOwner[0].Email {
			t.Errorf("the first result: %v, want %s", results, bootstrapOwner[0].Email)
		}
		e.expectRequests("stopping after the first person", map[string]int{"GET /members": 1})
		// The first invited person is on the first page of invitations (the members are read
		// first, to leave out the invitations they accepted).
		results = e.listFirst(typ, map[string]tftypes.Value{"status": str("invited")}, false, 1000)
		if len(results) != 1 || results[0].DisplayName != resent.Email {
			t.Errorf("the first invited person: %v, want %s", results, resent.Email)
		}
		e.expectRequests("stopping after the first invited person", map[string]int{"GET /members": 2, "GET /invitations": 1})
	})

	t.Run("filters", func(t *testing.T) {
		for _, c := range []struct {
			role, status string
			want         []string
			requests     map[string]int
		}{
			{"owner", "active", owners, map[string]int{"GET /members": 1}},
			{"", "invited", invited, map[string]int{"GET /members": 2, "GET /invitations": 2}},
			{"writer", "invited", filterEmails(invited, func(i int, email string) bool {
				return email == mixed.Email || email == resent.Email || (i >= 3 && (i-3)%2 == 0)
			}), map[string]int{"GET /members": 2, "GET /invitations": 2}},
			// Expired ones need every invitation (the 120 accepted ones too): 259, three pages.
			{"", "expired", []string{expired[0].Email, expired[1].Email, expired[2].Email}, map[string]int{"GET /members": 2, "GET /invitations": 3}},
			{"writer", "expired", []string{expired[1].Email}, map[string]int{"GET /members": 2, "GET /invitations": 3}},
			{"owner", "", append(slices.Clone(owners), renewed.Email), map[string]int{"GET /members": 2, "GET /invitations": 2}},
		} {
			config := map[string]tftypes.Value{}
			if c.role != "" {
				config["role"] = str(c.role)
			}
			if c.status != "" {
				config["status"] = str(c.status)
			}
			results := e.listOK(typ, config, false, 1000)
			if got, want := displayNames(results), sorted(c.want); !slices.Equal(got, want) {
				t.Errorf("role %q, status %q: %v", c.role, c.status, difference(got, want))
			}
			e.expectRequests(fmt.Sprintf("role %q, status %q", c.role, c.status), c.requests)
		}
	})

	t.Run("include_resource", func(t *testing.T) {
		byName := map[string]map[string]any{}
		for _, r := range e.listOK(typ, nil, true, 1000) {
			byName[r.DisplayName] = r.Resource
		}
		for _, c := range []struct {
			email string
			want  map[string]any
		}{
			{mixed.Email, map[string]any{"id": mixed.ID, "email": mixed.Email, "role": "writer", "status": "invited",
				"invitation_id": mixed.ID, "user_id": nil, "joined_at": nil}},
			{active[0], map[string]any{"email": active[0], "role": "owner", "status": "active", "invitation_id": nil, "expires_at": nil}},
		} {
			got := byName[c.email]
			if got == nil {
				t.Fatalf("%s: no resource object", c.email)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s: %s = %v, want %v", c.email, k, got[k], v)
				}
			}
		}
		if m := byName[active[0]]; m["id"] == nil || !strings.HasPrefix(m["id"].(string), "mem_") || m["user_id"] == nil || m["joined_at"] == nil {
			t.Errorf("%s: an active member's object lacks its id, user_id or joined_at: %v", active[0], m)
		}
		expiredResults := e.listOK(typ, map[string]tftypes.Value{"status": str("expired")}, true, 1000)
		if len(expiredResults) != 3 || expiredResults[0].Resource["status"] != "expired" || expiredResults[0].Resource["expires_at"] == nil {
			t.Errorf("expired with include_resource: %v", expiredResults)
		}
		e.requests()
	})
}

// sorted is a sorted copy.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// filterEmails keeps the emails keep accepts (with their index).
func filterEmails(emails []string, keep func(int, string) bool) []string {
	var out []string
	for i, e := range emails {
		if keep(i, e) {
			out = append(out, e)
		}
	}
	return out
}

// difference says what got lacks and what it has too many, against want (both sorted).
func difference(got, want []string) string {
	var missing, extra []string
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if _, ok := slices.BinarySearch(want, g); !ok {
			extra = append(extra, g)
		}
	}
	return fmt.Sprintf("%d results, want %d; missing %v; unexpected %v", len(got), len(want), missing, extra)
}

// testModel is an empty value of the model of the list resource's config, which
// TestModelsMatchSchemas checks against its schema.
func (*memberListResource) testModel() any { return &memberListConfigModel{} }
