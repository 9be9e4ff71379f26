package localapi

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// IdentityProvider keeps managed users' logins, as the platform's identity provider (Authentik)
// does. Accounts are keyed by the managed user's id. The local database stays the source of
// truth for a managed user's status: the server brings the identity provider in line with it
// after each change (so every method must be idempotent), and checks both on login.
type IdentityProvider interface {
	// CreateUser creates an account (no password yet); an existing account is left as it is.
	CreateUser(ctx context.Context, id, email string) error
	// LockUser disables the account's login.
	LockUser(ctx context.Context, id string) error
	// UnlockUser enables the account's login again, with its existing password.
	UnlockUser(ctx context.Context, id string) error
	// SetPassword sets the account's password.
	SetPassword(ctx context.Context, id, password string) error
	// CheckPassword reports whether password is the account's and the account may log in.
	CheckPassword(ctx context.Context, id, password string) (bool, error)
	// DeleteUser deletes the account; a missing account is not an error.
	DeleteUser(ctx context.Context, id string) error
}

// ErrNoAccount is returned by the embedded identity provider for an unknown account.
var ErrNoAccount = errors.New("identity provider: no such account")

// DefaultPasswordHashIterations is the PBKDF2-SHA256 work factor of new password hashes (OWASP's
// 2023 recommendation), unless Config.PasswordHashIterations says otherwise. Hashes carry their
// own count, so changing it keeps old hashes valid.
const DefaultPasswordHashIterations = 600_000

var _ IdentityProvider = (*embeddedIDP)(nil)

// embeddedIDP is the embedded IdentityProvider: accounts in the database's idp_accounts table,
// passwords hashed with PBKDF2-SHA256 (crypto/pbkdf2) and a random 16-byte salt.
type embeddedIDP struct {
	db    *store.DB
	clock clock.Clock
	// iterations is the PBKDF2 work factor of new hashes.
	iterations int
}

// CreateUser implements IdentityProvider.
func (p *embeddedIDP) CreateUser(ctx context.Context, id, email string) error {
	return p.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetIDPAccount(id); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return tx.InsertIDPAccount(&store.IDPAccount{ID: id, Email: email, CreatedAt: p.clock.Now().UTC()})
	})
}

func (p *embeddedIDP) setDisabled(ctx context.Context, id string, disabled bool) error {
	return p.db.Write(ctx, func(tx *store.Tx) error {
		err := tx.SetIDPDisabled(id, disabled)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNoAccount
		}
		return err
	})
}

// LockUser implements IdentityProvider.
func (p *embeddedIDP) LockUser(ctx context.Context, id string) error {
	return p.setDisabled(ctx, id, true)
}

// UnlockUser implements IdentityProvider.
func (p *embeddedIDP) UnlockUser(ctx context.Context, id string) error {
	return p.setDisabled(ctx, id, false)
}

// SetPassword implements IdentityProvider.
func (p *embeddedIDP) SetPassword(ctx context.Context, id, password string) error {
	hash, err := hashPassword(password, p.iterations)
	if err != nil {
		return err
	}
	return p.db.Write(ctx, func(tx *store.Tx) error {
		err := tx.SetIDPPassword(id, hash)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNoAccount
		}
		return err
	})
}

// CheckPassword implements IdentityProvider: a disabled account, or one without a password,
// never matches.
func (p *embeddedIDP) CheckPassword(ctx context.Context, id, password string) (bool, error) {
	var acct *store.IDPAccount
	err := p.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		acct, err = tx.GetIDPAccount(id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if acct.PasswordHash == nil {
		hashPassword(password, p.iterations) //nolint:errcheck // the same work as a real check
		return false, nil
	}
	ok, err := checkPassword(*acct.PasswordHash, password)
	return ok && !acct.Disabled, err
}

// DeleteUser implements IdentityProvider.
func (p *embeddedIDP) DeleteUser(ctx context.Context, id string) error {
	return p.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteIDPAccount(id) })
}

// hashPassword hashes a password with PBKDF2-SHA256 as
// "pbkdf2-sha256$<iterations>$<salt>$<key>" (base64url).
func hashPassword(password string, iterations int) (string, error) {
	salt := randomBytes(16)
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, 32)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", iterations, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func checkPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false, errors.New("identity provider: unknown password hash format")
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 {
		return false, errors.New("identity provider: bad iteration count")
	}
	salt, err1 := b64.DecodeString(parts[2])
	want, err2 := b64.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false, errors.New("identity provider: bad password hash")
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
