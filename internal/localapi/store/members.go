package store

import (
	"database/sql"
	"errors"
	"time"
)

// User is a person's platform account.
type User struct {
	Seq       int64
	ID        string
	Email     string
	Name      *string
	CreatedAt time.Time
}

// InsertUser adds a user (ErrDuplicate when the email has an account).
func (tx *Tx) InsertUser(u *User) error {
	res, err := tx.exec(`INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)`,
		u.ID, u.Email, nullString(u.Name), unix(u.CreatedAt))
	if err != nil {
		return err
	}
	u.Seq, err = res.LastInsertId()
	return err
}

func (tx *Tx) getUser(where string, arg any) (*User, error) {
	var u User
	var name sql.NullString
	var created int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT seq, id, email, name, created_at FROM users WHERE `+where, arg).
		Scan(&u.Seq, &u.ID, &u.Email, &name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.Name = fromNullString(name)
	u.CreatedAt = fromUnix(created)
	return &u, nil
}

// GetUser reads a user by id.
func (tx *Tx) GetUser(id string) (*User, error) { return tx.getUser(`id = ?`, id) }

// GetUserByEmail reads a user by email (by email key: NFC, Unicode case-insensitive).
func (tx *Tx) GetUserByEmail(email string) (*User, error) {
	return tx.getUser(`email_key(email) = email_key(?)`, email)
}

// Member is a membership, with its user's email and name.
type Member struct {
	Seq            int64
	ID             string
	OrganizationID string
	UserID         string
	Email          string
	Name           *string
	Role           string
	JoinedAt       time.Time
}

// InsertMember adds a membership (ErrDuplicate when the user is already a member).
func (tx *Tx) InsertMember(m *Member) error {
	res, err := tx.exec(`INSERT INTO members (id, organization_id, user_id, role, joined_at) VALUES (?, ?, ?, ?, ?)`,
		m.ID, m.OrganizationID, m.UserID, m.Role, unix(m.JoinedAt))
	if err != nil {
		return err
	}
	m.Seq, err = res.LastInsertId()
	return err
}

const memberColumns = `m.seq, m.id, m.organization_id, m.user_id, u.email, u.name, m.role, m.joined_at`
const memberFrom = ` FROM members m JOIN users u ON u.id = m.user_id`

func scanMember(sc rowScanner) (*Member, error) {
	var m Member
	var name sql.NullString
	var joined int64
	if err := sc.Scan(&m.Seq, &m.ID, &m.OrganizationID, &m.UserID, &m.Email, &name, &m.Role, &joined); err != nil {
		return nil, err
	}
	m.Name = fromNullString(name)
	m.JoinedAt = fromUnix(joined)
	return &m, nil
}

func (tx *Tx) getMember(where string, args ...any) (*Member, error) {
	m, err := scanMember(tx.tx.QueryRowContext(tx.ctx, `SELECT `+memberColumns+memberFrom+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return m, err
}

// GetMember reads a member of an organization by id.
func (tx *Tx) GetMember(orgID, id string) (*Member, error) {
	return tx.getMember(`m.organization_id = ? AND m.id = ?`, orgID, id)
}

// GetMemberByUser reads a user's membership in an organization.
func (tx *Tx) GetMemberByUser(orgID, userID string) (*Member, error) {
	return tx.getMember(`m.organization_id = ? AND m.user_id = ?`, orgID, userID)
}

// GetMemberByEmail reads the membership of the person with this email (by email key).
func (tx *Tx) GetMemberByEmail(orgID, email string) (*Member, error) {
	return tx.getMember(`m.organization_id = ? AND email_key(u.email) = email_key(?)`, orgID, email)
}

// MemberFilter filters a member list; empty fields do not filter.
type MemberFilter struct {
	Role  string
	Email string
}

// ListMembers lists an organization's members in creation order. next is the seq to continue
// after, 0 on the last page.
func (tx *Tx) ListMembers(orgID string, f MemberFilter, p Page) (items []*Member, next int64, err error) {
	q := `SELECT ` + memberColumns + memberFrom + ` WHERE m.organization_id = ?`
	args := []any{orgID}
	if f.Role != "" {
		q += ` AND m.role = ?`
		args = append(args, f.Role)
	}
	if f.Email != "" {
		q += ` AND email_key(u.email) = email_key(?)`
		args = append(args, f.Email)
	}
	return listPage(tx, q, args, "m.seq", p, scanMember, func(m *Member) int64 { return m.Seq })
}

// CountOwners counts an organization's owners.
func (tx *Tx) CountOwners(orgID string) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM members WHERE organization_id = ? AND role = 'owner'`, orgID).Scan(&n)
	return n, err
}

// SetMemberRole changes a member's role.
func (tx *Tx) SetMemberRole(orgID, id, role string) error {
	return tx.execOne(`UPDATE members SET role = ? WHERE organization_id = ? AND id = ?`, role, orgID, id)
}

// DeleteMember removes a membership.
func (tx *Tx) DeleteMember(orgID, id string) error {
	return tx.execOne(`DELETE FROM members WHERE organization_id = ? AND id = ?`, orgID, id)
}
