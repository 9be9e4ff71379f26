package store

import (
	"database/sql"
	"errors"
	"time"
)

// Kinds of OrgUser.
const (
	KindServiceAccount = "service_account"
	KindManagedUser    = "managed_user"
)

// OrgUser is a service account or a managed user: a Client-role user of one organization.
// Description is a service account's; FirstName, LastName and PasswordSetAt a managed user's.
type OrgUser struct {
	Seq            int64
	ID             string
	OrganizationID string
	Kind           string
	Email          string
	Description    string
	FirstName      string
	LastName       string
	CreatedAt      time.Time
	LockedAt       *time.Time
	PasswordSetAt  *time.Time
}

// InsertOrgUser adds a service account or managed user (ErrDuplicate when the organization
// already has a user with that email).
func (tx *Tx) InsertOrgUser(u *OrgUser) error {
	res, err := tx.exec(`INSERT INTO org_users (id, organization_id, kind, email, description, first_name, last_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.OrganizationID, u.Kind, u.Email, u.Description, u.FirstName, u.LastName, unix(u.CreatedAt))
	if err != nil {
		return err
	}
	u.Seq, err = res.LastInsertId()
	return err
}

const orgUserColumns = `seq, id, organization_id, kind, email, description, first_name, last_name, created_at, locked_at, password_set_at`

func scanOrgUser(sc rowScanner) (*OrgUser, error) {
	var u OrgUser
	var created int64
	var locked, pw sql.NullInt64
	if err := sc.Scan(&u.Seq, &u.ID, &u.OrganizationID, &u.Kind, &u.Email, &u.Description, &u.FirstName, &u.LastName, &created, &locked, &pw); err != nil {
		return nil, err
	}
	u.CreatedAt = fromUnix(created)
	u.LockedAt, u.PasswordSetAt = fromNullUnix(locked), fromNullUnix(pw)
	return &u, nil
}

func (tx *Tx) getOrgUser(where string, args ...any) (*OrgUser, error) {
	u, err := scanOrgUser(tx.tx.QueryRowContext(tx.ctx, `SELECT `+orgUserColumns+` FROM org_users WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return u, err
}

// GetOrgUser reads a service account or managed user of an organization by id, whatever its kind.
func (tx *Tx) GetOrgUser(orgID, id string) (*OrgUser, error) {
	return tx.getOrgUser(`organization_id = ? AND id = ?`, orgID, id)
}

// GetOrgUserByID reads a service account or managed user by id alone (for credentials).
func (tx *Tx) GetOrgUserByID(id string) (*OrgUser, error) {
	return tx.getOrgUser(`id = ?`, id)
}

// GetOrgUserByEmail reads the organization's service account or managed user with this email.
func (tx *Tx) GetOrgUserByEmail(orgID, email string) (*OrgUser, error) {
	return tx.getOrgUser(`organization_id = ? AND email_key(email) = email_key(?)`, orgID, email)
}

// ManagedUsersByEmail lists the managed users with this email across organizations (for login).
func (tx *Tx) ManagedUsersByEmail(email string) ([]*OrgUser, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+orgUserColumns+` FROM org_users WHERE kind = 'managed_user' AND email_key(email) = email_key(?) ORDER BY seq`, email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*OrgUser
	for rows.Next() {
		u, err := scanOrgUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// OrgUserFilter filters a list; empty fields do not filter. Status is "active" or "locked".
type OrgUserFilter struct {
	Status string
	Email  string
}

// ListOrgUsers lists an organization's users of one kind in creation order.
func (tx *Tx) ListOrgUsers(orgID, kind string, f OrgUserFilter, p Page) (items []*OrgUser, next int64, err error) {
	q := `SELECT ` + orgUserColumns + ` FROM org_users WHERE organization_id = ? AND kind = ?`
	args := []any{orgID, kind}
	switch f.Status {
	case "active":
		q += ` AND locked_at IS NULL`
	case "locked":
		q += ` AND locked_at IS NOT NULL`
	}
	if f.Email != "" {
		q += ` AND email_key(email) = email_key(?)`
		args = append(args, f.Email)
	}
	return listPage(tx, q, args, "seq", p, scanOrgUser, func(u *OrgUser) int64 { return u.Seq })
}

// ManagedUserIDs lists the ids of an organization's managed users.
func (tx *Tx) ManagedUserIDs(orgID string) ([]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id FROM org_users WHERE organization_id = ? AND kind = 'managed_user' ORDER BY seq`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetDescription changes a service account's description.
func (tx *Tx) SetDescription(id, description string) error {
	return tx.execOne(`UPDATE org_users SET description = ? WHERE id = ?`, description, id)
}

// SetNames changes a managed user's first and last names.
func (tx *Tx) SetNames(id, first, last string) error {
	return tx.execOne(`UPDATE org_users SET first_name = ?, last_name = ? WHERE id = ?`, first, last, id)
}

// SetLocked locks (at != nil) or unlocks (at == nil) a service account or managed user.
func (tx *Tx) SetLocked(id string, at *time.Time) error {
	return tx.execOne(`UPDATE org_users SET locked_at = ? WHERE id = ?`, nullUnix(at), id)
}

// SetPasswordSet records when a managed user last set a password.
func (tx *Tx) SetPasswordSet(id string, at time.Time) error {
	return tx.execOne(`UPDATE org_users SET password_set_at = ? WHERE id = ?`, unix(at), id)
}

// PasswordReset is a one-use password-reset link (only its token's hash is stored).
type PasswordReset struct {
	TokenHash     []byte
	ManagedUserID string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UsedAt        *time.Time
}

// InsertPasswordReset adds a reset link and ends every earlier unused link of the same user
// (they count as used at the new link's creation), so only the newest link works.
func (tx *Tx) InsertPasswordReset(r *PasswordReset) error {
	if _, err := tx.exec(`UPDATE password_resets SET used_at = ? WHERE managed_user_id = ? AND used_at IS NULL`,
		unix(r.CreatedAt), r.ManagedUserID); err != nil {
		return err
	}
	_, err := tx.exec(`INSERT INTO password_resets (token_hash, managed_user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		r.TokenHash, r.ManagedUserID, unix(r.CreatedAt), unix(r.ExpiresAt))
	return err
}

// GetPasswordReset reads a reset link by its token's hash.
func (tx *Tx) GetPasswordReset(tokenHash []byte) (*PasswordReset, error) {
	var r PasswordReset
	var created, expires int64
	var used sql.NullInt64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT token_hash, managed_user_id, created_at, expires_at, used_at FROM password_resets WHERE token_hash = ?`, tokenHash).
		Scan(&r.TokenHash, &r.ManagedUserID, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.ExpiresAt, r.UsedAt = fromUnix(created), fromUnix(expires), fromNullUnix(used)
	return &r, nil
}

// UsePasswordReset marks a reset link used (ErrNotFound when it already was).
func (tx *Tx) UsePasswordReset(tokenHash []byte, at time.Time) error {
	return tx.execOne(`UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, unix(at), tokenHash)
}
