package localapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// invitationTTL is how long an invitation (and its link) stays valid after it is sent.
const invitationTTL = 7 * 24 * time.Hour

func (s *Server) listMembers(c *call) error {
	pg, e := pageParams(c.r, "members")
	if e != nil {
		return e
	}
	role, e := queryEnum(c.r, "role", roles...)
	if e != nil {
		return e
	}
	email, e := query(c.r, "email")
	if e != nil {
		return e
	}
	return answerPage(c, "members", func(tx *store.Tx) ([]*store.Member, int64, error) {
		return tx.ListMembers(c.p.org.ID, store.MemberFilter{Role: role, Email: email}, pg)
	}, toWireMember)
}

func (c *call) member(tx *store.Tx) (*store.Member, error) {
	return inOrganization(c, tx, "member_id", "member", (*store.Tx).GetMember)
}

func (s *Server) getMember(c *call) error {
	m, err := inRead(c, c.member)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireMember(m))
}

// lastOwner refuses to demote or remove the organization's only owner.
func lastOwner(tx *store.Tx, m *store.Member, action string) error {
	if m.Role != roleOwner {
		return nil
	}
	n, err := tx.CountOwners(m.OrganizationID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errLastOwner("member %s (%s) is the last owner of the organization and cannot be %s; make another member an owner first", m.ID, m.Email, action)
	}
	return nil
}

