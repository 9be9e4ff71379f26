package localapi

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// organization reads an organization through the store, bypassing the API's rules.
func (e *env) organization(id string) store.Organization {
	e.t.Helper()
	var org *store.Organization
	err := e.inst.Server.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		org, err = tx.GetOrganization(id)
		return err
	})
	if err != nil {
		e.t.Fatalf("organization %s: %v", id, err)
	}
	return *org
}

// wantNoReach checks that the credential token can neither read, rename nor delete the
// organization orgID: each answers 404, and the organization is unchanged.
func (e *env) wantNoReach(token, orgID, who string) {
	e.t.Helper()
	before := e.organization(orgID)
	e.as(token, "GET", "/organizations/"+orgID, nil).wantError(404, "not_found", "")
	e.as(token, "PATCH", "/organizations/"+orgID, map[string]any{"name": "Taken over by " + who}).wantError(404, "not_found", "")
	e.as(token, "DELETE", "/organizations/"+orgID, nil).wantError(404, "not_found", "")
	if after := e.organization(orgID); after.Name != before.Name || after.Plan != before.Plan {
		e.t.Errorf("%s changed organization %s: %+v → %+v", who, orgID, before, after)
	}
}

// TestOrganizationCallsReachOnlyDownward: a credential reaches its own organization and the ones
// created from it, one level down, never its parent, a sibling or a grandchild, even though the
// same person is an Owner of all of them.
func TestOrganizationCallsReachOnlyDownward(t *testing.T) {
	e := newEnv(t)
	var child, sibling, grandchild orgCreatedT
	e.post("/organizations", map[string]any{"name": "Child"}).want(201, &child)
	e.post("/organizations", map[string]any{"name": "Sibling"}).want(201, &sibling)
	e.as(child.BootstrapToken, "POST", "/organizations", map[string]any{"name": "Grandchild"}).want(201, &grandchild)

	// Downward, one level: what alien_organization needs to rename and delete what it created.
	e.get("/organizations/"+child.ID).want(200, nil)
	e.patch("/organizations/"+sibling.ID, map[string]any{"name": "Sibling renamed"}).want(200, nil)
	e.as(child.BootstrapToken, "GET", "/organizations/"+grandchild.ID, nil).want(200, nil)
	e.as(child.BootstrapToken, "GET", "/organizations/"+child.ID, nil).want(200, nil)

	// child → parent: the bootstrap token the README hands to a second provider block.
	e.wantNoReach(child.BootstrapToken, e.orgID, "the child")
	e.wantNoReach(grandchild.BootstrapToken, child.ID, "the grandchild")
	e.wantNoReach(grandchild.BootstrapToken, e.orgID, "the grandchild")
	// sibling → sibling.
	e.wantNoReach(child.BootstrapToken, sibling.ID, "a sibling")
	e.wantNoReach(sibling.BootstrapToken, child.ID, "a sibling")
	// Two levels down: the grandchild is the child's to manage.
	e.wantNoReach(e.token, grandchild.ID, "the grandparent")
	// The 404 says nothing about the organization.
	r := e.as(child.BootstrapToken, "GET", "/organizations/"+e.orgID, nil)
	if strings.Contains(string(r.body), "Local Organization") {
		t.Errorf("the 404 leaks the parent's name: %s", r.body)
	}

	// Deleting the child leaves the grandchild to its own credentials.
	e.del("/organizations/"+child.ID).want(204, nil)
	if g := e.organization(grandchild.ID); g.ParentID != nil {
		t.Fatalf("the grandchild still names deleted %s as its parent", *g.ParentID)
	}
	e.as(grandchild.BootstrapToken, "GET", "/organizations/"+grandchild.ID, nil).want(200, nil)
	e.wantNoReach(e.token, grandchild.ID, "the former grandparent")
}

