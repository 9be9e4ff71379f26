package store

import (
	"database/sql"
	"errors"
	"time"
)

// IdempotencyRecord is the first answer to an authenticated POST with an Idempotency-Key. Body
// never holds a secret: when SecretKind is set, Body is a placeholder and SecretKind and
// SecretObjectID name the object whose secret a replay re-keys (and whose answer it rebuilds).
type IdempotencyRecord struct {
	OrganizationID string
	Key            string
	Fingerprint    []byte
	Status         int
	Body           []byte
	SecretKind     string
	SecretObjectID string
	CreatedAt      time.Time
}

// GetIdempotencyRecord reads the record of a key created after notBefore (older records have
// expired and count as absent).
func (tx *Tx) GetIdempotencyRecord(orgID, key string, notBefore time.Time) (*IdempotencyRecord, error) {
	var r IdempotencyRecord
	var created int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT organization_id, key, fingerprint, status, body, secret_kind, secret_object_id, created_at
		FROM idempotency_keys WHERE organization_id = ? AND key = ? AND created_at >= ?`, orgID, key, unix(notBefore)).
		Scan(&r.OrganizationID, &r.Key, &r.Fingerprint, &r.Status, &r.Body, &r.SecretKind, &r.SecretObjectID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt = fromUnix(created)
	return &r, nil
}

// PutIdempotencyRecord stores a record, replacing an expired one with the same key, and drops
// every record created before expiredBefore.
func (tx *Tx) PutIdempotencyRecord(r *IdempotencyRecord, expiredBefore time.Time) error {
	if _, err := tx.exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, unix(expiredBefore)); err != nil {
		return err
	}
	_, err := tx.exec(`INSERT INTO idempotency_keys (organization_id, key, fingerprint, status, body, secret_kind, secret_object_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (organization_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
			body = excluded.body, secret_kind = excluded.secret_kind, secret_object_id = excluded.secret_object_id,
			created_at = excluded.created_at`,
		r.OrganizationID, r.Key, r.Fingerprint, r.Status, r.Body, r.SecretKind, r.SecretObjectID, unix(r.CreatedAt))
	return err
}

// Email is a message of the outbox.
type Email struct {
	Seq     int64
	ID      string
	Kind    string
	To      string
	Subject string
	Body    string
	Link    string
	SentAt  time.Time
}

// InsertEmail adds an email to the outbox.
func (tx *Tx) InsertEmail(e *Email) error {
	res, err := tx.exec(`INSERT INTO outbox (id, kind, recipient, subject, body, link, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Kind, e.To, e.Subject, e.Body, e.Link, unix(e.SentAt))
	if err != nil {
		return err
	}
	e.Seq, err = res.LastInsertId()
	return err
}

// ListEmails lists the outbox, oldest first, filtered by recipient (by email key: Unicode case-insensitive) and kind
// when they are not empty.
func (tx *Tx) ListEmails(to, kind string) ([]*Email, error) {
	q := `SELECT seq, id, kind, recipient, subject, body, link, sent_at FROM outbox WHERE 1 = 1`
	var args []any
	if to != "" {
		q += ` AND email_key(recipient) = email_key(?)`
		args = append(args, to)
	}
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, kind)
	}
	rows, err := tx.tx.QueryContext(tx.ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Email
	for rows.Next() {
		var e Email
		var sent int64
		if err := rows.Scan(&e.Seq, &e.ID, &e.Kind, &e.To, &e.Subject, &e.Body, &e.Link, &sent); err != nil {
			return nil, err
		}
		e.SentAt = fromUnix(sent)
		out = append(out, &e)
	}
	return out, rows.Err()
}
