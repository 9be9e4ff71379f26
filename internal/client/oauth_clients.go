package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

var _ OAuthClientsService = (*oauthClients)(nil)

// oauthClients implements OAuthClientsService.
type oauthClients struct {
	c *core
}

func (o OAuthClientCreateOptions) valid() error {
	return requireNonEmpty("name", o.Name)
}

func (o OAuthClientUpdateOptions) valid() error {
	if o.Name == nil && o.Enabled == nil {
		return invalid("name", "nothing to update: set the name, enabled or both")
	}
	return optionalNonEmpty("name", o.Name)
}

type oauthClientCreate struct {
	Name string `json:"name"`
}

type oauthClientUpdate struct {
	Name    *string `json:"name,omitempty"`
	Enabled *bool   `json:"enabled,omitempty"`
}

func oauthClientPath(id string) string { return "/oauth-clients/" + url.PathEscape(id) }

func (s *oauthClients) index() indexed[OAuthClient] {
	return indexed[OAuthClient]{
		coll: collOAuthClients,
		list: s.List,
		idOf: func(v *OAuthClient) string { return v.ID },
	}
}

// List lists the OAuth clients, every page. Never the secrets.
func (s *oauthClients) List(ctx context.Context) ([]*OAuthClient, error) {
	return listAll[OAuthClient](ctx, s.c, "/oauth-clients", nil)
}

// Pages lists OAuth clients page by page, as the pages arrive. Never the secrets.
func (s *oauthClients) Pages(ctx context.Context) iter.Seq2[[]*OAuthClient, error] {
	return pages[OAuthClient](ctx, s.c, "/oauth-clients", nil, nil)
}

// Create creates an OAuth client. The secret is in this answer only.
func (s *oauthClients) Create(ctx context.Context, opts OAuthClientCreateOptions) (*OAuthClientCreated, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	created, err := doJSON[OAuthClientCreated](ctx, s.c, &request{method: http.MethodPost, path: "/oauth-clients", body: oauthClientCreate{Name: opts.Name}})
	if err != nil {
		wrote[OAuthClient](s.c, s.index(), nil, err)
		return nil, err
	}
	wrote(s.c, s.index(), &created.OAuthClient, nil) // never the secret
	return created, nil
}

// Read reads an OAuth client by id (from the read cache when it is on).
func (s *oauthClients) Read(ctx context.Context, oauthClientID string) (*OAuthClient, error) {
	if err := requireID("oauth_client_id", oauthClientID); err != nil {
		return nil, err
	}
	return cachedRead(ctx, s.c, s.index(), oauthClientID, func(ctx context.Context) (*OAuthClient, error) {
		return doJSON[OAuthClient](ctx, s.c, &request{method: http.MethodGet, path: oauthClientPath(oauthClientID)})
	})
}

// Update renames, disables or enables a client.
func (s *oauthClients) Update(ctx context.Context, oauthClientID string, opts OAuthClientUpdateOptions) (*OAuthClient, error) {
	if err := requireID("oauth_client_id", oauthClientID); err != nil {
		return nil, err
	}
	if err := opts.valid(); err != nil {
		return nil, err
	}
	body := oauthClientUpdate{Name: opts.Name, Enabled: opts.Enabled}
	oc, err := doJSON[OAuthClient](ctx, s.c, &request{method: http.MethodPatch, path: oauthClientPath(oauthClientID), body: body})
	wrote(s.c, s.index(), oc, err)
	return oc, err
}

// Delete deletes a client permanently.
func (s *oauthClients) Delete(ctx context.Context, oauthClientID string) error {
	if err := requireID("oauth_client_id", oauthClientID); err != nil {
		return err
	}
	err := s.c.do(ctx, &request{method: http.MethodDelete, path: oauthClientPath(oauthClientID)}, nil)
	removed(s.c, collOAuthClients, oauthClientID, err)
	return err
}