// TestOrganizationReachEndsWhenTheCreatorIsNoLongerOwner: reaching a child takes the user behind
// the credential being an Owner of both organizations now. A key whose creator was demoted in its
// own organization keeps working there (seed), but reaches nothing else; a child whose Owners
// demoted its creator is out of the parent's reach.
func TestOrganizationReachEndsWhenTheCreatorIsNoLongerOwner(t *testing.T) {
	e := newEnv(t)
	key := e.createToken(e.token, map[string]any{"name": "pipeline", "expires_in": "never"})
	var child, other orgCreatedT
	e.as(key.Token, "POST", "/organizations", map[string]any{"name": "Child"}).want(201, &child)
	e.post("/organizations", map[string]any{"name": "Other"}).want(201, &other)
	e.as(key.Token, "GET", "/organizations/"+child.ID, nil).want(200, nil)
	// Another credential of the same person in the same organization reaches the child too:
	// rotating the parent's credential keeps alien_organization working.
	e.get("/organizations/"+child.ID).want(200, nil)

	// The child's Owners demote its creator: the parent's credentials lose it.
	var childMembers pageT[memberT]
	e.as(other.BootstrapToken, "GET", "/members", nil).want(200, nil)
	e.as(child.BootstrapToken, "GET", "/members", nil).want(200, &childMembers)
	creatorInChild := childMembers.Data[0]
	e.invite(child.BootstrapToken, "child-owner@example.com", "owner")
	e.as(child.BootstrapToken, "PATCH", "/members/"+creatorInChild.ID, map[string]any{"role": "viewer"}).want(200, nil)
	e.wantNoReach(key.Token, child.ID, "the demoted creator's key")
	e.wantNoReach(e.token, child.ID, "the demoted creator's other key")

	// The creator is demoted to viewer in the parent: its keys keep working there (seed), and
	// reach no child any more.
	e.get("/organizations/"+other.ID).want(200, nil)
	var members pageT[memberT]
	e.get("/members").want(200, &members)
	creator := members.Data[0]
	e.invite(e.token, "second-owner@example.com", "owner")
	e.patch("/members/"+creator.ID, map[string]any{"role": "viewer"}).want(200, nil)
	e.as(key.Token, "GET", "/organization", nil).want(200, nil)
	e.as(key.Token, "GET", "/members", nil).want(200, nil)
	e.wantNoReach(key.Token, other.ID, "the demoted creator's key")
	e.wantNoReach(e.token, other.ID, "the demoted creator's other key")
}

// TestOrganizationReachOfOAuthClients: an OAuth client acts for the user who created it, so its
// access tokens reach the children of its organization (a provider configured with client_id
// and client_secret manages alien_organization), and a child's client reaches no parent.
func TestOrganizationReachOfOAuthClients(t *testing.T) {
	e := newEnv(t)
	grant := func(token string) string {
		t.Helper()
		var oc oauthClientT
		e.as(token, "POST", "/oauth-clients", map[string]any{"name": "ci"}).want(201, &oc)
		hr := url.Values{"grant_type": {"client_credentials"}, "client_id": {oc.ClientID}, "client_secret": {oc.ClientSecret}}
		var at accessTokenT
		e.send(req{method: "POST", path: "/oauth/token", body: hr.Encode(), header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).want(200, &at)
		return at.AccessToken
	}
	root := grant(e.token)
	var byKey, byClient orgCreatedT
	e.post("/organizations", map[string]any{"name": "By key"}).want(201, &byKey)
	e.as(root, "POST", "/organizations", map[string]any{"name": "By client"}).want(201, &byClient)
	e.as(root, "GET", "/organizations/"+byKey.ID, nil).want(200, nil)
	e.as(root, "PATCH", "/organizations/"+byClient.ID, map[string]any{"name": "Renamed by client"}).want(200, nil)
	e.get("/organizations/"+byClient.ID).want(200, nil)

	inChild := grant(byKey.BootstrapToken)
	e.wantNoReach(inChild, e.orgID, "the child's OAuth client")
	e.wantNoReach(inChild, byClient.ID, "a sibling's OAuth client")
}
