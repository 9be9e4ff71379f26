package localapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// Logins (POST /login) are where an attacker tries passwords and probes for accounts. Three
// defences:
//   - every failing login answers the same 401, after exactly one password check in the identity
//     provider (an unknown email is checked against an account that cannot exist), so neither
//     the answer nor its cost says whether the email is a managed user, of one organization or
//     several, locked or not;
//   - attempts are rate limited per email (by its key: any spelling of one address) and per
//     client address, with golang.org/x/time/rate: past the limit, 429 rate_limited with
//     Retry-After, before any lookup or hash;
//   - password checks and changes in the identity provider (PBKDF2 in the embedded one) run at
//     most LoginConfig.HashConcurrency at a time, half the cores by default, so parallel logins
//     cannot take every core from the rest of the API.

// LoginConfig bounds logins and password hashing. Zero fields take the defaults.
type LoginConfig struct {
	// EmailBurst attempts are allowed for one email, then one more every EmailInterval
	// (defaults 10 and 6s: 10 a minute).
	EmailBurst    int
	EmailInterval time.Duration
	// ClientBurst attempts are allowed from one client address, then one more every
	// ClientInterval (defaults 30 and 2s: 30 a minute).
	ClientBurst    int
	ClientInterval time.Duration
	// HashConcurrency is how many password checks and changes may run at once (default: half
	// the cores, GOMAXPROCS, at least 1).
	HashConcurrency int
}

// withDefaults fills the zero fields.
func (l LoginConfig) withDefaults() LoginConfig {
	if l.EmailBurst == 0 {
		l.EmailBurst = 10
	}
	if l.EmailInterval == 0 {
		l.EmailInterval = 6 * time.Second
	}
	if l.ClientBurst == 0 {
		l.ClientBurst = 30
	}
	if l.ClientInterval == 0 {
		l.ClientInterval = 2 * time.Second
	}
	if l.HashConcurrency == 0 {
		l.HashConcurrency = max(1, runtime.GOMAXPROCS(0)/2)
	}
	return l
}

func (l LoginConfig) validate() error {
	if l.EmailBurst < 0 || l.ClientBurst < 0 || l.EmailInterval < 0 || l.ClientInterval < 0 || l.HashConcurrency < 0 {
		return errors.New("localapi: negative login limit")
	}
	return nil
}

// noAccount is the identity-provider account a login of an unknown email checks its password
// against: ids are base32 (no "0"), so none ever has this one.
const noAccount = "mu_0000000000000000"

// hashGate lets at most capacity password checks and changes run at once.
type hashGate struct {
	sem      *semaphore.Weighted
	capacity int
	queued   atomic.Int64
}

func newHashGate(capacity int) *hashGate {
	return &hashGate{sem: semaphore.NewWeighted(int64(capacity)), capacity: capacity}
}

// do runs fn when a slot is free (waiting for one, or until ctx ends).
func (g *hashGate) do(ctx context.Context, fn func() error) error {
	g.queued.Add(1)
	err := g.sem.Acquire(ctx, 1)
	g.queued.Add(-1)
	if err != nil {
		return err
	}
	defer g.sem.Release(1)
	return fn()
}

// waiting is how many callers wait for a slot.
func (g *hashGate) waiting() int { return int(g.queued.Load()) }

// gatedIDP is the server's IdentityProvider: every password check and change passes through the
// gate (NewServer wraps the configured or embedded provider once).
type gatedIDP struct {
	IdentityProvider
	gate *hashGate
}

// SetPassword implements IdentityProvider, through the gate.
func (p *gatedIDP) SetPassword(ctx context.Context, id, password string) error {
	return p.gate.do(ctx, func() error { return p.IdentityProvider.SetPassword(ctx, id, password) })
}

// CheckPassword implements IdentityProvider, through the gate.
func (p *gatedIDP) CheckPassword(ctx context.Context, id, password string) (ok bool, err error) {
	err = p.gate.do(ctx, func() (err error) {
		ok, err = p.IdentityProvider.CheckPassword(ctx, id, password)
		return err
	})
	return ok, err
}

