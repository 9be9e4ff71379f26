package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

var _ PublicService = (*public)(nil)

// public implements PublicService. Its requests carry no credential, even when the client has one.
type public struct {
	c *core
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
