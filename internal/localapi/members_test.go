package localapi

import (
	"strings"
	"testing"
	"time"
)

func TestOrganizations(t *testing.T) {
	e := newEnv(t)
	var created orgCreatedT
	e.post("/organizations", map[string]any{"name": "Second"}).want(201, &created)
	if created.Plan != "free" || created.Name != "Second" || !strings.HasPrefix(created.BootstrapToken, "oat_") || !strings.HasPrefix(created.BootstrapTokenID, "tok_") {
		t.Fatalf("created = %+v", created)
	}
	// The bootstrap key belongs to the new organization; the creator is its owner.
	var id identityT
	e.as(created.BootstrapToken, "GET", "/me", nil).want(200, &id)
	if id.Organization.ID != created.ID || id.UserID == nil || *id.UserID != e.inst.Bootstrap.OwnerUserID {
		t.Fatalf("bootstrap identity = %+v", id)
	}
	var members pageT[memberT]
	e.as(created.BootstrapToken, "GET", "/members", nil).want(200, &members)
	if len(members.Data) != 1 || members.Data[0].Role != "owner" || members.Data[0].UserID != e.inst.Bootstrap.OwnerUserID {
		t.Fatalf("members of the new organization = %+v", members)
	}
	// Enterprise features are refused on the free plan, naming both plans.
	e.as(created.BootstrapToken, "POST", "/service-accounts", map[string]any{"email": "bot@example.com"}).
		wantError(403, "plan_required", "", "free", "enterprise")

	// Organization-level calls on another organization where the user is an Owner.
	var org orgT
	e.get("/organizations/"+created.ID).want(200, &org)
	e.patch("/organizations/"+created.ID, map[string]any{"name": "Renamed"}).want(200, &org)
	if org.Name != "Renamed" || org.Plan != "free" {
		t.Fatalf("renamed = %+v", org)
	}
	e.patch("/organizations/"+e.orgID, map[string]any{"name": "Home"}).want(200, &org)
	e.patch("/organizations/"+e.orgID, map[string]any{"name": "x", "plan": "enterprise"}).wantError(400, "invalid", "plan", "unknown field")
	e.get("/organizations/org_doesnotexist0000").wantError(404, "not_found", "")

	// Once the user is no longer an Owner there, the other organization answers 404.
	second := e.invite(created.BootstrapToken, "second@example.com", "owner")
	var firstOwner memberT
	for _, m := range members.Data {
		firstOwner = m
	}
	e.as(created.BootstrapToken, "PATCH", "/members/"+firstOwner.ID, map[string]any{"role": "writer"}).want(200, nil)
	e.get("/organizations/"+created.ID).wantError(404, "not_found", "")
	e.patch("/organizations/"+created.ID, map[string]any{"name": "Mine"}).wantError(404, "not_found", "")
	e.del("/organizations/"+created.ID).wantError(404, "not_found", "")
	// Tokens keep working after their creator is demoted or removed (seed: they keep working until revoked).
	e.as(created.BootstrapToken, "DELETE", "/members/"+firstOwner.ID, nil).want(204, nil)
	e.as(created.BootstrapToken, "GET", "/organization", nil).want(200, nil)
	_ = second

	// Deleting an organization deletes everything in it, credentials included.
	var third orgCreatedT
	e.post("/organizations", map[string]any{"name": "Third"}).want(201, &third)
	e.setPlan(third.ID, "enterprise")
	var sa saT
	e.as(third.BootstrapToken, "POST", "/service-accounts", map[string]any{"email": "bot@example.com"}).want(201, &sa)
	var saTok tokenT
	e.as(third.BootstrapToken, "POST", "/api-tokens", map[string]any{"name": "t", "expires_in": "never", "service_account_id": sa.ID, "scope": "api-key"}).want(201, &saTok)
	e.del("/organizations/"+third.ID).want(204, nil)
	e.as(third.BootstrapToken, "GET", "/organization", nil).wantError(401, "unauthorized", "")
	e.as(saTok.Token, "GET", "/datasets", nil).wantError(401, "unauthorized", "")
	e.get("/organizations/"+third.ID).wantError(404, "not_found", "")

	// Client-role credentials cannot create organizations.
	homeSA := e.createSA(e.token, "home-bot@example.com")
	tok := e.saToken(homeSA.ID, "api-secret")
	e.as(tok.Token, "POST", "/organizations", map[string]any{"name": "Nope"}).wantError(403, "forbidden", "")
}

