package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// resetTTL is how long a password-reset link stays valid.
const resetTTL = 24 * time.Hour

var userStatuses = []string{"active", "locked"}

// kindNoun names a kind of org user in messages.
func kindNoun(kind string) (string, string) {
	if kind == store.KindManagedUser {
		return "managed user", "managed users"
	}
	return "service account", "service accounts"
}

// emailTaken is the 409 for an email that belongs to another service account or managed user.
func emailTaken(u *store.OrgUser) *apiError {
	noun, _ := kindNoun(u.Kind)
	article := "an"
	if u.LockedAt != nil {
		article = "a"
	}
	return errConflict("%s %s %s (%s) already has this email", article, userStatus(u), noun, u.ID)
}

// orgUser reads the path's service account or managed user (404 for another kind).
func (c *call) orgUser(tx *store.Tx, kind, param string) (*store.OrgUser, error) {
	noun, _ := kindNoun(kind)
	return inOrganization(c, tx, param, noun, func(tx *store.Tx, orgID, id string) (*store.OrgUser, error) {
		u, err := tx.GetOrgUser(orgID, id)
		if err == nil && u.Kind != kind {
			return nil, store.ErrNotFound
		}
		return u, err
	})
}

func (s *Server) listOrgUsers(c *call, kind, coll string) error {
	_, plural := kindNoun(kind)
	if e := c.p.requireEnterprise(plural); e != nil {
		return e
	}
	pg, e := pageParams(c.r, coll)
	if e != nil {
		return e
	}
	var f store.OrgUserFilter
	if f.Status, e = queryEnum(c.r, "status", userStatuses...); e != nil {
		return e
	}
	if f.Email, e = query(c.r, "email"); e != nil {
		return e
	}
	list := func(tx *store.Tx) ([]*store.OrgUser, int64, error) { return tx.ListOrgUsers(c.p.org.ID, kind, f, pg) }
	if kind == store.KindManagedUser {
		return answerPage(c, coll, list, toWireManagedUser)
	}
	return answerPage(c, coll, list, toWireServiceAccount)
}

// insertOrgUser adds a service account or managed user, or answers the 409 naming the holder of
// the email.
func insertOrgUser(tx *store.Tx, u *store.OrgUser) error {
	if other, err := tx.GetOrgUserByEmail(u.OrganizationID, u.Email); err == nil {
		return emailTaken(other)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return tx.InsertOrgUser(u)
}

func (s *Server) readOrgUser(c *call, kind, param string) error {
	_, plural := kindNoun(kind)
	if e := c.p.requireEnterprise(plural); e != nil {
		return e
	}
	u, err := inRead(c, func(tx *store.Tx) (*store.OrgUser, error) { return c.orgUser(tx, kind, param) })
	if err != nil {
		return err
	}
	if kind == store.KindManagedUser {
		return c.json(http.StatusOK, toWireManagedUser(u))
	}
	return c.json(http.StatusOK, toWireServiceAccount(u))
}

// Service accounts.

func (s *Server) listServiceAccounts(c *call) error {
	return s.listOrgUsers(c, store.KindServiceAccount, "service-accounts")
}

func (s *Server) getServiceAccount(c *call) error {
	return s.readOrgUser(c, store.KindServiceAccount, "service_account_id")
}

func (s *Server) createServiceAccount(c *call) error {
	if e := c.p.requireEnterprise("service accounts"); e != nil {
		return e
	}
	var email, description string
	var hasDescription bool
	if e := decodeObject(c.body, strField("email", &email, true), optStrField("description", &description, &hasDescription)); e != nil {
		return e
	}
	if e := validateEmail("email", &email); e != nil {
		return e
	}
	if e := validateText("description", &description, textrule.DescriptionMaxLength); e != nil {
		return e
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		u := &store.OrgUser{ID: store.NewID("sa"), OrganizationID: c.p.org.ID, Kind: store.KindServiceAccount, Email: email,
			Description: description, CreatedAt: s.now()}
		if err := insertOrgUser(tx, u); err != nil {
			return nil, err
		}
		return &outcome{status: http.StatusCreated, body: toWireServiceAccount(u)}, nil
	})
}

