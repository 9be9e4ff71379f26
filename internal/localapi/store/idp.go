package store

import (
	"database/sql"
	"errors"
	"time"
)

// IDPAccount is an account of the embedded identity provider.
type IDPAccount struct {
	ID           string
	Email        string
	PasswordHash *string
	Disabled     bool
	CreatedAt    time.Time
}

// InsertIDPAccount adds an identity-provider account (ErrDuplicate when the id exists).
func (tx *Tx) InsertIDPAccount(a *IDPAccount) error {
	_, err := tx.exec(`INSERT INTO idp_accounts (id, email, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?)`,
		a.ID, a.Email, nullString(a.PasswordHash), a.Disabled, unix(a.CreatedAt))
	return err
}

// GetIDPAccount reads an identity-provider account.
func (tx *Tx) GetIDPAccount(id string) (*IDPAccount, error) {
	var a IDPAccount
	var pw sql.NullString
	var created int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, email, password_hash, disabled, created_at FROM idp_accounts WHERE id = ?`, id).
		Scan(&a.ID, &a.Email, &pw, &a.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.PasswordHash, a.CreatedAt = fromNullString(pw), fromUnix(created)
	return &a, nil
}

// SetIDPPassword stores an identity-provider account's password hash.
func (tx *Tx) SetIDPPassword(id, hash string) error {
	return tx.execOne(`UPDATE idp_accounts SET password_hash = ? WHERE id = ?`, hash, id)
}

// SetIDPDisabled disables or enables an identity-provider account.
func (tx *Tx) SetIDPDisabled(id string, disabled bool) error {
	return tx.execOne(`UPDATE idp_accounts SET disabled = ? WHERE id = ?`, disabled, id)
}

// DeleteIDPAccount deletes an identity-provider account (no error when it does not exist).
func (tx *Tx) DeleteIDPAccount(id string) error {
	_, err := tx.exec(`DELETE FROM idp_accounts WHERE id = ?`, id)
	return err
}
