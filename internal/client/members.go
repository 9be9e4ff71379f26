package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var _ MembersService = (*members)(nil)

// members implements MembersService.
type members struct {
	c *core
}

func (o MemberListOptions) valid() error {
	if o.Role != nil {
		if err := o.Role.valid(); err != nil {
			return err
		}
	}
	return optionalNonEmpty("email", o.Email)
}

func (o MemberUpdateOptions) valid() error {
	return o.Role.valid()
}

type memberUpdate struct {
	Role Role `json:"role"`
}

func memberPath(id string) string { return "/members/" + url.PathEscape(id) }

func (o MemberListOptions) query() url.Values {
	q := url.Values{}
	setFilter(q, "role", ptrString(o.Role))
	setFilter(q, "email", o.Email)
	return q
}

// List lists the organization's members, every page.
func (s *members) List(ctx context.Context, opts MemberListOptions) ([]*Member, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return listAll[Member](ctx, s.c, "/members", opts.query())
}

// Pages lists the organization's members page by page, as the pages arrive.
func (s *members) Pages(ctx context.Context, opts MemberListOptions) iter.Seq2[[]*Member, error] {
	if err := opts.valid(); err != nil {
		return invalidPages[Member](err)
	}
	return pages[Member](ctx, s.c, "/members", opts.query(), nil)
}

func (s *members) index() indexed[Member] {
	return indexed[Member]{
		coll:    collMembers,
		list:    func(ctx context.Context) ([]*Member, error) { return s.List(ctx, MemberListOptions{}) },
		idOf:    func(m *Member) string { return m.ID },
		emailOf: func(m *Member) string { return m.Email },
	}
}

// Read reads a member by id (from the read cache when it is on).
func (s *members) Read(ctx context.Context, memberID string) (*Member, error) {
	if err := requireID("member_id", memberID); err != nil {
		return nil, err
	}
	return cachedRead(ctx, s.c, s.index(), memberID, func(ctx context.Context) (*Member, error) {
		return doJSON[Member](ctx, s.c, &request{method: http.MethodGet, path: memberPath(memberID)})
	})
}

// ReadByEmail finds the member with this email, case-insensitively (from the read cache when it
// is on), or answers an error that matches ErrNotFound.
func (s *members) ReadByEmail(ctx context.Context, email string) (*Member, error) {
	if err := requireNonEmpty("email", email); err != nil {
		return nil, err
	}
	return cachedReadByEmail(ctx, s.c, s.index(), email, func(ctx context.Context) (*Member, error) {
		found, requestID, err := listPages[Member](ctx, s.c, "/members", url.Values{"email": {email}})
		if err != nil {
			return nil, err
		}
		for _, m := range found {
			if textrule.SameEmail(m.Email, email) {
				return m, nil
			}
		}
		return nil, &APIError{
			StatusCode: http.StatusNotFound,
			Code:       CodeNotFound,
			Message:    fmt.Sprintf("no member with email %q", email),
			RequestID:  requestID,
			Method:     http.MethodGet,
			Path:       displayPath("/members", url.Values{"email": {email}}),
		}
	})
}

// Update changes a member's role. Demoting the last owner answers an error matching ErrConflict.
func (s *members) Update(ctx context.Context, memberID string, opts MemberUpdateOptions) (*Member, error) {
	if err := requireID("member_id", memberID); err != nil {
		return nil, err
	}
	if err := opts.valid(); err != nil {
		return nil, err
	}
	m, err := doJSON[Member](ctx, s.c, &request{method: http.MethodPatch, path: memberPath(memberID), body: memberUpdate{Role: opts.Role}})
	wrote(s.c, s.index(), m, err)
	return m, err
}

// Delete removes a member. Removing the last owner answers an error matching ErrConflict.
func (s *members) Delete(ctx context.Context, memberID string) error {
	if err := requireID("member_id", memberID); err != nil {
		return err
	}
	err := s.c.do(ctx, &request{method: http.MethodDelete, path: memberPath(memberID)}, nil)
	removed(s.c, collMembers, memberID, err)
	return err
}