func (s *Server) updateServiceAccount(c *call) error {
	if e := c.p.requireEnterprise("service accounts"); e != nil {
		return e
	}
	var description string
	if e := decodeObject(c.body, strField("description", &description, true)); e != nil {
		return e
	}
	if e := validateText("description", &description, textrule.DescriptionMaxLength); e != nil {
		return e
	}
	u, err := inWrite(c, func(tx *store.Tx) (*store.OrgUser, error) {
		u, err := c.orgUser(tx, store.KindServiceAccount, "service_account_id")
		if err != nil {
			return nil, err
		}
		u.Description = description
		return u, tx.SetDescription(u.ID, description)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireServiceAccount(u))
}

func (s *Server) deactivateServiceAccount(c *call) error { return s.setServiceAccountLock(c, true) }

func (s *Server) reactivateServiceAccount(c *call) error { return s.setServiceAccountLock(c, false) }

// setServiceAccountLock deactivates a service account (locks it and revokes all its tokens, in
// one transaction) or reactivates it (unlocks it; its revoked tokens stay revoked).
func (s *Server) setServiceAccountLock(c *call, lock bool) error {
	if e := c.lockAction("service accounts", lock); e != nil {
		return e
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		u, err := c.orgUser(tx, store.KindServiceAccount, "service_account_id")
		if err != nil {
			return nil, err
		}
		now := s.now()
		if err := setLock(tx, u, lock, now); err != nil {
			return nil, err
		}
		if lock {
			// Also when it was locked already: no token of a locked account may stay usable.
			if _, err := tx.RevokeServiceAccountTokens(u.ID, now); err != nil {
				return nil, err
			}
		}
		return &outcome{status: http.StatusOK, body: toWireServiceAccount(u)}, nil
	})
}

// orgUserAction checks a bodiless action on a service account or managed user (deactivate,
// reactivate, send a password reset): the Enterprise plan, and no request body.
func (c *call) orgUserAction(feature string) *apiError {
	if e := c.p.requireEnterprise(feature); e != nil {
		return e
	}
	return decodeEmpty(c.body)
}

// lockAction checks a deactivation (lock) or reactivation of a service account or managed user.
// Deactivation needs no plan: it is how access is cut, and an organization downgraded from
// Enterprise must still be able to cut the access of the accounts it has (a service account's
// tokens keep authenticating until then). Everything else about these accounts, reactivation
// included, stays Enterprise-only.
func (c *call) lockAction(feature string, lock bool) *apiError {
	if lock {
		return decodeEmpty(c.body)
	}
	return c.orgUserAction(feature)
}

// setLock locks (lock) or unlocks u at now, unless it is so already.
func setLock(tx *store.Tx, u *store.OrgUser, lock bool, now time.Time) error {
	if lock == (u.LockedAt != nil) {
		return nil
	}
	var at *time.Time
	if lock {
		at = &now
	}
	if err := tx.SetLocked(u.ID, at); err != nil {
		return err
	}
	u.LockedAt = at
	return nil
}

// Managed users.

func (s *Server) listManagedUsers(c *call) error {
	return s.listOrgUsers(c, store.KindManagedUser, "managed-users")
}

func (s *Server) getManagedUser(c *call) error {
	return s.readOrgUser(c, store.KindManagedUser, "managed_user_id")
}

// syncIdentity brings the identity provider in line with the database for one managed user:
// the account exists with the user's email and is locked exactly when the user is (or is gone
// when the user is).
func (s *Server) syncIdentity(ctx context.Context, id string) error {
	var u *store.OrgUser
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.GetOrgUserByID(id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return s.idp.DeleteUser(ctx, id)
	}
	if err != nil {
		return err
	}
	if err := s.idp.CreateUser(ctx, u.ID, u.Email); err != nil {
		return err
	}
	if u.LockedAt != nil {
		return s.idp.LockUser(ctx, u.ID)
	}
	return s.idp.UnlockUser(ctx, u.ID)
}

// idpUnavailable answers a failure of the identity provider, which is another system and may be
// unreachable, as 503 unavailable: "the identity provider is unavailable; " + what the client
// should know (what was saved, what to retry). The error itself goes to the log. A call that
// failed because the client left stays as it is.
func (c *call) idpUnavailable(err error, then string) error {
	if c.r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	c.s.log.Error("identity provider", "request_id", requestID(c.r.Context()), "route", routeOf(c.r), "error", err)
	return &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Message: "the identity provider is unavailable; " + then}
}

// syncAnswer syncs the identity of the managed user an answer is about.
func (s *Server) syncAnswer(ctx context.Context, answer []byte) error {
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(answer, &v); err != nil || v.ID == "" {
		return fmt.Errorf("no managed user id in the answer: %w", err)
	}
	return s.syncIdentity(ctx, v.ID)
}

