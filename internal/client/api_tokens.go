package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

var _ APITokensService = (*apiTokens)(nil)

// apiTokens implements APITokensService.
type apiTokens struct {
	c *core
}

func (o APITokenListOptions) valid() error {
	if o.ServiceAccountID != nil {
		if err := requireID("service_account_id", *o.ServiceAccountID); err != nil {
			return err
		}
	}
	if o.Kind != nil {
		if err := o.Kind.valid(); err != nil {
			return err
		}
	}
	if o.Status != nil {
		return o.Status.valid()
	}
	return nil
}

func (o APITokenCreateOptions) valid() error {
	if err := requireNonEmpty("name", o.Name); err != nil {
		return err
	}
	if err := o.ExpiresIn.valid(); err != nil {
		return err
	}
	if o.ServiceAccountID != nil {
		if err := requireID("service_account_id", *o.ServiceAccountID); err != nil {
			return err
		}
	}
	if o.Scope != nil {
		if err := o.Scope.valid(); err != nil {
			return err
		}
	}
	switch {
	case o.ServiceAccountID == nil && o.Scope != nil:
		return invalid("scope", "an organization key has no scope; set a service account id for a service-account token")
	case o.ServiceAccountID != nil && o.Scope == nil:
		return invalid("scope", "a service-account token needs a scope (api-key or api-secret)")
	}
	return nil
}

type apiTokenCreate struct {
	Name             string      `json:"name"`
	ExpiresIn        Expiry      `json:"expires_in"`
	ServiceAccountID *string     `json:"service_account_id,omitempty"`
	Scope            *TokenScope `json:"scope,omitempty"`
}

func apiTokenPath(id string) string { return "/api-tokens/" + url.PathEscape(id) }

func (s *apiTokens) index() indexed[APIToken] {
	return indexed[APIToken]{
		coll: collAPITokens,
		list: func(ctx context.Context) ([]*APIToken, error) { return s.List(ctx, APITokenListOptions{}) },
		idOf: func(v *APIToken) string { return v.ID },
	}
}

// List lists API tokens of every status unless filtered, every page. Never the secrets.
func (s *apiTokens) List(ctx context.Context, opts APITokenListOptions) ([]*APIToken, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return listAll[APIToken](ctx, s.c, "/api-tokens", opts.query())
}

// Pages lists API tokens page by page, as the pages arrive. Never the secrets.
func (s *apiTokens) Pages(ctx context.Context, opts APITokenListOptions) iter.Seq2[[]*APIToken, error] {
	if err := opts.valid(); err != nil {
		return invalidPages[APIToken](err)
	}
	return pages[APIToken](ctx, s.c, "/api-tokens", opts.query(), nil)
}

func (o APITokenListOptions) query() url.Values {
	q := url.Values{}
	setFilter(q, "service_account_id", o.ServiceAccountID)
	setFilter(q, "kind", ptrString(o.Kind))
	setFilter(q, "status", ptrString(o.Status))
	return q
}

// Create issues an organization key or a service-account token. The secret is in this answer
// only. A retry after a lost answer gets the same token with a fresh secret, never a second token.
func (s *apiTokens) Create(ctx context.Context, opts APITokenCreateOptions) (*APITokenCreated, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	body := apiTokenCreate{Name: opts.Name, ExpiresIn: opts.ExpiresIn, ServiceAccountID: opts.ServiceAccountID, Scope: opts.Scope}
	created, err := doJSON[APITokenCreated](ctx, s.c, &request{method: http.MethodPost, path: "/api-tokens", body: body})
	if err != nil {
		wrote[APIToken](s.c, s.index(), nil, err)
		return nil, err
	}
	wrote(s.c, s.index(), &created.APIToken, nil) // never the secret
	return created, nil
}

// Read reads an API token by id, whatever its status (from the read cache when it is on).
func (s *apiTokens) Read(ctx context.Context, tokenID string) (*APIToken, error) {
	if err := requireID("token_id", tokenID); err != nil {
		return nil, err
	}
	return cachedRead(ctx, s.c, s.index(), tokenID, func(ctx context.Context) (*APIToken, error) {
		return doJSON[APIToken](ctx, s.c, &request{method: http.MethodGet, path: apiTokenPath(tokenID)})
	})
}

// Revoke revokes a token; revoking a revoked or expired token succeeds.
func (s *apiTokens) Revoke(ctx context.Context, tokenID string) error {
	if err := requireID("token_id", tokenID); err != nil {
		return err
	}
	err := s.c.do(ctx, &request{method: http.MethodDelete, path: apiTokenPath(tokenID)}, nil)
	removed(s.c, collAPITokens, tokenID, err)
	return err
}