func (s *Server) updateMember(c *call) error {
	var role string
	if e := decodeObject(c.body, strField("role", &role, true)); e != nil {
		return e
	}
	if e := validateEnum("role", role, roles...); e != nil {
		return e
	}
	m, err := inWrite(c, func(tx *store.Tx) (*store.Member, error) {
		m, err := c.member(tx)
		if err != nil || role == m.Role {
			return m, err
		}
		if role != roleOwner {
			if err := lastOwner(tx, m, "demoted"); err != nil {
				return nil, err
			}
		}
		m.Role = role
		return m, tx.SetMemberRole(m.OrganizationID, m.ID, role)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireMember(m))
}

func (s *Server) removeMember(c *call) error {
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		m, err := c.member(tx)
		if err != nil {
			return err
		}
		if err := lastOwner(tx, m, "removed"); err != nil {
			return err
		}
		return tx.DeleteMember(m.OrganizationID, m.ID)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// Invitations.

var invitationStatuses = []string{store.InvitationPending, store.InvitationAccepted, store.InvitationExpired, store.InvitationRevoked}

func (s *Server) listInvitations(c *call) error {
	pg, e := pageParams(c.r, "invitations")
	if e != nil {
		return e
	}
	status, e := queryEnum(c.r, "status", invitationStatuses...)
	if e != nil {
		return e
	}
	email, e := query(c.r, "email")
	if e != nil {
		return e
	}
	now := s.now()
	return answerPage(c, "invitations", func(tx *store.Tx) ([]*store.Invitation, int64, error) {
		return tx.ListInvitations(c.p.org.ID, store.InvitationFilter{Status: status, Email: email}, now, pg)
	}, func(i *store.Invitation) wireInvitation { return toWireInvitation(i, now) })
}

func (c *call) invitation(tx *store.Tx) (*store.Invitation, error) {
	return inOrganization(c, tx, "invitation_id", "invitation", (*store.Tx).GetInvitation)
}

// invitationEmail is the email that carries an invitation link.
func (s *Server) invitationEmail(r *http.Request, org *store.Organization, inv *store.Invitation, token string) Email {
	link := s.linkBase(r) + "/accept-invitation?token=" + url.QueryEscape(token)
	return Email{
		Kind:    "invitation",
		To:      inv.Email,
		Subject: fmt.Sprintf("You are invited to join %s on Alien Intelligence", org.Name),
		Body: fmt.Sprintf("You have been invited to join the organization %q on Alien Intelligence as %s.\n\n"+
			"Accept the invitation: %s\n\nIf you have no account yet, one is created when you accept. "+
			"The invitation expires on %s.\n", org.Name, roleTitle(inv.Role), link, inv.ExpiresAt.Format(time.RFC1123)),
		Link:   link,
		SentAt: inv.SentAt,
	}
}

func roleTitle(role string) string {
	switch role {
	case roleViewer:
		return "Viewer"
	case roleWriter:
		return "Writer"
	default:
		return "Owner"
	}
}

// send hands the email of a committed change to the mailer, even if the client has left; a
// failure is logged (the email can be sent again: resend, password reset).
func (c *call) send(e Email) {
	if err := c.s.mailer.Send(c.afterCommit(), e); err != nil {
		c.s.log.Error("send email", "kind", e.Kind, "request_id", requestID(c.r.Context()), "error", err)
	}
}

// newLinkToken makes the secret of an emailed link; only its hash is stored.
func newLinkToken() (string, []byte) {
	t := b64.EncodeToString(randomBytes(32))
	return t, sha([]byte(t))
}

func (s *Server) createInvitation(c *call) error {
	var email, role string
	if e := decodeObject(c.body, strField("email", &email, true), strField("role", &role, true)); e != nil {
		return e
	}
	if e := validateEmail("email", email); e != nil {
		return e
	}
	if e := validateEnum("role", role, roles...); e != nil {
		return e
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		now := s.now()
		orgID := c.p.org.ID
		if m, err := tx.GetMemberByEmail(orgID, email); err == nil {
			return nil, errConflict("%s is already a member of the organization (%s)", m.Email, m.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if i, err := tx.PendingInvitationByEmail(orgID, email, now); err == nil {
			return nil, errConflict("%s already has a pending invitation (%s); resend or revoke it", i.Email, i.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		token, hash := newLinkToken()
		inv := &store.Invitation{ID: store.NewID("inv"), OrganizationID: orgID, Email: email, Role: role, LinkHash: hash, SentAt: now, ExpiresAt: now.Add(invitationTTL)}
		if err := tx.InsertInvitation(inv); err != nil {
			return nil, err
		}
		org := *c.p.org
		return &outcome{
			status: http.StatusCreated,
			body:   toWireInvitation(inv, now),
			after:  func() { c.send(s.invitationEmail(c.r, &org, inv, token)) },
		}, nil
	})
}

func (s *Server) getInvitation(c *call) error {
	inv, err := inRead(c, c.invitation)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireInvitation(inv, s.now()))
}

func (s *Server) updateInvitation(c *call) error {
	var role string
	if e := decodeObject(c.body, strField("role", &role, true)); e != nil {
		return e
	}
	if e := validateEnum("role", role, roles...); e != nil {
		return e
	}
	now := s.now()
	inv, err := inWrite(c, func(tx *store.Tx) (*store.Invitation, error) {
		inv, err := c.invitation(tx)
		if err != nil {
			return nil, err
		}
		if st := inv.Status(now); st != store.InvitationPending && st != store.InvitationExpired {
			return nil, errConflict("invitation %s is %s; only a pending or expired invitation can change role", inv.ID, st)
		}
		inv.Role = role
		return inv, tx.SetInvitationRole(inv.ID, role)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireInvitation(inv, now))
}

func (s *Server) revokeInvitation(c *call) error {
	now := s.now()
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		inv, err := c.invitation(tx)
		if err != nil {
			return err
		}
		switch inv.Status(now) {
		case store.InvitationRevoked:
			return nil
		case store.InvitationAccepted:
			return errConflict("invitation %s was accepted (member %s); remove the member instead", inv.ID, deref(inv.MemberID))
		}
		return tx.RevokeInvitation(inv.ID, now)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Server) resendInvitation(c *call) error {
	if e := decodeEmpty(c.body); e != nil {
		return e
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		now := s.now()
		inv, err := c.invitation(tx)
		if err != nil {
			return nil, err
		}
		if st := inv.Status(now); st != store.InvitationPending && st != store.InvitationExpired {
			return nil, errConflict("invitation %s is %s; only a pending or expired invitation can be sent again", inv.ID, st)
		}
		token, hash := newLinkToken()
		inv.LinkHash, inv.SentAt, inv.ExpiresAt = hash, now, now.Add(invitationTTL)
		if err := tx.ResendInvitation(inv.ID, hash, inv.SentAt, inv.ExpiresAt); err != nil {
			return nil, err
		}
		org := *c.p.org
		return &outcome{
			status: http.StatusOK,
			body:   toWireInvitation(inv, now),
			after:  func() { c.send(s.invitationEmail(c.r, &org, inv, token)) },
		}, nil
	})
}

// linkToken reads the token query parameter of an emailed link.
func linkToken(r *http.Request) (string, *apiError) {
	t, e := query(r, "token")
	if e != nil {
		return "", e
	}
	if t == "" {
		return "", errInvalid("token", "is required (the token of the emailed link)")
	}
	return t, nil
}

func (s *Server) viewInvitationLink(c *call) error {
	token, e := linkToken(c.r)
	if e != nil {
		return e
	}
	var out wireInvitationLink
	err := s.db.Read(c.r.Context(), func(tx *store.Tx) error {
		inv, err := tx.GetInvitationByLink(sha([]byte(token)))
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound("unknown invitation link (a newer link may have replaced it)")
		}
		if err != nil {
			return err
		}
		org, err := tx.GetOrganization(inv.OrganizationID)
		if err != nil {
			return err
		}
		out = wireInvitationLink{OrganizationID: org.ID, OrganizationName: org.Name, Email: inv.Email, Role: inv.Role,
			Status: inv.Status(s.now()), ExpiresAt: inv.ExpiresAt}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) acceptInvitation(c *call) error {
	var token, name string
	var hasName bool
	if e := decodeObject(c.body, strField("token", &token, true), optStrField("name", &name, &hasName)); e != nil {
		return e
	}
	if token == "" {
		return errInvalid("token", "must not be empty")
	}
	if hasName && name != "" {
		if e := validateName("name", name, 100); e != nil {
			return e
		}
	}
	now := s.now()
	var out wireInvitationAccepted
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		inv, err := tx.GetInvitationByLink(sha([]byte(token)))
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound("unknown invitation link (a newer link may have replaced it)")
		}
		if err != nil {
			return err
		}
		if st := inv.Status(now); st != store.InvitationPending {
			return errConflict("this invitation is %s", st)
		}
		org, err := tx.GetOrganization(inv.OrganizationID)
		if err != nil {
			return err
		}
		user, err := tx.GetUserByEmail(inv.Email)
		switch {
		case err == nil:
			if m, err := tx.GetMemberByUser(org.ID, user.ID); err == nil {
				return errConflict("%s is already a member of the organization (%s)", user.Email, m.ID)
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		case errors.Is(err, store.ErrNotFound):
			user = &store.User{ID: store.NewID("usr"), Email: inv.Email, CreatedAt: now}
			if hasName && name != "" {
				user.Name = &name
			}
			if err := tx.InsertUser(user); err != nil {
				return err
			}
		default:
			return err
		}
		m := &store.Member{ID: store.NewID("mem"), OrganizationID: org.ID, UserID: user.ID, Email: user.Email, Name: user.Name, Role: inv.Role, JoinedAt: now}
		if err := tx.InsertMember(m); err != nil {
			return err
		}
		if err := tx.AcceptInvitation(inv.ID, m.ID, now); err != nil {
			return err
		}
		out = wireInvitationAccepted{Organization: toWireOrganization(org), Member: toWireMember(m)}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, out)
}