// passwordResetEmail is the email that carries a reset link.
func (s *Server) passwordResetEmail(r *http.Request, u *store.OrgUser, token string, now time.Time) Email {
	link := s.linkBase(r) + "/reset-password?token=" + url.QueryEscape(token)
	return Email{
		Kind:    "password_reset",
		To:      u.Email,
		Subject: "Set your Alien Intelligence password",
		Body: fmt.Sprintf("Hello %s,\n\nSet your password for Alien Intelligence with this link: %s\n\n"+
			"The link can be used once and expires on %s.\n", u.FirstName, link, now.Add(resetTTL).Format(time.RFC1123)),
		Link:   link,
		SentAt: now,
	}
}

// newPasswordReset records a reset link for u (ending the earlier ones) and answers its token.
func newPasswordReset(tx *store.Tx, u *store.OrgUser, now time.Time) (string, error) {
	token, hash := newLinkToken()
	err := tx.InsertPasswordReset(&store.PasswordReset{TokenHash: hash, ManagedUserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(resetTTL)})
	return token, err
}

func (s *Server) createManagedUser(c *call) error {
	if e := c.p.requireEnterprise("managed users"); e != nil {
		return e
	}
	var email, first, last string
	if e := decodeObject(c.body, strField("email", &email, true), strField("first_name", &first, true), strField("last_name", &last, true)); e != nil {
		return e
	}
	if e := validateEmail("email", &email); e != nil {
		return e
	}
	if e := validateName("first_name", &first, textrule.NameMaxLength); e != nil {
		return e
	}
	if e := validateName("last_name", &last, textrule.NameMaxLength); e != nil {
		return e
	}
	return c.writeSync(func(tx *store.Tx) (*outcome, error) {
		now := s.now()
		u := &store.OrgUser{ID: store.NewID("mu"), OrganizationID: c.p.org.ID, Kind: store.KindManagedUser, Email: email,
			FirstName: first, LastName: last, CreatedAt: now}
		if err := insertOrgUser(tx, u); err != nil {
			return nil, err
		}
		token, err := newPasswordReset(tx, u, now)
		if err != nil {
			return nil, err
		}
		return &outcome{
			status: http.StatusCreated,
			body:   toWireManagedUser(u),
			after:  func() { c.send(s.passwordResetEmail(c.r, u, token, now)) },
		}, nil
	}, s.syncAnswer)
}

