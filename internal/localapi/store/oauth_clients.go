package store

import (
	"database/sql"
	"errors"
	"time"
)

// OAuthClient is a row of oauth_clients. Only the SHA-256 hash of its secret is stored.
type OAuthClient struct {
	Seq            int64
	ID             string
	OrganizationID string
	Name           string
	ClientID       string
	SecretHash     []byte
	Enabled        bool
	CreatedAt      time.Time
	CreatedBy      *string
}

// InsertOAuthClient adds a client.
func (tx *Tx) InsertOAuthClient(c *OAuthClient) error {
	res, err := tx.exec(`INSERT INTO oauth_clients (id, organization_id, name, client_id, secret_hash, enabled, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrganizationID, c.Name, c.ClientID, c.SecretHash, c.Enabled, unix(c.CreatedAt), nullString(c.CreatedBy))
	if err != nil {
		return err
	}
	c.Seq, err = res.LastInsertId()
	return err
}

const oauthColumns = `seq, id, organization_id, name, client_id, secret_hash, enabled, created_at, created_by`

func scanOAuthClient(sc rowScanner) (*OAuthClient, error) {
	var c OAuthClient
	var created int64
	var by sql.NullString
	if err := sc.Scan(&c.Seq, &c.ID, &c.OrganizationID, &c.Name, &c.ClientID, &c.SecretHash, &c.Enabled, &created, &by); err != nil {
		return nil, err
	}
	c.CreatedAt, c.CreatedBy = fromUnix(created), fromNullString(by)
	return &c, nil
}

func (tx *Tx) getOAuthClient(where string, args ...any) (*OAuthClient, error) {
	c, err := scanOAuthClient(tx.tx.QueryRowContext(tx.ctx, `SELECT `+oauthColumns+` FROM oauth_clients WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return c, err
}

// GetOAuthClient reads a client of an organization by id.
func (tx *Tx) GetOAuthClient(orgID, id string) (*OAuthClient, error) {
	return tx.getOAuthClient(`organization_id = ? AND id = ?`, orgID, id)
}

// GetOAuthClientByID reads a client by id alone (to check an access token).
func (tx *Tx) GetOAuthClientByID(id string) (*OAuthClient, error) {
	return tx.getOAuthClient(`id = ?`, id)
}

// GetOAuthClientByClientID reads a client by its public client_id.
func (tx *Tx) GetOAuthClientByClientID(clientID string) (*OAuthClient, error) {
	return tx.getOAuthClient(`client_id = ?`, clientID)
}

// ListOAuthClients lists an organization's clients in creation order.
func (tx *Tx) ListOAuthClients(orgID string, p Page) (items []*OAuthClient, next int64, err error) {
	return listPage(tx, `SELECT `+oauthColumns+` FROM oauth_clients WHERE organization_id = ?`, []any{orgID}, "seq", p,
		scanOAuthClient, func(c *OAuthClient) int64 { return c.Seq })
}

// UpdateOAuthClient writes a client's name and enabled flag.
func (tx *Tx) UpdateOAuthClient(id, name string, enabled bool) error {
	return tx.execOne(`UPDATE oauth_clients SET name = ?, enabled = ? WHERE id = ?`, name, enabled, id)
}

// RekeyOAuthClient replaces a client's secret hash.
func (tx *Tx) RekeyOAuthClient(id string, secretHash []byte) error {
	return tx.execOne(`UPDATE oauth_clients SET secret_hash = ? WHERE id = ?`, secretHash, id)
}

// DeleteOAuthClient deletes a client.
func (tx *Tx) DeleteOAuthClient(orgID, id string) error {
	return tx.execOne(`DELETE FROM oauth_clients WHERE organization_id = ? AND id = ?`, orgID, id)
}

// Dataset is a row of datasets.
type Dataset struct {
	Seq            int64
	ID             string
	OrganizationID string
	Name           string
	CreatedAt      time.Time
}

// InsertDataset adds a dataset.
func (tx *Tx) InsertDataset(d *Dataset) error {
	res, err := tx.exec(`INSERT INTO datasets (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)`,
		d.ID, d.OrganizationID, d.Name, unix(d.CreatedAt))
	if err != nil {
		return err
	}
	d.Seq, err = res.LastInsertId()
	return err
}

// ListDatasets lists an organization's datasets in creation order.
func (tx *Tx) ListDatasets(orgID string, p Page) (items []*Dataset, next int64, err error) {
	return listPage(tx, `SELECT seq, id, organization_id, name, created_at FROM datasets WHERE organization_id = ?`, []any{orgID}, "seq", p,
		scanDataset, func(d *Dataset) int64 { return d.Seq })
}

func scanDataset(sc rowScanner) (*Dataset, error) {
	var d Dataset
	var created int64
	if err := sc.Scan(&d.Seq, &d.ID, &d.OrganizationID, &d.Name, &created); err != nil {
		return nil, err
	}
	d.CreatedAt = fromUnix(created)
	return &d, nil
}
