// Package localapi is alien-local: a faithful local implementation of the Alien Intelligence
// platform API described by api/openapi.yaml, persisted in SQLite (package store).
//
// It serves every operation of the contract with the platform's domain rules: organizations and
// their Owners, members and the last-owner rule, invitations sent through an outbox and accepted
// through their link, service accounts and managed users (Enterprise plan only) with an identity
// provider behind an interface, API tokens and their scopes, OAuth clients and the
// client-credentials grant, and a small dataset endpoint that proves token scopes end to end.
//
// Around the handlers sit the cross-cutting pieces: authentication (API tokens stored only as
// SHA-256 hashes, self-contained HMAC-signed access tokens), one JSON error envelope with a
// request id, strict JSON decoding, idempotency keys stored in the same transaction as the write
// they guard, per-route request statistics, seeded fault and latency injection, and, when
// Config.ContractCheck is set, validation of every request and response against the OpenAPI
// document. The /_local/* operations (outbox, statistics, clock, plan changes) answer loopback
// clients only.
//
// Use NewServer for an http.Handler (httptest), or Start to listen on a loopback address:
//
//	inst, err := localapi.Start(ctx, "127.0.0.1:0", localapi.Config{DBPath: ":memory:"})
//	// inst.URL, inst.Bootstrap.Token, inst.Bootstrap.OrganizationID
//	defer inst.Close()
package localapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// Config configures a Server.
type Config struct {
	// DBPath is a SQLite file path, or ":memory:" for a private in-memory database.
	DBPath string
	// Clock tells the time (nil: clock.Real{}). A *clock.Offset can be moved forward through
	// POST /_local/clock when TimeTravel is set.
	Clock clock.Clock
	// TimeTravel allows POST /_local/clock (it needs Clock to be a *clock.Offset).
	TimeTravel bool
	// PrintEmails, when set, receives a copy of every email the embedded mailer sends.
	PrintEmails io.Writer
	// Logger receives one line per request and the server's errors (nil: discarded).
	Logger *slog.Logger
	// Faults injects latency and failures (zero value: none).
	Faults FaultConfig
	// Bootstrap names the organization and owner created in a new database.
	Bootstrap BootstrapConfig
	// Timeouts bound how long one client may hold a connection of Start's server (zero fields:
	// the defaults).
	Timeouts Timeouts
	// ContractCheck, when set, validates every request and response against api/openapi.yaml
	// and reports each violation here.
	ContractCheck func(error)

	// Mailer sends the platform's emails (nil: the embedded outbox, readable at /_local/outbox).
	Mailer Mailer
	// IdentityProvider keeps managed users' logins (nil: the embedded one, in the same database).
	IdentityProvider IdentityProvider
	// PasswordHashIterations is the PBKDF2-SHA256 work factor of the password hashes the embedded
	// identity provider makes (0: DefaultPasswordHashIterations). Tests lower it: they need the
	// scheme, not the cost.
	PasswordHashIterations int
	// Login bounds login attempts and password hashing (zero value: the defaults).
	Login LoginConfig

	// Console, when set, builds the handler served under /console/ (alien-local's browser
	// console, package console: console.Mount) over the API's own handler. It answers the
	// requests that /_local answers, by the same rule (LocalRequest).
	Console func(api http.Handler, log *slog.Logger) (http.Handler, error)
}

// FaultConfig turns on fault and latency injection. Faults never apply to /_local/*, /healthz or
// /openapi.yaml. Rates are probabilities per request, drawn from a generator seeded with Seed,
// so a sequential run repeats exactly.
type FaultConfig struct {
	// Latency is added to every request.
	Latency time.Duration
	// FailRate answers 503 unavailable without running the handler.
	FailRate float64
	// RateLimitRate answers 429 rate_limited with Retry-After: 1 without running the handler.
	RateLimitRate float64
	// DropRate runs the handler (its writes commit) and then closes the connection without
	// answering.
	DropRate float64
	// Seed seeds the generator.
	Seed uint64
}

