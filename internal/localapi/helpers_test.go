package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store/storetest"
)

// testPasswordHashIterations is the PBKDF2 work factor of the tests' servers: hashing at full
// strength costs a noticeable fraction of a second per hash, and the tests only need the scheme.
const testPasswordHashIterations = 1000

// env is a running local API (the real handler on 127.0.0.1) with its bootstrap credential.
// Every request and answer is checked against the contract: a violation fails the test.
type env struct {
	t     *testing.T
	inst  *Instance
	url   string
	token string // the bootstrap organization key (owner)
	orgID string
	clock *clock.Offset
	http  *http.Client
}

type envOption func(*Config)

func withFaults(f FaultConfig) envOption { return func(c *Config) { c.Faults = f } }

func withIDP(idp IdentityProvider) envOption { return func(c *Config) { c.IdentityProvider = idp } }

func withMailer(m Mailer) envOption { return func(c *Config) { c.Mailer = m } }

func withLogger(l *slog.Logger) envOption { return func(c *Config) { c.Logger = l } }

func withoutTimeTravel() envOption {
	return func(c *Config) { c.TimeTravel = false; c.Clock = clock.Real{} }
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	clk := clock.NewOffset()
	cfg := Config{
		DBPath:        store.Memory,
		Clock:         clk,
		TimeTravel:    true,
		ContractCheck: func(err error) { t.Errorf("contract violation: %v", err) },

		PasswordHashIterations: testPasswordHashIterations,
	}
	for _, o := range opts {
		o(&cfg)
	}
	inst, err := Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if inst.Bootstrap == nil {
		t.Fatal("a new database was not bootstrapped")
	}
	return &env{t: t, inst: inst, url: inst.URL, token: inst.Bootstrap.Token, orgID: inst.Bootstrap.OrganizationID, clock: clk,
		http: &http.Client{Timeout: 30 * time.Second}}
}

// resp is an answer.
type resp struct {
	t      *testing.T
	req    string
	status int
	header http.Header
	body   []byte
}

// req is a request: a JSON body (any value, or a raw string/[]byte), headers, a credential.
type req struct {
	method, path string
	token        string
	body         any
	header       map[string]string
}

func (e *env) send(r req) *resp {
	e.t.Helper()
	res, err := e.sendErr(r)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	return res
}

func (e *env) sendErr(r req) (*resp, error) {
	var body io.Reader
	ct := ""
	switch b := r.body.(type) {
	case nil:
	case string:
		body, ct = strings.NewReader(b), "application/json"
	case []byte:
		body, ct = bytes.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		body, ct = bytes.NewReader(raw), "application/json"
	}
	hr, err := http.NewRequest(r.method, e.url+r.path, body)
	if err != nil {
		return nil, err
	}
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := e.http.Do(hr)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &resp{t: e.t, req: r.method + " " + r.path, status: res.StatusCode, header: res.Header, body: raw}, nil
}

// Shorthands with the owner's token.
func (e *env) get(path string) *resp {
	e.t.Helper()
	return e.send(req{method: "GET", path: path, token: e.token})
}
func (e *env) post(path string, body any) *resp {
	e.t.Helper()
	return e.send(req{method: "POST", path: path, token: e.token, body: body})
}
func (e *env) patch(path string, body any) *resp {
	e.t.Helper()
	return e.send(req{method: "PATCH", path: path, token: e.token, body: body})
}
func (e *env) del(path string) *resp {
	e.t.Helper()
	return e.send(req{method: "DELETE", path: path, token: e.token})
}

// as sends with another credential.
func (e *env) as(token, method, path string, body any) *resp {
	e.t.Helper()
	return e.send(req{method: method, path: path, token: token, body: body})
}

// want checks the status and decodes the body into v (when v is not nil).
func (r *resp) want(status int, v any) *resp {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s: status %d, want %d; body %s", r.req, r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			r.t.Fatalf("%s: decode %s: %v", r.req, r.body, err)
		}
	}
	return r
}

// errorBody decodes the error envelope and checks it (request id equal to X-Request-Id).
func (r *resp) errorBody() errorDetail {
	r.t.Helper()
	var eb errorBody
	if err := json.Unmarshal(r.body, &eb); err != nil {
		r.t.Fatalf("%s: not an error envelope: %s", r.req, r.body)
	}
	if eb.Error.RequestID == "" || eb.Error.RequestID != r.header.Get("X-Request-Id") {
		r.t.Errorf("%s: request_id %q, X-Request-Id %q", r.req, eb.Error.RequestID, r.header.Get("X-Request-Id"))
	}
	if eb.Error.Message == "" {
		r.t.Errorf("%s: error without a message", r.req)
	}
	return eb.Error
}