func (s *Server) updateManagedUser(c *call) error {
	if e := c.p.requireEnterprise("managed users"); e != nil {
		return e
	}
	var first, last string
	var hasFirst, hasLast bool
	if e := decodeObject(c.body, optStrField("first_name", &first, &hasFirst), optStrField("last_name", &last, &hasLast)); e != nil {
		return e
	}
	if !hasFirst && !hasLast {
		return errInvalid("body", "give at least one of first_name, last_name")
	}
	if hasFirst {
		if e := validateName("first_name", &first, textrule.NameMaxLength); e != nil {
			return e
		}
	}
	if hasLast {
		if e := validateName("last_name", &last, textrule.NameMaxLength); e != nil {
			return e
		}
	}
	u, err := inWrite(c, func(tx *store.Tx) (*store.OrgUser, error) {
		u, err := c.orgUser(tx, store.KindManagedUser, "managed_user_id")
		if err != nil {
			return nil, err
		}
		if hasFirst {
			u.FirstName = first
		}
		if hasLast {
			u.LastName = last
		}
		return u, tx.SetNames(u.ID, u.FirstName, u.LastName)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireManagedUser(u))
}

func (s *Server) deactivateManagedUser(c *call) error { return s.setManagedUserLock(c, true) }

func (s *Server) reactivateManagedUser(c *call) error { return s.setManagedUserLock(c, false) }

// setManagedUserLock deactivates (locks) or reactivates (unlocks) a managed user, then brings the
// identity provider in line: a locked user's login is disabled, an unlocked one's restored with
// the existing password.
func (s *Server) setManagedUserLock(c *call, lock bool) error {
	if e := c.lockAction("managed users", lock); e != nil {
		return e
	}
	return c.writeSync(func(tx *store.Tx) (*outcome, error) {
		u, err := c.orgUser(tx, store.KindManagedUser, "managed_user_id")
		if err != nil {
			return nil, err
		}
		if err := setLock(tx, u, lock, s.now()); err != nil {
			return nil, err
		}
		return &outcome{status: http.StatusOK, body: toWireManagedUser(u)}, nil
	}, s.syncAnswer)
}

func (s *Server) sendPasswordReset(c *call) error {
	if e := c.orgUserAction("managed users"); e != nil {
		return e
	}
	return c.writeSync(func(tx *store.Tx) (*outcome, error) {
		u, err := c.orgUser(tx, store.KindManagedUser, "managed_user_id")
		if err != nil {
			return nil, err
		}
		if u.LockedAt != nil {
			return nil, errConflict("managed user %s is locked; reactivate it before sending a password reset", u.ID)
		}
		now := s.now()
		token, err := newPasswordReset(tx, u, now)
		if err != nil {
			return nil, err
		}
		return &outcome{
			status: http.StatusAccepted,
			body:   toWireManagedUser(u),
			after:  func() { c.send(s.passwordResetEmail(c.r, u, token, now)) },
		}, nil
	}, s.syncAnswer)
}

// resetLink reads the reset link of a token with its managed user.
func resetLink(tx *store.Tx, token string) (*store.PasswordReset, *store.OrgUser, error) {
	pr, err := tx.GetPasswordReset(sha([]byte(token)))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNotFound("unknown password-reset link")
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := tx.GetOrgUserByID(pr.ManagedUserID)
	if err != nil {
		return nil, nil, err
	}
	return pr, u, nil
}

func (s *Server) viewPasswordResetLink(c *call) error {
	token, e := linkToken(c.r)
	if e != nil {
		return e
	}
	now := s.now()
	var out struct {
		Email     string    `json:"email"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	err := s.db.Read(c.r.Context(), func(tx *store.Tx) error {
		pr, u, err := resetLink(tx, token)
		if err != nil {
			return err
		}
		if pr.UsedAt != nil || !now.Before(pr.ExpiresAt) {
			return errNotFound("this password-reset link was used or has expired; ask for a new one")
		}
		out.Email, out.ExpiresAt = u.Email, pr.ExpiresAt
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, out)
}

// usable checks that a reset link may set a password now.
func usable(pr *store.PasswordReset, u *store.OrgUser, now time.Time) error {
	switch {
	case pr.UsedAt != nil:
		return errConflict("this password-reset link was already used (or replaced by a newer one); ask for a new one")
	case !now.Before(pr.ExpiresAt):
		return errConflict("this password-reset link expired at %s; ask for a new one", pr.ExpiresAt.Format(time.RFC3339))
	case u.LockedAt != nil:
		return errConflict("managed user %s is locked", u.ID)
	}
	return nil
}

func (s *Server) resetPassword(c *call) error {
	var token, password string
	if e := decodeObject(c.body, strField("token", &token, true), strField("password", &password, true)); e != nil {
		return e
	}
	if token == "" {
		return errInvalid("token", "must not be empty")
	}
	if n := utf8.RuneCountInString(password); n < 12 || n > 256 {
		return errInvalid("password", "must be 12 to 256 characters long")
	}
	// One reset at a time: the link is checked, the password set in the identity provider (which
	// cannot join the database's transaction) and the link spent, and a second use of the same
	// link (a form sent twice) must not set its password between the first one's check and spend.
	s.resetMu.Lock()
	defer s.resetMu.Unlock()
	ctx := c.r.Context()
	now := s.now()
	var u *store.OrgUser
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		pr, user, err := resetLink(tx, token)
		if err != nil {
			return err
		}
		u = user
		return usable(pr, u, now)
	})
	if err != nil {
		return err
	}
	// The identity provider first, then the link is spent: a failure leaves the link usable.
	if err := s.syncIdentity(ctx, u.ID); err != nil {
		return c.idpUnavailable(err, "the password was not set and the link still works: retry")
	}
	if err := s.idp.SetPassword(ctx, u.ID, password); err != nil {
		return c.idpUnavailable(err, "the password was not set and the link still works: retry")
	}
	// The password is set: spend the link even if the client has left meanwhile.
	err = s.db.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		pr, user, err := resetLink(tx, token)
		if err != nil {
			return err
		}
		if err := usable(pr, user, now); err != nil {
			return err
		}
		if err := tx.UsePasswordReset(pr.TokenHash, now); err != nil {
			return err
		}
		return tx.SetPasswordSet(user.ID, now)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}
