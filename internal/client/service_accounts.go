package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

var _ ServiceAccountsService = (*serviceAccounts)(nil)

// serviceAccounts implements ServiceAccountsService.
type serviceAccounts struct {
	c *core
}

func (o ServiceAccountListOptions) valid() error {
	if o.Status != nil {
		if err := o.Status.valid(); err != nil {
			return err
		}
	}
	return optionalNonEmpty("email", o.Email)
}

func (o ServiceAccountCreateOptions) valid() error {
	return requireNonEmpty("email", o.Email)
}

type serviceAccountCreate struct {
	Email       string `json:"email"`
	Description string `json:"description,omitempty"`
}

type serviceAccountUpdate struct {
	Description string `json:"description"`
}

func serviceAccountPath(id string) string { return "/service-accounts/" + url.PathEscape(id) }

func (s *serviceAccounts) index() indexed[ServiceAccount] {
	return indexed[ServiceAccount]{
		coll: collServiceAccounts,
		list: func(ctx context.Context) ([]*ServiceAccount, error) {
			return s.List(ctx, ServiceAccountListOptions{})
		},
		idOf: func(v *ServiceAccount) string { return v.ID },
	}
}

func (o ServiceAccountListOptions) query() url.Values {
	q := url.Values{}
	setFilter(q, "status", ptrString(o.Status))
	setFilter(q, "email", o.Email)
	return q
}

// List lists service accounts, locked ones included unless filtered, every page.
func (s *serviceAccounts) List(ctx context.Context, opts ServiceAccountListOptions) ([]*ServiceAccount, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return listAll[ServiceAccount](ctx, s.c, "/service-accounts", opts.query())
}

// Pages lists service accounts page by page, as the pages arrive.
func (s *serviceAccounts) Pages(ctx context.Context, opts ServiceAccountListOptions) iter.Seq2[[]*ServiceAccount, error] {
	if err := opts.valid(); err != nil {
		return invalidPages[ServiceAccount](err)
	}
	return pages[ServiceAccount](ctx, s.c, "/service-accounts", opts.query(), nil)
}

// Create creates a service account (Enterprise plan).
func (s *serviceAccounts) Create(ctx context.Context, opts ServiceAccountCreateOptions) (*ServiceAccount, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	sa, err := doJSON[ServiceAccount](ctx, s.c, &request{method: http.MethodPost, path: "/service-accounts", body: serviceAccountCreate{Email: opts.Email, Description: opts.Description}})
	wrote(s.c, s.index(), sa, err)
	return sa, err
}

// Read reads a service account by id (from the read cache when it is on).
func (s *serviceAccounts) Read(ctx context.Context, serviceAccountID string) (*ServiceAccount, error) {
	if err := requireID("service_account_id", serviceAccountID); err != nil {
		return nil, err
	}
	return cachedRead(ctx, s.c, s.index(), serviceAccountID, func(ctx context.Context) (*ServiceAccount, error) {
		return doJSON[ServiceAccount](ctx, s.c, &request{method: http.MethodGet, path: serviceAccountPath(serviceAccountID)})
	})
}

// Update changes a service account's description (an empty one clears it).
func (s *serviceAccounts) Update(ctx context.Context, serviceAccountID string, opts ServiceAccountUpdateOptions) (*ServiceAccount, error) {
	if err := requireID("service_account_id", serviceAccountID); err != nil {
		return nil, err
	}
	sa, err := doJSON[ServiceAccount](ctx, s.c, &request{method: http.MethodPatch, path: serviceAccountPath(serviceAccountID), body: serviceAccountUpdate{Description: opts.Description}})
	wrote(s.c, s.index(), sa, err)
	return sa, err
}

// Deactivate locks the account and revokes all its tokens. The tokens' revocation time is the
// server's (an account locked before keeps its old lock time), so the token snapshot is dropped.
func (s *serviceAccounts) Deactivate(ctx context.Context, serviceAccountID string) (*ServiceAccount, error) {
	if err := requireID("service_account_id", serviceAccountID); err != nil {
		return nil, err
	}
	defer s.c.invalidate(collAPITokens)
	sa, err := doJSON[ServiceAccount](ctx, s.c, &request{method: http.MethodPost, path: serviceAccountPath(serviceAccountID) + "/deactivate"})
	wrote(s.c, s.index(), sa, err)
	return sa, err
}

// Reactivate unlocks the account; no token comes back.
func (s *serviceAccounts) Reactivate(ctx context.Context, serviceAccountID string) (*ServiceAccount, error) {
	if err := requireID("service_account_id", serviceAccountID); err != nil {
		return nil, err
	}
	sa, err := doJSON[ServiceAccount](ctx, s.c, &request{method: http.MethodPost, path: serviceAccountPath(serviceAccountID) + "/reactivate"})
	wrote(s.c, s.index(), sa, err)
	return sa, err
}