// wantError checks an error answer's status, code and field; contains are substrings the
// message must have.
func (r *resp) wantError(status int, code, field string, contains ...string) errorDetail {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s: status %d, want %d; body %s", r.req, r.status, status, r.body)
	}
	d := r.errorBody()
	if d.Code != code || d.Field != field {
		r.t.Fatalf("%s: code %q field %q, want %q %q (message %q)", r.req, d.Code, d.Field, code, field, d.Message)
	}
	for _, c := range contains {
		if !strings.Contains(d.Message, c) {
			r.t.Errorf("%s: message %q does not say %q", r.req, d.Message, c)
		}
	}
	return d
}

// Typed bodies for tests (independent of the server's wire types on purpose).

type orgT struct {
	ID, Name, Plan string
	CreatedAt      time.Time `json:"created_at"`
}

type orgCreatedT struct {
	orgT
	BootstrapToken   string `json:"bootstrap_token"`
	BootstrapTokenID string `json:"bootstrap_token_id"`
}

type memberT struct {
	ID, Email, Role string
	UserID          string  `json:"user_id"`
	Name            *string `json:"name"`
}

type invitationT struct {
	ID, Email, Role, Status string
	SentAt                  time.Time  `json:"sent_at"`
	ExpiresAt               time.Time  `json:"expires_at"`
	AcceptedAt              *time.Time `json:"accepted_at"`
	RevokedAt               *time.Time `json:"revoked_at"`
	MemberID                *string    `json:"member_id"`
}

type saT struct {
	ID, Email, Description, Status string
	LockedAt                       *time.Time `json:"locked_at"`
}

type muT struct {
	ID, Email, Status string
	FirstName         string     `json:"first_name"`
	LastName          string     `json:"last_name"`
	PasswordSet       bool       `json:"password_set"`
	LockedAt          *time.Time `json:"locked_at"`
}

type tokenT struct {
	ID, Name, Kind, Status string
	ServiceAccountID       *string    `json:"service_account_id"`
	Scope                  *string    `json:"scope"`
	ExpiresIn              string     `json:"expires_in"`
	CreatedAt              time.Time  `json:"created_at"`
	ExpiresAt              *time.Time `json:"expires_at"`
	LastUsedAt             *time.Time `json:"last_used_at"`
	RevokedAt              *time.Time `json:"revoked_at"`
	CreatedBy              *string    `json:"created_by"`
	Token                  string     `json:"token"`
}

type oauthClientT struct {
	ID, Name     string
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Enabled      bool
}

type accessTokenT struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

type identityT struct {
	Kind             string
	Organization     orgT
	UserID           *string `json:"user_id"`
	Email            *string
	Role             string
	Scope            *string
	TokenID          *string    `json:"token_id"`
	ServiceAccountID *string    `json:"service_account_id"`
	ManagedUserID    *string    `json:"managed_user_id"`
	OAuthClientID    *string    `json:"oauth_client_id"`
	ExpiresAt        *time.Time `json:"expires_at"`
}

type emailT struct {
	ID, Kind, To, Subject, Body, Link string
}

type pageT[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// Helpers that build state through the API.

func (e *env) createSA(token, email string) saT {
	e.t.Helper()
	var sa saT
	e.as(token, "POST", "/service-accounts", map[string]any{"email": email}).want(201, &sa)
	return sa
}

func (e *env) createToken(token string, body map[string]any) tokenT {
	e.t.Helper()
	var tok tokenT
	e.as(token, "POST", "/api-tokens", body).want(201, &tok)
	return tok
}

func (e *env) saToken(saID, scope string) tokenT {
	e.t.Helper()
	return e.createToken(e.token, map[string]any{"name": "sa " + scope, "expires_in": "never", "service_account_id": saID, "scope": scope})
}

// outbox reads the emails to an address (all when to is empty) of a kind (all when empty).
func (e *env) outbox(to, kind string) []emailT {
	e.t.Helper()
	q := url.Values{}
	if to != "" {
		q.Set("to", to)
	}
	if kind != "" {
		q.Set("kind", kind)
	}
	var p pageT[emailT]
	e.send(req{method: "GET", path: "/_local/outbox?" + q.Encode()}).want(200, &p)
	return p.Data
}

// lastLinkToken is the token of the newest link emailed to an address.
func (e *env) lastLinkToken(to, kind string) string {
	e.t.Helper()
	mails := e.outbox(to, kind)
	if len(mails) == 0 {
		e.t.Fatalf("no %s email to %s", kind, to)
	}
	u, err := url.Parse(mails[len(mails)-1].Link)
	if err != nil {
		e.t.Fatal(err)
	}
	if got, want := u.Scheme+"://"+u.Host, e.url; got != want {
		e.t.Errorf("email link %s does not point at the instance %s", u, want)
	}
	return u.Query().Get("token")
}

// invite invites email with role and accepts the invitation through the emailed link.
func (e *env) invite(token, email, role string) memberT {
	e.t.Helper()
	e.as(token, "POST", "/invitations", map[string]any{"email": email, "role": role}).want(201, nil)
	var acc struct{ Member memberT }
	e.send(req{method: "POST", path: "/accept-invitation", body: map[string]any{"token": e.lastLinkToken(email, "invitation"), "name": "N"}}).want(200, &acc)
	return acc.Member
}

func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.send(req{method: "POST", path: "/_local/clock", body: map[string]any{"advance": d.String()}}).want(200, nil)
}

