package client

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
)

var _ InvitationsService = (*invitations)(nil)

// invitations implements InvitationsService.
type invitations struct {
	c *core
}

func (o InvitationListOptions) valid() error {
	if o.Status != nil {
		if err := o.Status.valid(); err != nil {
			return err
		}
	}
	return optionalNonEmpty("email", o.Email)
}

func (o InvitationCreateOptions) valid() error {
	if err := requireNonEmpty("email", o.Email); err != nil {
		return err
	}
	return o.Role.valid()
}

func (o InvitationUpdateOptions) valid() error {
	return o.Role.valid()
}

type invitationCreate struct {
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

type invitationUpdate struct {
	Role Role `json:"role"`
}

func invitationPath(id string) string { return "/invitations/" + url.PathEscape(id) }

// Accepting an invitation creates a member and changes the invitation (invitationDependents).
var invitationDependents = []collection{collInvitations, collMembers}

func (s *invitations) index() indexed[Invitation] {
	return indexed[Invitation]{
		coll: collInvitations,
		list: func(ctx context.Context) ([]*Invitation, error) { return s.List(ctx, InvitationListOptions{}) },
		idOf: func(v *Invitation) string { return v.ID },
		// Only pending invitations are indexed by email: an email has at most one.
		emailOf: func(v *Invitation) string {
			if v.Status == InvitationPending {
				return v.Email
			}
			return ""
		},
	}
}

// PendingByEmail answers the pending invitation sent to email (case-insensitive) from the read
// cache's snapshot of invitations, filling it when needed. found is false when the snapshot holds
// none, when the cache is off, and when the invitations cannot be listed: a miss is not confirmed
// with the API (that would cost a request per email), so a caller that needs to know follows it
// with an authoritative lookup.
func (s *invitations) PendingByEmail(ctx context.Context, email string) (inv *Invitation, found bool) {
	if email == "" {
		return nil, false
	}
	// The snapshot's email index holds pending invitations only (index's emailOf).
	inv, err := cachedReadByEmail(ctx, s.c, s.index(), email, func(context.Context) (*Invitation, error) {
		return nil, errNotCached
	})
	return inv, err == nil
}

// errNotCached is PendingByEmail's miss: its direct lookup asks nothing of the API.
var errNotCached = errors.New("not in the read cache")

func (o InvitationListOptions) query() url.Values {
	q := url.Values{}
	setFilter(q, "status", ptrString(o.Status))
	setFilter(q, "email", o.Email)
	return q
}

// List lists invitations of every status unless filtered, every page.
func (s *invitations) List(ctx context.Context, opts InvitationListOptions) ([]*Invitation, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return listAll[Invitation](ctx, s.c, "/invitations", opts.query())
}

// Pages lists invitations page by page, as the pages arrive.
func (s *invitations) Pages(ctx context.Context, opts InvitationListOptions) iter.Seq2[[]*Invitation, error] {
	if err := opts.valid(); err != nil {
		return invalidPages[Invitation](err)
	}
	return pages[Invitation](ctx, s.c, "/invitations", opts.query(), nil)
}

// Create invites a person; the API sends the email.
func (s *invitations) Create(ctx context.Context, opts InvitationCreateOptions) (*Invitation, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	inv, err := doJSON[Invitation](ctx, s.c, &request{method: http.MethodPost, path: "/invitations", body: invitationCreate{Email: opts.Email, Role: opts.Role}})
	wrote(s.c, s.index(), inv, err)
	return inv, err
}

// Read reads an invitation by id, whatever its status (from the read cache when it is on).
func (s *invitations) Read(ctx context.Context, invitationID string) (*Invitation, error) {
	if err := requireID("invitation_id", invitationID); err != nil {
		return nil, err
	}
	return cachedRead(ctx, s.c, s.index(), invitationID, func(ctx context.Context) (*Invitation, error) {
		return doJSON[Invitation](ctx, s.c, &request{method: http.MethodGet, path: invitationPath(invitationID)})
	})
}

// Update changes the role of a pending or expired invitation.
func (s *invitations) Update(ctx context.Context, invitationID string, opts InvitationUpdateOptions) (*Invitation, error) {
	if err := requireID("invitation_id", invitationID); err != nil {
		return nil, err
	}
	if err := opts.valid(); err != nil {
		return nil, err
	}
	inv, err := doJSON[Invitation](ctx, s.c, &request{method: http.MethodPatch, path: invitationPath(invitationID), body: invitationUpdate{Role: opts.Role}})
	wrote(s.c, s.index(), inv, err)
	return inv, err
}

// Revoke revokes a pending or expired invitation; revoking a revoked one succeeds.
func (s *invitations) Revoke(ctx context.Context, invitationID string) error {
	if err := requireID("invitation_id", invitationID); err != nil {
		return err
	}
	err := s.c.do(ctx, &request{method: http.MethodDelete, path: invitationPath(invitationID)}, nil)
	removed(s.c, collInvitations, invitationID, err)
	return err
}

// Resend sends a pending or expired invitation again, with a new link and expiry.
func (s *invitations) Resend(ctx context.Context, invitationID string) (*Invitation, error) {
	if err := requireID("invitation_id", invitationID); err != nil {
		return nil, err
	}
	inv, err := doJSON[Invitation](ctx, s.c, &request{method: http.MethodPost, path: invitationPath(invitationID) + "/resend"})
	wrote(s.c, s.index(), inv, err)
	return inv, err
}