func (f FaultConfig) validate() error {
	for name, v := range map[string]float64{"fail rate": f.FailRate, "rate-limit rate": f.RateLimitRate, "drop rate": f.DropRate} {
		if v < 0 || v > 1 {
			return fmt.Errorf("localapi: %s %v is not between 0 and 1", name, v)
		}
	}
	if f.FailRate+f.RateLimitRate+f.DropRate > 1 {
		return errors.New("localapi: fault rates add up to more than 1")
	}
	if f.Latency < 0 {
		return errors.New("localapi: negative latency")
	}
	return nil
}

func (f FaultConfig) enabled() bool {
	return f.Latency > 0 || f.FailRate > 0 || f.RateLimitRate > 0 || f.DropRate > 0
}

// Timeouts bound the time a client may take (http.Server's timeouts). Zero fields take the
// defaults, which suit the largest request: a 1 MiB body at 35 KiB/s or faster.
type Timeouts struct {
	// ReadHeader is the time to send a request's headers (default 10s).
	ReadHeader time.Duration
	// Read is the time to send a whole request, body included (default 30s). A body that has
	// not arrived by then is answered 400 (field body) and its connection closed.
	Read time.Duration
	// Write is the time from the end of a request's headers to the end of its answer (default
	// Read + 2 minutes + Faults.Latency: the body, the handler's work, the injected latency). An
	// answer that a client does not read in time is cut off.
	Write time.Duration
	// Idle is how long a kept-alive connection may wait for its next request (default 2 minutes).
	Idle time.Duration
}

// withDefaults fills the zero fields.
func (t Timeouts) withDefaults(latency time.Duration) Timeouts {
	if t.ReadHeader <= 0 {
		t.ReadHeader = 10 * time.Second
	}
	if t.Read <= 0 {
		t.Read = 30 * time.Second
	}
	if t.Write <= 0 {
		t.Write = t.Read + 2*time.Minute + latency
	}
	if t.Idle <= 0 {
		t.Idle = 2 * time.Minute
	}
	return t
}

// BootstrapConfig names what a new database starts with. Empty fields take the defaults.
type BootstrapConfig struct {
	OrganizationName string // default "Local Organization"
	OwnerEmail       string // default "owner@example.com"
	OwnerName        string // default "Local Owner"
}

// BootstrapResult is what a new database was bootstrapped with: an Enterprise organization, its
// owner, and an owner organization key (Token, shown only here).
type BootstrapResult struct {
	Endpoint       string
	Token          string
	OrganizationID string
	OwnerUserID    string
	OwnerEmail     string
}

// Server is the local API: an http.Handler over a database.
type Server struct {
	cfg        Config
	db         *store.DB
	clock      clock.Clock
	log        *slog.Logger
	mailer     Mailer
	idp        IdentityProvider
	signingKey []byte
	handler    http.Handler
	mux        *http.ServeMux
	stats      *stats
	faults     *faults
	bootstrap  *BootstrapResult

	mu      sync.RWMutex
	baseURL string

	// resetMu serialises password resets (see resetPassword).
	resetMu sync.Mutex
	// inFlight holds the Idempotency-Keys of the writes being served (see writeSync).
	inFlight keysInFlight
	// hashGate bounds the password checks and changes that run at once (idp is wrapped in it:
	// gatedIDP); loginLimits are the login rate limits (login.go).
	hashGate    *hashGate
	loginLimits *loginLimits
}

