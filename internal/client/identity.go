package client

import (
	"context"
	"net/http"
)

var _ IdentityService = (*identity)(nil)

// identity implements IdentityService.
type identity struct {
	c *core
}

// Read reads who the calling credential is (GET /me). Never cached.
func (s *identity) Read(ctx context.Context) (*Identity, error) {
	return doJSON[Identity](ctx, s.c, &request{method: http.MethodGet, path: "/me"})
}
