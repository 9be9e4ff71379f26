package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// PersonService holds what a person does with no credential of the client's own: a managed user's
// login, and following the links of invitation and password-reset emails.
type PersonService interface {
	Login(ctx context.Context, email, password string) (*AccessToken, error)
	ViewInvitation(ctx context.Context, linkToken string) (*InvitationLink, error)
	AcceptInvitation(ctx context.Context, linkToken, name string) (*InvitationAcceptance, error)
	ViewPasswordReset(ctx context.Context, linkToken string) (*PasswordResetLink, error)
	ResetPassword(ctx context.Context, linkToken, password string) error
}

// Person is c's service of what a person does. Only tests and the benchmark use it: it is not a
// field of Client, so the provider binary does not link it. Its requests carry no credential, even
// when c has one.
func Person(c *Client) PersonService {
	return &person{c.core}
}

var _ PersonService = (*person)(nil)

// person implements PersonService.
type person struct {
	c *core
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type acceptRequest struct {
	Token string `json:"token"`
	Name  string `json:"name,omitempty"`
}

type resetRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Login logs a managed user in with email and password and answers a Client-role access token.
// It creates nothing persistent, so it is retried like a read.
func (s *person) Login(ctx context.Context, email, password string) (*AccessToken, error) {
	if err := requireNonEmpty("email", email); err != nil {
		return nil, err
	}
	if password == "" {
		return nil, invalid("password", "must not be empty")
	}
	r := &request{method: http.MethodPost, path: "/login", body: loginRequest{Email: email, Password: password}, public: true, repeatable: true}
	return doJSON[AccessToken](ctx, s.c, r)
}

// ViewInvitation reads what an invitation link offers. linkToken is the link's token, or the whole
// link from the invitation email.
func (s *person) ViewInvitation(ctx context.Context, linkToken string) (*InvitationLink, error) {
	token := linkTokenOf(linkToken)
	if err := requireNonEmpty("token", token); err != nil {
		return nil, err
	}
	r := &request{method: http.MethodGet, path: "/accept-invitation", query: url.Values{"token": {token}}, public: true}
	return doJSON[InvitationLink](ctx, s.c, r)
}

// AcceptInvitation accepts an invitation (linkToken: the link's token, or the whole link); name is
// the person's name for a new account (may be empty). Not retried after a 5xx: the link is one-use.
func (s *person) AcceptInvitation(ctx context.Context, linkToken, name string) (*InvitationAcceptance, error) {
	token := linkTokenOf(linkToken)
	if err := requireNonEmpty("token", token); err != nil {
		return nil, err
	}
	defer s.c.invalidate(invitationDependents...)
	r := &request{method: http.MethodPost, path: "/accept-invitation", body: acceptRequest{Token: token, Name: name}, public: true}
	return doJSON[InvitationAcceptance](ctx, s.c, r)
}

// ViewPasswordReset reads whose password a reset link sets (linkToken: the link's token, or the
// whole link). A used, replaced or expired link answers ErrNotFound.
func (s *person) ViewPasswordReset(ctx context.Context, linkToken string) (*PasswordResetLink, error) {
	token := linkTokenOf(linkToken)
	if err := requireNonEmpty("token", token); err != nil {
		return nil, err
	}
	r := &request{method: http.MethodGet, path: "/reset-password", query: url.Values{"token": {token}}, public: true}
	return doJSON[PasswordResetLink](ctx, s.c, r)
}

// ResetPassword sets a managed user's password with a reset link's token (or the whole link).
func (s *person) ResetPassword(ctx context.Context, linkToken, password string) error {
	token := linkTokenOf(linkToken)
	if err := requireNonEmpty("token", token); err != nil {
		return err
	}
	if password == "" {
		return invalid("password", "must not be empty")
	}
	defer s.c.invalidate(collManagedUsers)
	r := &request{method: http.MethodPost, path: "/reset-password", body: resetRequest{Token: token, Password: password}, public: true}
	return s.c.do(ctx, r, nil)
}

// linkTokenOf is the token of an email link ("https://.../accept-invitation?token=..."), or v
// itself when it is not a link.
func linkTokenOf(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "?") {
		return v
	}
	u, err := url.Parse(v)
	if err != nil {
		return v
	}
	if t := u.Query().Get("token"); t != "" {
		return t
	}
	return v
}