// keyedLimiter is a token-bucket rate limiter per key. A key's limiter is forgotten once its
// bucket is full again (it then limits nothing), so the map holds only keys with recent attempts.
type keyedLimiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	byKey   map[string]*rate.Limiter
	sweepAt int
}

func newKeyedLimiter(burst int, every time.Duration) *keyedLimiter {
	return &keyedLimiter{limit: rate.Every(every), burst: burst, byKey: map[string]*rate.Limiter{}, sweepAt: 1024}
}

// take spends one attempt of key at now, or answers how long until there is one (spending
// nothing).
func (l *keyedLimiter) take(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.byKey[key]
	if lim == nil {
		if len(l.byKey) >= l.sweepAt {
			for k, v := range l.byKey {
				if v.TokensAt(now) >= float64(l.burst) {
					delete(l.byKey, k)
				}
			}
			l.sweepAt = max(1024, 2*len(l.byKey))
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.byKey[key] = lim
	}
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return time.Duration(1<<63 - 1)
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// loginLimits are the login rate limits: per email key and per client address.
type loginLimits struct {
	email  *keyedLimiter
	client *keyedLimiter
}

func newLoginLimits(l LoginConfig) *loginLimits {
	return &loginLimits{
		email:  newKeyedLimiter(l.EmailBurst, l.EmailInterval),
		client: newKeyedLimiter(l.ClientBurst, l.ClientInterval),
	}
}

// admit spends an attempt of the client and of the email, or answers the 429 of the first limit
// reached.
func (l *loginLimits) admit(r *http.Request, email string, now time.Time) *apiError {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if wait := l.client.take(host, now); wait > 0 {
		return errRateLimited(wait, "too many login attempts from this client; retry in %s", roundUp(wait))
	}
	if wait := l.email.take(textrule.Key(email), now); wait > 0 {
		return errRateLimited(wait, "too many login attempts for %s; retry in %s", email, roundUp(wait))
	}
	return nil
}

// roundUp rounds a wait up to the second, as Retry-After states it.
func roundUp(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

// login checks a managed user's email and password and answers a Client-role session.
func (s *Server) login(c *call) error {
	var email, password, orgID string
	var hasOrg bool
	if e := decodeObject(c.body, strField("email", &email, true), strField("password", &password, true),
		optStrField("organization_id", &orgID, &hasOrg)); e != nil {
		return e
	}
	if e := s.loginLimits.admit(c.r, email, s.clock.Now()); e != nil {
		return e
	}
	ctx := c.r.Context()
	var candidates []*store.OrgUser
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		users, err := tx.ManagedUsersByEmail(email)
		for _, u := range users {
			if !hasOrg || u.OrganizationID == orgID {
				candidates = append(candidates, u)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	// One password check, whatever the candidates: none (an account that cannot exist), one, or
	// several (the oldest; knowing its password is what earns the "give organization_id" answer).
	account := noAccount
	if len(candidates) > 0 {
		account = candidates[0].ID
	}
	ok, err := s.idp.CheckPassword(ctx, account, password)
	if err != nil {
		return c.idpUnavailable(err, "retry")
	}
	failed := errUnauthorized("wrong email or password (a managed user of several organizations also gives organization_id)")
	if !ok || len(candidates) == 0 || candidates[0].LockedAt != nil {
		return failed
	}
	if len(candidates) > 1 {
		return errInvalid("organization_id", "this email is a managed user in several organizations; give organization_id")
	}
	u := candidates[0]
	token, _ := s.mintAccessToken(kindManagedUser, u.ID, u.OrganizationID, s.now())
	c.w.Header().Set("Pragma", "no-cache")
	return c.json(http.StatusOK, wireAccessToken{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(accessTokenTTL / time.Second)})
}

// errRateLimited is a 429 whose Retry-After says when to try again.
func errRateLimited(wait time.Duration, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusTooManyRequests, Code: codeRateLimited, Message: fmt.Sprintf(format, args...), RetryAfter: wait}
}