// NewServer opens (creating and migrating if needed) the database and, when it is new,
// bootstraps an Enterprise organization with an owner and an owner organization key.
func NewServer(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("localapi: Config.DBPath is empty (a file path or \":memory:\")")
	}
	if err := cfg.Faults.validate(); err != nil {
		return nil, err
	}
	if cfg.PasswordHashIterations < 0 {
		return nil, errors.New("localapi: Config.PasswordHashIterations is negative")
	}
	if err := cfg.Login.validate(); err != nil {
		return nil, err
	}
	login := cfg.Login.withDefaults()
	if cfg.TimeTravel {
		if _, ok := cfg.Clock.(*clock.Offset); !ok {
			return nil, errors.New("localapi: TimeTravel needs Config.Clock to be a *clock.Offset")
		}
	}
	db, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:    cfg,
		db:     db,
		clock:  cfg.Clock,
		log:    cfg.Logger,
		mailer: cfg.Mailer,
		idp:    cfg.IdentityProvider,
		stats:  newStats(),
		faults: newFaults(cfg.Faults),

		hashGate:    newHashGate(login.HashConcurrency),
		loginLimits: newLoginLimits(login),
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.mailer == nil {
		s.mailer = &outboxMailer{db: db, print: cfg.PrintEmails}
	}
	if s.idp == nil {
		iterations := cfg.PasswordHashIterations
		if iterations == 0 {
			iterations = DefaultPasswordHashIterations
		}
		s.idp = &embeddedIDP{db: db, clock: s.clock, iterations: iterations}
	}
	s.idp = &gatedIDP{IdentityProvider: s.idp, gate: s.hashGate}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.mux = s.routes()
	var inner http.Handler = s.mux
	if cfg.ContractCheck != nil {
		cc, err := newContractChecker(cfg.ContractCheck, s.routeTable())
		if err != nil {
			db.Close()
			return nil, err
		}
		inner = cc.wrap(s.mux)
	}
	s.handler = s.middleware(inner)
	if cfg.Console != nil {
		con, err := cfg.Console(s.handler, s.log)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("localapi: console: %w", err)
		}
		s.handler = withConsole(s.handler, con, s.log)
	}
	return s, nil
}

// ConsolePrefix is where the console (Config.Console) is served, beside the API.
const ConsolePrefix = "/console/"

// withConsole serves the console under /console/ and the API everywhere else. It logs one line
// per console request (method, path without its query, status, duration): never a form value, a
// cookie or a query, which can hold secrets.
func withConsole(api, con http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, ConsolePrefix):
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			con.ServeHTTP(rec, r)
			log.Info("console request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"duration", time.Since(start).Round(time.Microsecond))
		case r.URL.Path == strings.TrimSuffix(ConsolePrefix, "/"):
			http.Redirect(w, r, ConsolePrefix, http.StatusMovedPermanently)
		default:
			api.ServeHTTP(w, r)
		}
	})
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Bootstrap answers what NewServer bootstrapped, or nil when the database already existed.
// Endpoint is filled only by Start.
func (s *Server) Bootstrap() *BootstrapResult {
	if s.bootstrap == nil {
		return nil
	}
	b := *s.bootstrap
	return &b
}

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

func (s *Server) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }

// setBaseURL fixes the URL that email links point at (Start sets it; otherwise links use the
// request's Host).
func (s *Server) setBaseURL(u string) {
	s.mu.Lock()
	s.baseURL = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

func (s *Server) linkBase(r *http.Request) string {
	s.mu.RLock()
	base := s.baseURL
	s.mu.RUnlock()
	if base != "" {
		return base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

const (
	settingSigningKey   = "access_token_signing_key"
	settingBootstrapped = "bootstrapped_at"
)

// init loads the signing key (creating it in a new database) and bootstraps a new database.
func (s *Server) init(ctx context.Context) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		key, err := tx.GetSetting(settingSigningKey)
		if errors.Is(err, store.ErrNotFound) {
			key = make([]byte, 32)
			if _, err := rand.Read(key); err != nil {
				return err
			}
			if err := tx.PutSetting(settingSigningKey, key); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		s.signingKey = key

		if _, err := tx.GetSetting(settingBootstrapped); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		b, err := s.bootstrapTx(tx)
		if err != nil {
			return fmt.Errorf("localapi: bootstrap: %w", err)
		}
		s.bootstrap = b
		return tx.PutSetting(settingBootstrapped, []byte(s.now().Format(time.RFC3339)))
	})
}

func (s *Server) bootstrapTx(tx *store.Tx) (*BootstrapResult, error) {
	bc := s.cfg.Bootstrap
	if bc.OrganizationName == "" {
		bc.OrganizationName = "Local Organization"
	}
	if bc.OwnerEmail == "" {
		bc.OwnerEmail = "owner@example.com"
	}
	if bc.OwnerName == "" {
		bc.OwnerName = "Local Owner"
	}
	if e := validateName("organization_name", &bc.OrganizationName, textrule.NameMaxLength); e != nil {
		return nil, fmt.Errorf("organization name: %s", e.Message)
	}
	if e := validateEmail("owner_email", &bc.OwnerEmail); e != nil {
		return nil, fmt.Errorf("owner email: %s", e.Message)
	}
	if e := validateName("owner_name", &bc.OwnerName, textrule.NameMaxLength); e != nil {
		return nil, fmt.Errorf("owner name: %s", e.Message)
	}
	now := s.now()
	user, err := tx.GetUserByEmail(bc.OwnerEmail)
	if errors.Is(err, store.ErrNotFound) {
		name := bc.OwnerName
		user = &store.User{ID: store.NewID("usr"), Email: bc.OwnerEmail, Name: &name, CreatedAt: now}
		err = tx.InsertUser(user)
	}
	if err != nil {
		return nil, err
	}
	org, key, err := newOrganization(tx, bc.OrganizationName, planEnterprise, nil, user.ID, now)
	if err != nil {
		return nil, err
	}
	return &BootstrapResult{
		Token:          key.token,
		OrganizationID: org.ID,
		OwnerUserID:    user.ID,
		OwnerEmail:     user.Email,
	}, nil
}

// Instance is a Server listening on a loopback address.
type Instance struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Server is the running server.
	Server *Server
	// Bootstrap is what a new database was bootstrapped with (nil when the database existed).
	Bootstrap *BootstrapResult

	httpServer *http.Server
	done       chan struct{}
	closeOnce  sync.Once
	closeErr   error

	connMu sync.Mutex
	conns  map[net.Conn]http.ConnState
}

