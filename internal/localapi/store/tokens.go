package store

import (
	"database/sql"
	"errors"
	"time"
)

// APIToken is a row of api_tokens: an organization key (no service account, no scope) or a
// service-account token. Only the SHA-256 hash of its secret is stored.
type APIToken struct {
	Seq              int64
	ID               string
	OrganizationID   string
	Name             string
	ServiceAccountID *string
	Scope            *string
	SecretHash       []byte
	ExpiresIn        string
	CreatedAt        time.Time
	ExpiresAt        *time.Time
	LastUsedAt       *time.Time
	RevokedAt        *time.Time
	CreatedBy        *string
}

// Token statuses.
const (
	TokenActive  = "active"
	TokenRevoked = "revoked"
	TokenExpired = "expired"
)

// Status is the token's status at time now.
func (t *APIToken) Status(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return TokenRevoked
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return TokenExpired
	default:
		return TokenActive
	}
}

// InsertAPIToken adds a token.
func (tx *Tx) InsertAPIToken(t *APIToken) error {
	res, err := tx.exec(`INSERT INTO api_tokens (id, organization_id, name, service_account_id, scope, secret_hash, expires_in, created_at, expires_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrganizationID, t.Name, nullString(t.ServiceAccountID), nullString(t.Scope), t.SecretHash, t.ExpiresIn,
		unix(t.CreatedAt), nullUnix(t.ExpiresAt), nullString(t.CreatedBy))
	if err != nil {
		return err
	}
	t.Seq, err = res.LastInsertId()
	return err
}

const tokenColumns = `seq, id, organization_id, name, service_account_id, scope, secret_hash, expires_in, created_at, expires_at, last_used_at, revoked_at, created_by`

func scanToken(sc rowScanner) (*APIToken, error) {
	var t APIToken
	var sa, scope, by sql.NullString
	var created int64
	var expires, used, revoked sql.NullInt64
	if err := sc.Scan(&t.Seq, &t.ID, &t.OrganizationID, &t.Name, &sa, &scope, &t.SecretHash, &t.ExpiresIn, &created, &expires, &used, &revoked, &by); err != nil {
		return nil, err
	}
	t.ServiceAccountID, t.Scope, t.CreatedBy = fromNullString(sa), fromNullString(scope), fromNullString(by)
	t.CreatedAt = fromUnix(created)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromNullUnix(expires), fromNullUnix(used), fromNullUnix(revoked)
	return &t, nil
}

func (tx *Tx) getToken(where string, args ...any) (*APIToken, error) {
	t, err := scanToken(tx.tx.QueryRowContext(tx.ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return t, err
}

// GetAPIToken reads a token of an organization by id.
func (tx *Tx) GetAPIToken(orgID, id string) (*APIToken, error) {
	return tx.getToken(`organization_id = ? AND id = ?`, orgID, id)
}

// GetAPITokenByID reads a token by id alone (to authenticate it).
func (tx *Tx) GetAPITokenByID(id string) (*APIToken, error) {
	return tx.getToken(`id = ?`, id)
}

// APITokenFilter filters a token list; empty fields do not filter.
type APITokenFilter struct {
	ServiceAccountID string
	Kind             string // organization_key or service_account_token
	Status           string
}

// ListAPITokens lists an organization's tokens in creation order, statuses as of now.
func (tx *Tx) ListAPITokens(orgID string, f APITokenFilter, now time.Time, p Page) (items []*APIToken, next int64, err error) {
	q := `SELECT ` + tokenColumns + ` FROM api_tokens WHERE organization_id = ?`
	args := []any{orgID}
	if f.ServiceAccountID != "" {
		q += ` AND service_account_id = ?`
		args = append(args, f.ServiceAccountID)
	}
	switch f.Kind {
	case "organization_key":
		q += ` AND service_account_id IS NULL`
	case "service_account_token":
		q += ` AND service_account_id IS NOT NULL`
	}
	switch f.Status {
	case TokenRevoked:
		q += ` AND revoked_at IS NOT NULL`
	case TokenExpired:
		q += ` AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?`
		args = append(args, unix(now))
	case TokenActive:
		q += ` AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`
		args = append(args, unix(now))
	}
	return listPage(tx, q, args, "seq", p, scanToken, func(t *APIToken) int64 { return t.Seq })
}

// RevokeAPIToken marks a token revoked (ErrNotFound when it already was).
func (tx *Tx) RevokeAPIToken(id string, at time.Time) error {
	return tx.execOne(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, unix(at), id)
}

// RevokeServiceAccountTokens revokes every unrevoked token of a service account and answers how
// many it revoked.
func (tx *Tx) RevokeServiceAccountTokens(serviceAccountID string, at time.Time) (int64, error) {
	res, err := tx.exec(`UPDATE api_tokens SET revoked_at = ? WHERE service_account_id = ? AND revoked_at IS NULL`, unix(at), serviceAccountID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RekeyAPIToken replaces a token's secret hash.
func (tx *Tx) RekeyAPIToken(id string, secretHash []byte) error {
	return tx.execOne(`UPDATE api_tokens SET secret_hash = ? WHERE id = ?`, secretHash, id)
}

// TouchAPIToken records a use of a token.
func (tx *Tx) TouchAPIToken(id string, at time.Time) error {
	return tx.execOne(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, unix(at), id)
}
