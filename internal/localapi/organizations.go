package localapi

import (
	"errors"
	"net/http"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
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

// organizationFor reads an organization an organization-level call may act on: the credential's
// own, or one where the user behind the credential is an Owner. Anything else is 404.
func (c *call) organizationFor(tx *store.Tx, id string) (*store.Organization, error) {
	notFound := errNotFound("no organization %s that this credential may manage", id)
	if id == c.p.org.ID {
		org, err := tx.GetOrganization(id)
		if errors.Is(err, store.ErrNotFound) { // deleted since the credential was checked
			return nil, notFound
		}
		return org, err
	}
	if c.p.userID == nil {
		return nil, notFound
	}
	m, err := tx.GetMemberByUser(id, *c.p.userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if m.Role != roleOwner {
		return nil, notFound
	}
	org, err := tx.GetOrganization(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	}
	return org, err
}

func (s *Server) createOrganization(c *call) error {
	var name string
	if e := decodeObject(c.body, strField("name", &name, true)); e != nil {
		return e
	}
	if e := validateName("name", name, 100); e != nil {
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
		now := s.now()
		org := &store.Organization{ID: store.NewID("org"), Name: name, Plan: planFree, CreatedAt: now}
		if err := tx.InsertOrganization(org); err != nil {
			return nil, err
		}
		if err := tx.InsertMember(&store.Member{ID: store.NewID("mem"), OrganizationID: org.ID, UserID: user.ID, Role: roleOwner, JoinedAt: now}); err != nil {
			return nil, err
		}
		tok, secret, err := s.newOrganizationKey(tx, org.ID, "bootstrap", &user.ID, now)
		if err != nil {
			return nil, err
		}
		return &outcome{
			status: http.StatusCreated,
			body: wireOrganizationCreated{wireOrganization: toWireOrganization(org),
				BootstrapToken: formatAPIToken(tok.ID, secret), BootstrapTokenID: tok.ID},
			secretKind: secretBootstrapToken, secretField: "bootstrap_token", secretObjectID: tok.ID,
		}, nil
	})
}

func (s *Server) getOrganization(c *call) error {
	var org *store.Organization
	err := s.db.Read(c.r.Context(), func(tx *store.Tx) error {
		var err error
		org, err = c.organizationFor(tx, c.r.PathValue("organization_id"))
		return err
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
	if e := validateName("name", name, 100); e != nil {
		return e
	}
	var org *store.Organization
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		var err error
		if org, err = c.organizationFor(tx, c.r.PathValue("organization_id")); err != nil {
			return err
		}
		if err := tx.RenameOrganization(org.ID, name); err != nil {
			return err
		}
		org.Name = name
		return nil
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
	for _, id := range managedUsers {
		if err := s.idp.DeleteUser(c.r.Context(), id); err != nil {
			s.log.Warn("identity provider: delete user", "managed_user_id", id, "request_id", requestID(c.r.Context()), "error", err)
		}
	}
	return c.noContent()
}