// trackConn follows the server's connections, so that Close can end those that never sent a
// request (http.Server.Shutdown would wait 5 seconds for them).
func (i *Instance) trackConn(c net.Conn, state http.ConnState) {
	i.connMu.Lock()
	defer i.connMu.Unlock()
	switch state {
	case http.StateHijacked, http.StateClosed:
		delete(i.conns, c)
	default:
		i.conns[c] = state
	}
}

// Start listens on addr (e.g. "127.0.0.1:0"; port 0 picks a free port), opens the server and
// serves in the background until Close. ctx bounds the start-up only. Email links point at the
// instance's URL.
func Start(ctx context.Context, addr string, cfg Config) (*Instance, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("localapi: listen on %s: %w", addr, err)
	}
	srv, err := NewServer(ctx, cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	url := "http://" + ln.Addr().String()
	srv.setBaseURL(url)
	inst := &Instance{URL: url, Server: srv, done: make(chan struct{}), conns: map[net.Conn]http.ConnState{}}
	if b := srv.Bootstrap(); b != nil {
		b.Endpoint = url
		srv.bootstrap.Endpoint = url
		inst.Bootstrap = b
	}
	to := cfg.Timeouts.withDefaults(cfg.Faults.Latency)
	inst.httpServer = &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: to.ReadHeader,
		ReadTimeout:       to.Read,
		WriteTimeout:      to.Write,
		IdleTimeout:       to.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(srv.log.Handler(), slog.LevelWarn),
		ConnState:         inst.trackConn,
	}
	go func() {
		defer close(inst.done)
		if err := inst.httpServer.Serve(envelopeListener{Listener: ln, s: srv}); err != nil && !errors.Is(err, http.ErrServerClosed) {
			srv.log.Error("serve", "error", err)
		}
	}()
	return inst, nil
}

// Close stops serving (letting requests in flight finish, for up to 5 seconds) and closes the
// database.
func (i *Instance) Close() error {
	i.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		i.httpServer.SetKeepAlivesEnabled(false)
		i.connMu.Lock()
		for c, state := range i.conns {
			if state == http.StateNew { // connected, but no request yet: nothing to finish
				c.Close()
			}
		}
		i.connMu.Unlock()
		err := i.httpServer.Shutdown(ctx)
		if err != nil {
			i.httpServer.Close()
		}
		<-i.done
		i.closeErr = errors.Join(err, i.Server.Close())
	})
	return i.closeErr
}
