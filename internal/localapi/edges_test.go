package localapi

import (
	"testing"
	"time"
)

// Edges of the domain rules left open earlier.

// TestAnExpiredInvitationIsNotSentAgainOverANewerOne: an expired invitation cannot be sent again
// when the email has a newer pending invitation (409 invitation_pending) or a membership (409
// already_member), each naming the object in the way.
func TestAnExpiredInvitationIsNotSentAgainOverANewerOne(t *testing.T) {
	e := newEnv(t)
	var old invitationT
	e.post("/invitations", map[string]any{"email": "jane@example.com", "role": "viewer"}).want(201, &old)
	e.advance(8 * 24 * time.Hour)

	var newer invitationT
	e.post("/invitations", map[string]any{"email": "Jane@Example.com", "role": "writer"}).want(201, &newer)
	e.post("/invitations/"+old.ID+"/resend", nil).wantError(409, "invitation_pending", "", newer.ID, "newer pending invitation")
	e.post("/invitations/"+newer.ID+"/resend", nil).want(200, nil)

	var acc struct{ Member memberT }
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": e.lastLinkToken("jane@example.com", "invitation")}}).want(200, &acc)
	e.post("/invitations/"+old.ID+"/resend", nil).wantError(409, "already_member", "", acc.Member.ID, "already a member")

	// With neither, an expired invitation is sent again, as before.
	var lone invitationT
	e.post("/invitations", map[string]any{"email": "lone@example.com", "role": "viewer"}).want(201, &lone)
	e.advance(8 * 24 * time.Hour)
	var sent invitationT
	e.post("/invitations/"+lone.ID+"/resend", nil).want(200, &sent)
	if sent.Status != "pending" {
		t.Errorf("the expired invitation sent again is %s, want pending", sent.Status)
	}
	// Inviting a member, or an email with a pending invitation, says which with its code.
	e.post("/invitations", map[string]any{"email": "JANE@example.com", "role": "viewer"}).wantError(409, "already_member", "", acc.Member.ID)
	e.post("/invitations", map[string]any{"email": "lone@example.com", "role": "viewer"}).wantError(409, "invitation_pending", "", lone.ID)
}

// TestDeactivationOutlivesADowngrade: after a downgrade from Enterprise, service accounts and
// managed users can still be deactivated (it is how their access is cut: a service account's
// tokens stop at once), while everything else about them stays Enterprise-only.
func TestDeactivationOutlivesADowngrade(t *testing.T) {
	e := newEnv(t)
	sa := e.createSA(e.token, "bot@example.com")
	tok := e.saToken(sa.ID, "api-key")
	var mu muT
	e.post("/managed-users", map[string]any{"email": "m@example.com", "first_name": "M", "last_name": "U"}).want(201, &mu)
	e.setPlan(e.orgID, "team")

	e.as(tok.Token, "GET", "/datasets", nil).want(200, nil) // still authenticates: the reason to cut it
	var locked saT
	e.post("/service-accounts/"+sa.ID+"/deactivate", nil).want(200, &locked)
	if locked.Status != "locked" {
		t.Errorf("deactivated service account is %s, want locked", locked.Status)
	}
	e.as(tok.Token, "GET", "/datasets", nil).wantError(401, "unauthorized", "")
	e.post("/managed-users/"+mu.ID+"/deactivate", nil).want(200, nil)

	for _, c := range []struct{ method, path string }{
		{"POST", "/service-accounts/" + sa.ID + "/reactivate"}, {"POST", "/managed-users/" + mu.ID + "/reactivate"},
		{"GET", "/service-accounts/" + sa.ID}, {"PATCH", "/service-accounts/" + sa.ID},
		{"POST", "/managed-users/" + mu.ID + "/password-reset"},
	} {
		var body any
		if c.method == "PATCH" {
			body = map[string]any{"description": "d"}
		}
		e.send(req{method: c.method, path: c.path, token: e.token, body: body}).wantError(403, "plan_required", "", "team plan")
	}
	// Deactivating what does not exist, or another kind, is still a 404.
	e.post("/service-accounts/"+mu.ID+"/deactivate", nil).wantError(404, "not_found", "")
}
