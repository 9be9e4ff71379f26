package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

var _ ManagedUsersService = (*managedUsers)(nil)

// managedUsers implements ManagedUsersService.
type managedUsers struct {
	c *core
}

func (o ManagedUserListOptions) valid() error {
	if o.Status != nil {
		if err := o.Status.valid(); err != nil {
			return err
		}
	}
	return optionalNonEmpty("email", o.Email)
}

func (o ManagedUserCreateOptions) valid() error {
	if err := requireNonEmpty("email", o.Email); err != nil {
		return err
	}
	if err := requireNonEmpty("first_name", o.FirstName); err != nil {
		return err
	}
	return requireNonEmpty("last_name", o.LastName)
}

func (o ManagedUserUpdateOptions) valid() error {
	if o.FirstName == nil && o.LastName == nil {
		return invalid("first_name", "nothing to update: set the first name, the last name or both")
	}
	if err := optionalNonEmpty("first_name", o.FirstName); err != nil {
		return err
	}
	return optionalNonEmpty("last_name", o.LastName)
}

type managedUserCreate struct {
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

type managedUserUpdate struct {
	FirstName *string `json:"first_name,omitempty"`
	LastName  *string `json:"last_name,omitempty"`
}

func managedUserPath(id string) string { return "/managed-users/" + url.PathEscape(id) }

func (s *managedUsers) index() indexed[ManagedUser] {
	return indexed[ManagedUser]{
		coll: collManagedUsers,
		list: func(ctx context.Context) ([]*ManagedUser, error) { return s.List(ctx, ManagedUserListOptions{}) },
		idOf: func(v *ManagedUser) string { return v.ID },
	}
}

func (o ManagedUserListOptions) query() url.Values {
	q := url.Values{}
	setFilter(q, "status", ptrString(o.Status))
	setFilter(q, "email", o.Email)
	return q
}

// List lists managed users, locked ones included unless filtered, every page.
func (s *managedUsers) List(ctx context.Context, opts ManagedUserListOptions) ([]*ManagedUser, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	return listAll[ManagedUser](ctx, s.c, "/managed-users", opts.query())
}

// Pages lists managed users page by page, as the pages arrive.
func (s *managedUsers) Pages(ctx context.Context, opts ManagedUserListOptions) iter.Seq2[[]*ManagedUser, error] {
	if err := opts.valid(); err != nil {
		return invalidPages[ManagedUser](err)
	}
	return pages[ManagedUser](ctx, s.c, "/managed-users", opts.query(), nil)
}

// Create creates a managed user (Enterprise plan); the API sends a password-reset email.
func (s *managedUsers) Create(ctx context.Context, opts ManagedUserCreateOptions) (*ManagedUser, error) {
	if err := opts.valid(); err != nil {
		return nil, err
	}
	body := managedUserCreate{Email: opts.Email, FirstName: opts.FirstName, LastName: opts.LastName}
	mu, err := doJSON[ManagedUser](ctx, s.c, &request{method: http.MethodPost, path: "/managed-users", body: body})
	wrote(s.c, s.index(), mu, err)
	return mu, err
}

// Read reads a managed user by id (from the read cache when it is on).
func (s *managedUsers) Read(ctx context.Context, managedUserID string) (*ManagedUser, error) {
	if err := requireID("managed_user_id", managedUserID); err != nil {
		return nil, err
	}
	return cachedRead(ctx, s.c, s.index(), managedUserID, func(ctx context.Context) (*ManagedUser, error) {
		return doJSON[ManagedUser](ctx, s.c, &request{method: http.MethodGet, path: managedUserPath(managedUserID)})
	})
}

// Update changes a managed user's first or last name.
func (s *managedUsers) Update(ctx context.Context, managedUserID string, opts ManagedUserUpdateOptions) (*ManagedUser, error) {
	if err := requireID("managed_user_id", managedUserID); err != nil {
		return nil, err
	}
	if err := opts.valid(); err != nil {
		return nil, err
	}
	body := managedUserUpdate{FirstName: opts.FirstName, LastName: opts.LastName}
	mu, err := doJSON[ManagedUser](ctx, s.c, &request{method: http.MethodPatch, path: managedUserPath(managedUserID), body: body})
	wrote(s.c, s.index(), mu, err)
	return mu, err
}

// Deactivate locks a managed user and disables their login.
func (s *managedUsers) Deactivate(ctx context.Context, managedUserID string) (*ManagedUser, error) {
	return s.action(ctx, managedUserID, "/deactivate")
}

// Reactivate unlocks a managed user; they log in with their existing password.
func (s *managedUsers) Reactivate(ctx context.Context, managedUserID string) (*ManagedUser, error) {
	return s.action(ctx, managedUserID, "/reactivate")
}

// SendPasswordReset sends the password-reset email again.
func (s *managedUsers) SendPasswordReset(ctx context.Context, managedUserID string) (*ManagedUser, error) {
	return s.action(ctx, managedUserID, "/password-reset")
}

// action posts to one of a managed user's action paths.
func (s *managedUsers) action(ctx context.Context, managedUserID, suffix string) (*ManagedUser, error) {
	if err := requireID("managed_user_id", managedUserID); err != nil {
		return nil, err
	}
	mu, err := doJSON[ManagedUser](ctx, s.c, &request{method: http.MethodPost, path: managedUserPath(managedUserID) + suffix})
	wrote(s.c, s.index(), mu, err)
	return mu, err
}