func TestCrossOrganizationObjectsAnswer404(t *testing.T) {
	e := newEnv(t)
	var other orgCreatedT
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	e.setPlan(other.ID, "enterprise")
	ot := other.BootstrapToken

	var inv invitationT
	e.as(ot, "POST", "/invitations", map[string]any{"email": "x@example.com", "role": "viewer"}).want(201, &inv)
	m := e.invite(ot, "member@example.com", "writer")
	sa := e.createSA(ot, "bot@example.com")
	var mu muT
	e.as(ot, "POST", "/managed-users", map[string]any{"email": "mu@example.com", "first_name": "M", "last_name": "U"}).want(201, &mu)
	tok := e.createToken(ot, map[string]any{"name": "t", "expires_in": "never"})
	var oc oauthClientT
	e.as(ot, "POST", "/oauth-clients", map[string]any{"name": "c"}).want(201, &oc)

	for _, path := range []string{"/invitations/" + inv.ID, "/members/" + m.ID, "/service-accounts/" + sa.ID, "/managed-users/" + mu.ID,
		"/api-tokens/" + tok.ID, "/oauth-clients/" + oc.ID} {
		r := e.get(path)
		r.wantError(404, "not_found", "")
		if strings.Contains(string(r.body), "example.com") {
			t.Errorf("GET %s leaks data of the other organization: %s", path, r.body)
		}
	}
	e.patch("/members/"+m.ID, map[string]any{"role": "viewer"}).wantError(404, "not_found", "")
	e.del("/members/"+m.ID).wantError(404, "not_found", "")
	e.del("/invitations/"+inv.ID).wantError(404, "not_found", "")
	e.post("/invitations/"+inv.ID+"/resend", nil).wantError(404, "not_found", "")
	e.post("/service-accounts/"+sa.ID+"/deactivate", nil).wantError(404, "not_found", "")
	e.post("/managed-users/"+mu.ID+"/deactivate", nil).wantError(404, "not_found", "")
	e.del("/api-tokens/"+tok.ID).wantError(404, "not_found", "")
	e.patch("/oauth-clients/"+oc.ID, map[string]any{"enabled": false}).wantError(404, "not_found", "")
	e.post("/api-tokens", map[string]any{"name": "x", "expires_in": "never", "service_account_id": sa.ID, "scope": "api-key"}).wantError(404, "not_found", "")
	// Lists never show the other organization's objects.
	var members pageT[memberT]
	e.get("/members?email=member@example.com").want(200, &members)
	if len(members.Data) != 0 {
		t.Fatalf("members list shows another organization's member: %+v", members)
	}
	// And nothing changed there.
	e.as(ot, "GET", "/api-tokens/"+tok.ID, nil).want(200, nil)
	e.as(tok.Token, "GET", "/me", nil).want(200, nil)
}

func TestLastOwnerCanBeNeitherRemovedNorDemoted(t *testing.T) {
	e := newEnv(t)
	var members pageT[memberT]
	e.get("/members").want(200, &members)
	owner := members.Data[0]
	e.patch("/members/"+owner.ID, map[string]any{"role": "writer"}).wantError(409, "last_owner", "", "last owner", owner.ID)
	e.del("/members/"+owner.ID).wantError(409, "last_owner", "", "last owner", owner.ID)
	e.patch("/members/"+owner.ID, map[string]any{"role": "owner"}).want(200, nil) // no change is fine

	// With a second owner, either can go.
	second := e.invite(e.token, "second@example.com", "owner")
	var m memberT
	e.patch("/members/"+owner.ID, map[string]any{"role": "viewer"}).want(200, &m)
	if m.Role != "viewer" {
		t.Fatalf("role = %q", m.Role)
	}
	e.del("/members/"+second.ID).wantError(409, "last_owner", "", "last owner")
	e.patch("/members/"+second.ID, map[string]any{"role": "writer"}).wantError(409, "last_owner", "", "last owner")
	e.del("/members/"+owner.ID).want(204, nil)
	e.get("/members/"+owner.ID).wantError(404, "not_found", "")
	e.del("/members/"+owner.ID).wantError(404, "not_found", "")
	// The removed owner's organization key keeps working until revoked (seed).
	e.get("/members").want(200, nil)
}

