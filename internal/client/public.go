package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

var _ PublicService = (*public)(nil)

// public implements PublicService. Its requests carry no credential, even when the client has one.
type public struct {
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

// ClientCredentialsToken exchanges an OAuth client's credentials for an access token (HTTP Basic
// client authentication). The grant creates nothing persistent, so it is retried like a read.
func (s *public) ClientCredentialsToken(ctx context.Context, clientID, clientSecret string) (*AccessToken, error) {
	if err := requireNonEmpty("client_id", clientID); err != nil {
		return nil, err
	}
	if err := requireNonEmpty("client_secret", clientSecret); err != nil {
		return nil, err
	}
	r := &request{
		method:     http.MethodPost,
		path:       tokenPath,
		form:       url.Values{"grant_type": {"client_credentials"}},
		public:     true,
		basicUser:  clientID,
		basicPass:  clientSecret,
		repeatable: true,
	}
	tok, err := doJSON[AccessToken](ctx, s.c, r)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized {
		ae.Message = newScrubber(clientSecret).scrub(fmt.Sprintf("the token endpoint refused OAuth client %q (%s): check the client id and client secret, and that the client exists and is enabled", clientID, ae.Message))
	}
	return tok, err
}

// Login logs a managed user in with email and password and answers a Client-role access token.
// It creates nothing persistent, so it is retried like a read.
func (s *public) Login(ctx context.Context, email, password string) (*AccessToken, error) {
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
func (s *public) ViewInvitation(ctx context.Context, linkToken string) (*InvitationLink, error) {
	token := linkTokenOf(linkToken)
	if err := requireNonEmpty("token", token); err != nil {
		return nil, err
	}
	r := &request{method: http.MethodGet, path: "/accept-invitation", query: url.Values{"token": {token}}, public: true}
	return doJSON[InvitationLink](ctx, s.c, r)
}

// AcceptInvitation accepts an invitation (linkToken: the link's token, or the whole link); name is
// the person's name for a new account (may be empty). Not retried after a 5xx: the link is one-use.
func (s *public) AcceptInvitation(ctx context.Context, linkToken, name string) (*InvitationAcceptance, error) {
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
func (s *public) ViewPasswordReset(ctx context.Context, linkToken string) (*PasswordResetLink, error) {
	token := linkTokenOf(linkToken)
	if err := requireNonEmpty("token", token); err != nil {
		return nil, err
	}
	r := &request{method: http.MethodGet, path: "/reset-password", query: url.Values{"token": {token}}, public: true}
	return doJSON[PasswordResetLink](ctx, s.c, r)
}

// ResetPassword sets a managed user's password with a reset link's token (or the whole link).
func (s *public) ResetPassword(ctx context.Context, linkToken, password string) error {
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
