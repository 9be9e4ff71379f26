package store

import (
	"database/sql"
	"errors"
	"time"
)

// Organization is a row of organizations.
type Organization struct {
	Seq       int64
	ID        string
	Name      string
	Plan      string
	CreatedAt time.Time
	// ParentID is the organization this one was created from (nil for the bootstrapped one).
	ParentID *string
}

// InsertOrganization adds an organization.
func (tx *Tx) InsertOrganization(o *Organization) error {
	res, err := tx.exec(`INSERT INTO organizations (id, name, plan, created_at, parent_id) VALUES (?, ?, ?, ?, ?)`,
		o.ID, o.Name, o.Plan, unix(o.CreatedAt), nullString(o.ParentID))
	if err != nil {
		return err
	}
	o.Seq, err = res.LastInsertId()
	return err
}

// GetOrganization reads an organization by id.
func (tx *Tx) GetOrganization(id string) (*Organization, error) {
	var o Organization
	var created int64
	var parent sql.NullString
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT seq, id, name, plan, created_at, parent_id FROM organizations WHERE id = ?`, id).
		Scan(&o.Seq, &o.ID, &o.Name, &o.Plan, &created, &parent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt, o.ParentID = fromUnix(created), fromNullString(parent)
	return &o, nil
}

// RenameOrganization changes an organization's name.
func (tx *Tx) RenameOrganization(id, name string) error {
	return tx.execOne(`UPDATE organizations SET name = ? WHERE id = ?`, name, id)
}

// SetOrganizationPlan changes an organization's plan.
func (tx *Tx) SetOrganizationPlan(id, plan string) error {
	return tx.execOne(`UPDATE organizations SET plan = ? WHERE id = ?`, plan, id)
}

// DeleteOrganization deletes an organization and, through ON DELETE CASCADE, everything in it:
// members, invitations, service accounts, managed users, API tokens, OAuth clients, datasets and
// idempotency records.
func (tx *Tx) DeleteOrganization(id string) error {
	return tx.execOne(`DELETE FROM organizations WHERE id = ?`, id)
}

// GetSetting reads a setting (ErrNotFound when unset).
func (tx *Tx) GetSetting(key string) ([]byte, error) {
	var v []byte
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return v, err
}

// PutSetting writes a setting.
func (tx *Tx) PutSetting(key string, value []byte) error {
	_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
