package localapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

func (s *Server) getIdentity(c *call) error {
	p := c.p
	id := wireIdentity{Kind: p.kind, Organization: toWireOrganization(p.org), ExpiresAt: p.expiresAt}
	switch p.kind {
	case kindOrganizationKey, kindOAuthClient:
		id.Role = roleOwner
		id.UserID = p.userID
		if p.userID != nil {
			err := s.db.Read(c.r.Context(), func(tx *store.Tx) error {
				u, err := tx.GetUser(*p.userID)
				if err == nil {
					id.Email = &u.Email
				}
				if errors.Is(err, store.ErrNotFound) {
					return nil
				}
				return err
			})
			if err != nil {
				return err
			}
		}
		if p.kind == kindOrganizationKey {
			id.TokenID = &p.token.ID
		} else {
			id.OAuthClientID = &p.client.ID
		}
	case kindServiceAccountToken:
		id.Role = "client"
		id.Email = &p.orgUser.Email
		id.Scope = p.token.Scope
		id.TokenID = &p.token.ID
		id.ServiceAccountID = &p.orgUser.ID
	case kindManagedUser:
		id.Role = "client"
		id.Email = &p.orgUser.Email
		id.ManagedUserID = &p.orgUser.ID
	}
	return c.json(http.StatusOK, id)
}

func (s *Server) getCurrentOrganization(c *call) error {
	return c.json(http.StatusOK, toWireOrganization(c.p.org))
}

// organizationFor reads an organization an organization-level call (read, rename, delete) may
// act on; anything else answers 404, as if it did not exist (see reaches).
func (c *call) organizationFor(tx *store.Tx, id string) (*store.Organization, error) {
	notFound := errNotFound("no organization %s that this credential may manage", id)
	org, err := tx.GetOrganization(id)
	if errors.Is(err, store.ErrNotFound) { // also: deleted since the credential was checked
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	ok, err := reaches(tx, c.p, org)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	return org, nil
}

// reaches is the rule of organization-level calls: a credential reaches its own organization,
// and an organization created from its own (a child: what alien_organization needs to rename
// and delete what it created) while the user behind the credential is an Owner of both. Never
// the parent, a sibling, a grandchild, or any other organization where that user happens to be
// an Owner. The child is recognised by the organization it was created from, not by the one
// credential that created it, so that another credential of the same Owner (a rotated key, an
// OAuth client) keeps managing it.
func reaches(tx *store.Tx, p *principal, org *store.Organization) (bool, error) {
	if org.ID == p.org.ID {
		return true, nil
	}
	if org.ParentID == nil || *org.ParentID != p.org.ID || p.userID == nil {
		return false, nil
	}
	for _, orgID := range []string{p.org.ID, org.ID} {
		m, err := tx.GetMemberByUser(orgID, *p.userID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if m.Role != roleOwner {
			return false, nil
		}
	}
	return true, nil
}

// bootstrapKey is the organization key that comes with a new organization, shown only once.
type bootstrapKey struct {
	id    string
	token string
}

// newOrganization creates an organization on plan, created from the organization parentID (nil
// for the bootstrapped one), with the user ownerID as its Owner, and that user's organization key
// for it (named "bootstrap", never expiring): what POST /organizations answers and what a new
// database starts with.
func newOrganization(tx *store.Tx, name, plan string, parentID *string, ownerID string, now time.Time) (*store.Organization, bootstrapKey, error) {
	org := &store.Organization{ID: store.NewID("org"), Name: name, Plan: plan, CreatedAt: now, ParentID: parentID}
	if err := tx.InsertOrganization(org); err != nil {
		return nil, bootstrapKey{}, err
	}
	if err := tx.InsertMember(&store.Member{ID: store.NewID("mem"), OrganizationID: org.ID, UserID: ownerID, Role: roleOwner, JoinedAt: now}); err != nil {
		return nil, bootstrapKey{}, err
	}
	t := &store.APIToken{OrganizationID: org.ID, Name: "bootstrap", ExpiresIn: "never", CreatedAt: now, CreatedBy: &ownerID}
	secret, err := newAPIToken(tx, t)
	if err != nil {
		return nil, bootstrapKey{}, err
	}
	return org, bootstrapKey{id: t.ID, token: formatAPIToken(t.ID, secret)}, nil
}

func (s *Server) createOrganization(c *call) error {
	var name string
	if e := decodeObject(c.body, strField("name", &name, true)); e != nil {
		return e
	}
	if e := validateName("name", &name, textrule.NameMaxLength); e != nil {
		return e
	}
	if c.p.userID == nil {
		return errForbidden("no user is behind this credential to become the new organization's owner")
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		user, err := tx.GetUser(*c.p.userID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errForbidden("the user behind this credential no longer exists")
		}
		if err != nil {
			return nil, err
		}
		org, key, err := newOrganization(tx, name, planFree, &c.p.org.ID, user.ID, s.now())
		if err != nil {
			return nil, err
		}
		return &outcome{
			status:     http.StatusCreated,
			body:       wireOrganizationCreated{wireOrganization: toWireOrganization(org), BootstrapToken: key.token, BootstrapTokenID: key.id},
			secretKind: secretBootstrapToken, secretObjectID: key.id,
		}, nil
	})
}

func (s *Server) getOrganization(c *call) error {
	org, err := inRead(c, func(tx *store.Tx) (*store.Organization, error) {
		return c.organizationFor(tx, c.r.PathValue("organization_id"))
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireOrganization(org))
}

func (s *Server) updateOrganization(c *call) error {
	var name string
	if e := decodeObject(c.body, strField("name", &name, true)); e != nil {
		return e
	}
	if e := validateName("name", &name, textrule.NameMaxLength); e != nil {
		return e
	}
	org, err := inWrite(c, func(tx *store.Tx) (*store.Organization, error) {
		org, err := c.organizationFor(tx, c.r.PathValue("organization_id"))
		if err != nil {
			return nil, err
		}
		org.Name = name
		return org, tx.RenameOrganization(org.ID, name)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireOrganization(org))
}

func (s *Server) deleteOrganization(c *call) error {
	var managedUsers []string
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		org, err := c.organizationFor(tx, c.r.PathValue("organization_id"))
		if err != nil {
			return err
		}
		if managedUsers, err = tx.ManagedUserIDs(org.ID); err != nil {
			return err
		}
		return tx.DeleteOrganization(org.ID)
	})
	if err != nil {
		return err
	}
	ctx := c.afterCommit()
	for _, id := range managedUsers {
		if err := s.idp.DeleteUser(ctx, id); err != nil {
			s.log.Warn("identity provider: delete user", "managed_user_id", id, "request_id", requestID(c.r.Context()), "error", err)
		}
	}
	return c.noContent()
}
