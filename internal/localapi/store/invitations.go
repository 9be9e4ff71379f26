package store

import (
	"database/sql"
	"errors"
	"time"
)

// Invitation is a row of invitations. Its status is derived: accepted, revoked, else pending
// until ExpiresAt and expired from then on.
type Invitation struct {
	Seq            int64
	ID             string
	OrganizationID string
	Email          string
	Role           string
	LinkHash       []byte
	SentAt         time.Time
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
	RevokedAt      *time.Time
	MemberID       *string
}

// Invitation statuses.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationExpired  = "expired"
	InvitationRevoked  = "revoked"
)

// Status is the invitation's status at time now.
func (i *Invitation) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return InvitationAccepted
	case i.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	default:
		return InvitationPending
	}
}

// InsertInvitation adds an invitation.
func (tx *Tx) InsertInvitation(i *Invitation) error {
	res, err := tx.exec(`INSERT INTO invitations (id, organization_id, email, role, link_hash, sent_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		i.ID, i.OrganizationID, i.Email, i.Role, i.LinkHash, unix(i.SentAt), unix(i.ExpiresAt))
	if err != nil {
		return err
	}
	i.Seq, err = res.LastInsertId()
	return err
}

const invitationColumns = `seq, id, organization_id, email, role, link_hash, sent_at, expires_at, accepted_at, revoked_at, member_id`

func scanInvitation(sc rowScanner) (*Invitation, error) {
	var i Invitation
	var sent, expires int64
	var accepted, revoked sql.NullInt64
	var member sql.NullString
	if err := sc.Scan(&i.Seq, &i.ID, &i.OrganizationID, &i.Email, &i.Role, &i.LinkHash, &sent, &expires, &accepted, &revoked, &member); err != nil {
		return nil, err
	}
	i.SentAt, i.ExpiresAt = fromUnix(sent), fromUnix(expires)
	i.AcceptedAt, i.RevokedAt = fromNullUnix(accepted), fromNullUnix(revoked)
	i.MemberID = fromNullString(member)
	return &i, nil
}

func (tx *Tx) getInvitation(where string, args ...any) (*Invitation, error) {
	i, err := scanInvitation(tx.tx.QueryRowContext(tx.ctx, `SELECT `+invitationColumns+` FROM invitations WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return i, err
}

// GetInvitation reads an invitation of an organization by id.
func (tx *Tx) GetInvitation(orgID, id string) (*Invitation, error) {
	return tx.getInvitation(`organization_id = ? AND id = ?`, orgID, id)
}

// GetInvitationByLink reads the invitation whose current link has this hash.
func (tx *Tx) GetInvitationByLink(linkHash []byte) (*Invitation, error) {
	return tx.getInvitation(`link_hash = ?`, linkHash)
}

// PendingInvitationByEmail reads the pending (not yet expired at now) invitation for an email.
func (tx *Tx) PendingInvitationByEmail(orgID, email string, now time.Time) (*Invitation, error) {
	return tx.getInvitation(`organization_id = ? AND email_key(email) = email_key(?) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
		ORDER BY seq DESC LIMIT 1`, orgID, email, unix(now))
}

// InvitationFilter filters an invitation list; empty fields do not filter.
type InvitationFilter struct {
	Status string
	Email  string
}

// ListInvitations lists an organization's invitations in creation order, statuses as of now.
func (tx *Tx) ListInvitations(orgID string, f InvitationFilter, now time.Time, p Page) (items []*Invitation, next int64, err error) {
	q := `SELECT ` + invitationColumns + ` FROM invitations WHERE organization_id = ?`
	args := []any{orgID}
	switch f.Status {
	case InvitationAccepted:
		q += ` AND accepted_at IS NOT NULL`
	case InvitationRevoked:
		q += ` AND revoked_at IS NOT NULL`
	case InvitationPending:
		q += ` AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`
		args = append(args, unix(now))
	case InvitationExpired:
		q += ` AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= ?`
		args = append(args, unix(now))
	}
	if f.Email != "" {
		q += ` AND email_key(email) = email_key(?)`
		args = append(args, f.Email)
	}
	return listPage(tx, q, args, "seq", p, scanInvitation, func(i *Invitation) int64 { return i.Seq })
}

// SetInvitationRole changes an invitation's role.
func (tx *Tx) SetInvitationRole(id, role string) error {
	return tx.execOne(`UPDATE invitations SET role = ? WHERE id = ?`, role, id)
}

// ResendInvitation gives an invitation a new link, sending time and expiry.
func (tx *Tx) ResendInvitation(id string, linkHash []byte, sentAt, expiresAt time.Time) error {
	return tx.execOne(`UPDATE invitations SET link_hash = ?, sent_at = ?, expires_at = ? WHERE id = ?`,
		linkHash, unix(sentAt), unix(expiresAt), id)
}

// RevokeInvitation marks an invitation revoked.
func (tx *Tx) RevokeInvitation(id string, at time.Time) error {
	return tx.execOne(`UPDATE invitations SET revoked_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL`, unix(at), id)
}

// AcceptInvitation marks an invitation accepted by the membership memberID.
func (tx *Tx) AcceptInvitation(id, memberID string, at time.Time) error {
	return tx.execOne(`UPDATE invitations SET accepted_at = ?, member_id = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		unix(at), memberID, id)
}