func (e *env) setPlan(orgID, plan string) {
	e.t.Helper()
	e.send(req{method: "PUT", path: "/_local/organizations/" + orgID + "/plan", body: map[string]any{"plan": plan}}).want(200, nil)
}

// count counts the rows of a table (through the store, bypassing the API).
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	err := e.inst.Server.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		n, err = storetest.CountRows(tx, table)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// tables reads every value of every table (through the store, bypassing the API), in table order.
func (e *env) tables() (names []string, values [][]string) {
	e.t.Helper()
	err := e.inst.Server.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		if names, err = storetest.Tables(tx); err != nil {
			return err
		}
		for _, tb := range names {
			vals, err := storetest.DumpTable(tx, tb)
			if err != nil {
				return err
			}
			values = append(values, vals)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return names, values
}

// snapshot is every value of every table, to prove that a request wrote nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	var b strings.Builder
	names, values := e.tables()
	for i, tb := range names {
		fmt.Fprintf(&b, "%s: %q\n", tb, values[i])
	}
	return b.String()
}

// parallel runs n copies of f at once and waits.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); f(i) }()
	}
	wg.Wait()
}

// memIDP is an IdentityProvider in memory, as another system behind the interface would be. Its
// SetPassword takes setDelay, which widens the window between a reset's checks and its commit.
type memIDP struct {
	setDelay time.Duration

	mu       sync.Mutex
	accounts map[string]*memAccount
	down     bool // every call fails, as an unreachable identity provider's would
}

var errIDPDown = errors.New("identity provider unreachable")

// setDown makes every call fail (true) or work again (false).
func (p *memIDP) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
}

// state is an account's state: "missing", "no password", "enabled" or "disabled".
func (p *memIDP) state(id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch a := p.accounts[id]; {
	case a == nil:
		return "missing"
	case a.disabled:
		return "disabled"
	case !a.hasPassword:
		return "no password"
	default:
		return "enabled"
	}
}

type memAccount struct {
	password    string
	hasPassword bool
	disabled    bool
}

func (p *memIDP) account(id string) (*memAccount, error) {
	if p.down {
		return nil, errIDPDown
	}
	a := p.accounts[id]
	if a == nil {
		return nil, ErrNoAccount
	}
	return a, nil
}

func (p *memIDP) CreateUser(_ context.Context, id, _ string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return errIDPDown
	}
	if p.accounts == nil {
		p.accounts = map[string]*memAccount{}
	}
	if p.accounts[id] == nil {
		p.accounts[id] = &memAccount{}
	}
	return nil
}

func (p *memIDP) setDisabled(id string, disabled bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, err := p.account(id)
	if err == nil {
		a.disabled = disabled
	}
	return err
}

func (p *memIDP) LockUser(_ context.Context, id string) error   { return p.setDisabled(id, true) }
func (p *memIDP) UnlockUser(_ context.Context, id string) error { return p.setDisabled(id, false) }

func (p *memIDP) SetPassword(_ context.Context, id, password string) error {
	time.Sleep(p.setDelay)
	p.mu.Lock()
	defer p.mu.Unlock()
	a, err := p.account(id)
	if err == nil {
		a.password, a.hasPassword = password, true
	}
	return err
}

func (p *memIDP) CheckPassword(_ context.Context, id, password string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, err := p.account(id)
	if errors.Is(err, ErrNoAccount) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return a.hasPassword && !a.disabled && a.password == password, nil
}

func (p *memIDP) DeleteUser(_ context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return errIDPDown
	}
	delete(p.accounts, id)
	return nil
}

// lockedBuffer is a buffer that the server's goroutines may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
