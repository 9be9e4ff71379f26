package client

import (
	"context"
	"net/http"
	"net/url"
)

var _ OrganizationsService = (*organizations)(nil)

// organizations implements OrganizationsService.
type organizations struct {
	c *core
}

func (o OrganizationCreateOptions) valid() error {
	return requireNonEmpty("name", o.Name)
}

func (o OrganizationUpdateOptions) valid() error {
	if o.Name == nil {
		return invalid("name", "nothing to update: set the name")
	}
	return requireNonEmpty("name", *o.Name)
}

type organizationWrite struct {
	Name string `json:"name"`
}

// Current reads the credential's own organization (GET /organization). Never cached.
func (s *organizations) Current(ctx context.Context) (*Organization, error) {
	return doJSON[Organization](ctx, s.c, &request{method: http.MethodGet, path: "/organization"})
}

// Create creates an organization whose Owner is the user behind the credential. The answer holds
// the new organization's bootstrap key, once.
func (s *organizations) Create(ctx context.Context, opts OrganizationCreateOptions) (*OrganizationCreated, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return doJSON[OrganizationCreated](ctx, s.c, &request{method: http.MethodPost, path: "/organizations", body: organizationWrite{Name: opts.Name}})
}

// Read reads an organization: the credential's own, or one where the user behind it is an Owner.
func (s *organizations) Read(ctx context.Context, organizationID string) (*Organization, error) {
	if err := requireID("organization_id", organizationID); err != nil {
		return nil, err
	}
	return doJSON[Organization](ctx, s.c, &request{method: http.MethodGet, path: "/organizations/" + url.PathEscape(organizationID)})
}

// Update renames an organization.
func (s *organizations) Update(ctx context.Context, organizationID string, opts OrganizationUpdateOptions) (*Organization, error) {
	if err := requireID("organization_id", organizationID); err != nil {
		return nil, err
	}
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return doJSON[Organization](ctx, s.c, &request{method: http.MethodPatch, path: "/organizations/" + url.PathEscape(organizationID), body: organizationWrite{Name: *opts.Name}})
}

// Delete deletes an organization and everything in it.
func (s *organizations) Delete(ctx context.Context, organizationID string) error {
	if err := requireID("organization_id", organizationID); err != nil {
		return err
	}
	defer s.c.invalidateAll()
	return s.c.do(ctx, &request{method: http.MethodDelete, path: "/organizations/" + url.PathEscape(organizationID)}, nil)
}