func TestMembersListFilters(t *testing.T) {
	e := newEnv(t)
	e.invite(e.token, "Writer@Example.com", "writer")
	e.invite(e.token, "viewer@example.com", "viewer")
	var p pageT[memberT]
	e.get("/members?role=writer").want(200, &p)
	if len(p.Data) != 1 || p.Data[0].Email != "Writer@Example.com" || p.Data[0].Name == nil || *p.Data[0].Name != "N" {
		t.Fatalf("role filter = %+v", p.Data)
	}
	e.get("/members?email=writer@example.COM").want(200, &p)
	if len(p.Data) != 1 {
		t.Fatalf("email filter (case-insensitive) = %+v", p.Data)
	}
	e.get("/members?role=admin").wantError(400, "invalid", "role")
}

func TestInvitationLifecycle(t *testing.T) {
	e := newEnv(t)
	var inv invitationT
	r := e.post("/invitations", map[string]any{"email": "jane@example.com", "role": "writer"})
	r.want(201, &inv)
	if !strings.HasPrefix(inv.ID, "inv_") || inv.Status != "pending" || inv.ExpiresAt.Sub(inv.SentAt) != 7*24*time.Hour || inv.MemberID != nil {
		t.Fatalf("invitation = %+v", inv)
	}
	// One email with the link, pointing at this instance.
	mails := e.outbox("JANE@example.com", "invitation")
	if len(mails) != 1 || !strings.Contains(mails[0].Body, mails[0].Link) || !strings.Contains(mails[0].Subject, "Local Organization") {
		t.Fatalf("outbox = %+v", mails)
	}
	firstLink := e.lastLinkToken("jane@example.com", "invitation")

	// A pending invitation blocks a second one, naming it.
	e.post("/invitations", map[string]any{"email": "Jane@Example.com", "role": "viewer"}).wantError(409, "conflict", "", inv.ID)
	// A member's email too, naming the member.
	var members pageT[memberT]
	e.get("/members").want(200, &members)
	e.post("/invitations", map[string]any{"email": "owner@example.com", "role": "viewer"}).wantError(409, "conflict", "", members.Data[0].ID)

	// Role change while pending; the list shows it.
	e.patch("/invitations/"+inv.ID, map[string]any{"role": "viewer"}).want(200, &inv)
	var list pageT[invitationT]
	e.get("/invitations?status=pending&email=jane@example.com").want(200, &list)
	if len(list.Data) != 1 || list.Data[0].Role != "viewer" {
		t.Fatalf("pending list = %+v", list)
	}

	// Expiry is computed from the clock; an expired invitation can change role and be sent again.
	e.advance(7*24*time.Hour + time.Minute)
	e.get("/invitations/"+inv.ID).want(200, &inv)
	if inv.Status != "expired" {
		t.Fatalf("after 7 days: status %q", inv.Status)
	}
	e.get("/invitations?status=expired").want(200, &list)
	if len(list.Data) != 1 {
		t.Fatalf("expired list = %+v", list)
	}
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": firstLink}}).wantError(409, "conflict", "", "expired")
	e.patch("/invitations/"+inv.ID, map[string]any{"role": "writer"}).want(200, &inv)
	var resent invitationT
	e.post("/invitations/"+inv.ID+"/resend", nil).want(200, &resent)
	if resent.Status != "pending" || !resent.SentAt.After(inv.SentAt) || resent.ExpiresAt.Sub(resent.SentAt) != 7*24*time.Hour {
		t.Fatalf("resent = %+v (was %+v)", resent, inv)
	}
	if n := len(e.outbox("jane@example.com", "invitation")); n != 2 {
		t.Fatalf("%d invitation emails, want 2", n)
	}
	newLink := e.lastLinkToken("jane@example.com", "invitation")
	if newLink == firstLink {
		t.Fatal("resend kept the old link")
	}
	e.send(req{method: "GET", path: "/accept-invitation?token=" + firstLink}).wantError(404, "not_found", "")

	// The link shows what it offers, then accepting creates the account and the member.
	var view struct {
		OrganizationID   string `json:"organization_id"`
		OrganizationName string `json:"organization_name"`
		Email, Role      string
		Status           string
	}
	e.send(req{method: "GET", path: "/accept-invitation?token=" + newLink}).want(200, &view)
	if view.OrganizationID != e.orgID || view.Email != "jane@example.com" || view.Role != "writer" || view.Status != "pending" {
		t.Fatalf("link view = %+v", view)
	}
	var acc struct {
		Organization orgT
		Member       memberT
	}
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": newLink, "name": "Jane Doe"}}).want(200, &acc)
	if acc.Organization.ID != e.orgID || acc.Member.Email != "jane@example.com" || acc.Member.Role != "writer" ||
		acc.Member.Name == nil || *acc.Member.Name != "Jane Doe" || !strings.HasPrefix(acc.Member.UserID, "usr_") {
		t.Fatalf("acceptance = %+v", acc)
	}
	e.get("/invitations/"+inv.ID).want(200, &inv)
	if inv.Status != "accepted" || inv.AcceptedAt == nil || inv.MemberID == nil || *inv.MemberID != acc.Member.ID {
		t.Fatalf("accepted invitation = %+v", inv)
	}
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": newLink}}).wantError(409, "conflict", "", "accepted")
	e.patch("/invitations/"+inv.ID, map[string]any{"role": "viewer"}).wantError(409, "conflict", "", "accepted")
	e.post("/invitations/"+inv.ID+"/resend", nil).wantError(409, "conflict", "")
	e.del("/invitations/"+inv.ID).wantError(409, "conflict", "", acc.Member.ID)
	e.post("/invitations", map[string]any{"email": "jane@example.com", "role": "viewer"}).wantError(409, "conflict", "", acc.Member.ID)

	// The same person joins a second organization with the same account.
	var other orgCreatedT
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	m2 := e.invite(other.BootstrapToken, "jane@example.com", "viewer")
	if m2.UserID != acc.Member.UserID {
		t.Fatalf("a second account was created: %s vs %s", m2.UserID, acc.Member.UserID)
	}

	// Revoking: idempotent, the link stops working.
	var bob invitationT
	e.post("/invitations", map[string]any{"email": "bob@example.com", "role": "viewer"}).want(201, &bob)
	bobLink := e.lastLinkToken("bob@example.com", "invitation")
	e.del("/invitations/"+bob.ID).want(204, nil)
	e.del("/invitations/"+bob.ID).want(204, nil)
	e.get("/invitations/"+bob.ID).want(200, &bob)
	if bob.Status != "revoked" || bob.RevokedAt == nil {
		t.Fatalf("revoked = %+v", bob)
	}
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": bobLink}}).wantError(409, "conflict", "", "revoked")
	e.patch("/invitations/"+bob.ID, map[string]any{"role": "owner"}).wantError(409, "conflict", "")
	// After a revocation the email can be invited again.
	e.post("/invitations", map[string]any{"email": "bob@example.com", "role": "viewer"}).want(201, nil)

	// Accepting for a person who became a member meanwhile answers 409.
	var carol invitationT
	e.post("/invitations", map[string]any{"email": "carol@example.com", "role": "viewer"}).want(201, &carol)
	carolLink := e.lastLinkToken("carol@example.com", "invitation")
	e.del("/invitations/"+carol.ID).want(204, nil)
	e.invite(e.token, "carol@example.com", "writer")
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": carolLink}}).wantError(409, "conflict", "")

	// Bad links.
	e.send(req{method: "GET", path: "/accept-invitation"}).wantError(400, "invalid", "token")
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": "nope"}}).wantError(404, "not_found", "")
}
