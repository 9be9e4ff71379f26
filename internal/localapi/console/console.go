// Package console is alien-local's browser console: the platform's settings pages (the
// organization, its members and invitations, API users, API tokens, OAuth clients) and
// alien-local's outbox, served under /console/ to loopback clients, with the pages that the
// outbox's links open (accepting an invitation, setting a managed user's password).
//
// It is a view over the local API, not a second API: every page reads, and every form acts,
// through internal/client against the API's own http.Handler, called in-process (apiTransport)
// with the signed-in session's credential. Authentication, validation and the domain rules (the
// last owner, plans, locked accounts, one-time secrets, rate limits) are the API's; the console
// shows the API's answers, its refusals included, and keeps no state of its own but sessions.
//
// Pages are rendered on the server with html/template from embedded templates and one
// stylesheet; a small script adds copy buttons and nothing needs it.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is the path the console is served under.
const Prefix = localapi.ConsolePrefix

// maxFormBytes bounds a submitted form.
const maxFormBytes = 64 << 10

// Config configures a Console.
type Config struct {
	// API is the local API's handler: every page reads it and every form acts through it.
	API http.Handler
	// Logger receives the console's errors (nil: discarded); alien-local logs one line per console
	// request.
	Logger *slog.Logger
}

// Console is the console's http.Handler, to be mounted at Prefix.
type Console struct {
	cfg      Config
	log      *slog.Logger
	http     *http.Client
	anon     *client.Client // no credential: the links' pages and the outbox
	sessions *sessions
	csrfKey  []byte
	pages    map[string]*template.Template
	handler  http.Handler
}

// New makes a Console over the API's handler.
func New(cfg Config) (*Console, error) {
	if cfg.API == nil {
		return nil, errors.New("console: Config.API is nil")
	}
	c := &Console{
		cfg:      cfg,
		log:      cfg.Logger,
		http:     &http.Client{Transport: &apiTransport{api: cfg.API}},
		sessions: newSessions(time.Now),
		csrfKey:  make([]byte, 32),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	_, _ = rand.Read(c.csrfKey) // crypto/rand.Read never fails (Go 1.24+)
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c.pages = pages
	if c.anon, err = c.newClient(client.Config{}); err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.refuse(w, r, http.StatusForbidden, "This form was sent from another site. The console accepts forms from its own pages only.")
	}))
	c.handler = cop.Handler(c.routes())
	return c, nil
}

// Mount makes the console over the local API's handler, for localapi.Config.Console.
func Mount(api http.Handler, log *slog.Logger) (http.Handler, error) {
	return New(Config{API: api, Logger: log})
}

// newClient is an API client over the in-process transport: no retries (a person is waiting and
// can click again), no read cache (pages show what the API holds now).
func (c *Console) newClient(cfg client.Config) (*client.Client, error) {
	cfg.Endpoint = apiEndpoint
	cfg.HTTPClient = c.http
	cfg.MaxRetries = -1
	cfg.UserAgentExtra = "alien-local-console"
	cfg.RequestTimeout = 30 * time.Second
	return client.New(cfg)
}

// ServeHTTP serves the console: loopback clients only, addressed to a loopback host name, the
// rule of alien-local's /_local operations (localapi.LocalRequest).
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // links carry tokens: never pass them on
	h.Set("X-Frame-Options", "DENY")
	if ok, why := localapi.LocalRequest(r); !ok {
		c.refuse(w, r, http.StatusForbidden, "The console answers "+why+", as alien-local's /_local operations do.")
		return
	}
	c.handler.ServeHTTP(w, r)
}

func (c *Console) routes() *http.ServeMux {
	mux := http.NewServeMux()
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree always has it
	}
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /console/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/organization", http.StatusSeeOther)
	})

	mux.Handle("GET /console/sign-in", c.public(c.signInPage))
	mux.Handle("POST /console/sign-in", c.publicForm(c.signIn))
	mux.Handle("POST /console/sign-out", c.publicForm(c.signOut))

	mux.Handle("GET /console/organization", c.private(c.organizationPage))
	mux.Handle("POST /console/organization", c.action(c.renameOrganization))

	mux.Handle("GET /console/members", c.private(c.membersPage))
	mux.Handle("POST /console/invitations", c.action(c.invite))
	mux.Handle("POST /console/members/{id}/role", c.action(c.changeRole))
	mux.Handle("POST /console/members/{id}/remove", c.action(c.removeMember))
	mux.Handle("POST /console/invitations/{id}/resend", c.action(c.resendInvitation))
	mux.Handle("POST /console/invitations/{id}/revoke", c.action(c.revokeInvitation))

	mux.Handle("GET /console/api-users", c.private(c.apiUsersPage))
	mux.Handle("POST /console/service-accounts", c.action(c.createServiceAccount))
	for _, change := range []string{"deactivate", "reactivate"} {
		mux.Handle("POST /console/service-accounts/{id}/"+change, c.action(c.changeServiceAccount(change)))
	}
	mux.Handle("POST /console/managed-users", c.action(c.createManagedUser))
	for _, change := range []string{"deactivate", "reactivate", "password-reset"} {
		mux.Handle("POST /console/managed-users/{id}/"+change, c.action(c.changeManagedUser(change)))
	}

	mux.Handle("GET /console/api-tokens", c.private(c.tokensPage))
	mux.Handle("POST /console/api-tokens", c.action(c.issueToken))
	mux.Handle("POST /console/api-tokens/{id}/revoke", c.action(c.revokeToken))

	mux.Handle("GET /console/oauth-clients", c.private(c.oauthClientsPage))
	mux.Handle("POST /console/oauth-clients", c.action(c.createOAuthClient))
	for _, change := range []string{"enable", "disable", "delete"} {
		mux.Handle("POST /console/oauth-clients/{id}/"+change, c.action(c.changeOAuthClient(change)))
	}

	mux.Handle("GET /console/outbox", c.private(c.outboxPage))

	mux.Handle("GET /console/accept-invitation", c.public(c.invitationPage))
	mux.Handle("POST /console/accept-invitation", c.publicForm(c.acceptInvitation))
	mux.Handle("GET /console/reset-password", c.public(c.resetPage))
	mux.Handle("POST /console/reset-password", c.publicForm(c.resetPassword))

	mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		c.refuse(w, r, http.StatusNotFound, "There is no such page in the console.")
	})
	return mux
}

// visit is one request of a browser: its session, if signed in, and the CSRF token of the forms
// its pages carry.
type visit struct {
	sess *session
	csrf string
}

// visit reads the browser's session; a browser without one gets (or keeps) a visitor id, which
// the CSRF token of its forms is bound to.
func (c *Console) visit(w http.ResponseWriter, r *http.Request) *visit {
	v := &visit{}
	if ck, err := r.Cookie(sessionCookie); err == nil {
		v.sess = c.sessions.get(ck.Value)
	}
	if v.sess != nil {
		v.csrf = c.csrfToken(v.sess.id)
		return v
	}
	id := ""
	if ck, err := r.Cookie(visitorCookie); err == nil && validID(ck.Value) {
		id = ck.Value
	} else {
		id = newID()
		setCookie(w, r, visitorCookie, id, 0)
	}
	v.csrf = c.csrfToken(id)
	return v
}

// handler is a page or a form of the console.
type handler func(w http.ResponseWriter, r *http.Request, v *visit) error

// public serves a page that needs no session. Every page and form passes through it: its
// request's context carries the browser request as the origin of the API calls made with it
// (forBrowser).
func (c *Console) public(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(forBrowser(r.Context(), r))
		v := c.visit(w, r)
		if err := h(w, r, v); err != nil {
			c.fail(w, r, v, err)
		}
	})
}

// publicForm serves a form that needs no session: refused without its CSRF token.
func (c *Console) publicForm(h handler) http.Handler {
	return c.public(func(w http.ResponseWriter, r *http.Request, v *visit) error {
		if !c.readForm(w, r) {
			return nil
		}
		return h(w, r, v)
	})
}

// private serves a page of a signed-in session; without one, the browser goes to sign-in first.
func (c *Console) private(h handler) http.Handler {
	return c.public(func(w http.ResponseWriter, r *http.Request, v *visit) error {
		if v.sess == nil {
			http.Redirect(w, r, "/console/sign-in?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return nil
		}
		return h(w, r, v)
	})
}

// actionFunc does what a form of a signed-in page asks and answers the note that says what was
// done, and the page to go back to.
type actionFunc func(ctx context.Context, r *http.Request, s *session) (back string, done string, err error)

// action serves a form of a signed-in page: refused without its CSRF token, sent to sign-in
// without a session; then the browser goes back to the page (303) with a note saying what was
// done, or why the API refused it.
func (c *Console) action(a actionFunc) http.Handler {
	return c.public(func(w http.ResponseWriter, r *http.Request, v *visit) error {
		if !c.readForm(w, r) {
			return nil
		}
		if v.sess == nil {
			http.Redirect(w, r, "/console/sign-in", http.StatusSeeOther)
			return nil
		}
		back, done, err := a(r.Context(), r, v.sess)
		switch {
		case errors.Is(err, client.ErrUnauthorized):
			return err // the credential is no longer accepted: fail signs the browser out
		case err != nil:
			msg, id := describe(err)
			v.sess.addNote(note{Error: true, Text: msg, RequestID: id})
		case done != "":
			v.sess.addNote(note{Text: done})
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	})
}

// readForm parses a submitted form and checks its CSRF token; a form without it is refused with
// 403 (and readForm answers false).
func (c *Console) readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		c.refuse(w, r, http.StatusBadRequest, "The form could not be read: "+err.Error())
		return false
	}
	if !c.checkCSRF(r) {
		c.refuse(w, r, http.StatusForbidden, "This form has no valid CSRF token, so it was not sent by a console page of this browser "+
			"(or the console restarted since the page was shown). Reload the page and try again.")
		return false
	}
	return true
}

// fail answers an error of a page or a form: a credential the API no longer accepts ends the
// session and shows sign-in; any other error is shown on an error page with the API's message.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	msg, id := describe(err)
	if errors.Is(err, client.ErrUnauthorized) && v.sess != nil {
		c.sessions.remove(v.sess.id)
		setCookie(w, r, sessionCookie, "", -1)
		nv := c.visit(w, r) // the session is gone: a visitor id binds the sign-in form
		c.render(w, r, http.StatusUnauthorized, "sign-in", &pageData{CSRF: nv.csrf, Title: "Sign in",
			Notes: []note{{Error: true, Text: "The API no longer accepts the credential this session signed in with: " + msg + " Sign in again.", RequestID: id}},
			Page:  signInView{Next: r.URL.Path}})
		return
	}
	c.render(w, r, statusOf(err), "error", &pageData{Title: "Something went wrong", CSRF: v.csrf, SignedIn: v.sess != nil,
		Notes: []note{{Error: true, Text: msg, RequestID: id}}})
}

// statusOf is the status a page answers for an error: the API's, 400 for a form the client
// refused before any request, 502 for an API that could not be reached.
func statusOf(err error) int {
	var ae *client.APIError
	var ve *client.ValidationError
	switch {
	case errors.As(err, &ae):
		return ae.StatusCode
	case errors.As(err, &ve):
		return http.StatusBadRequest
	default:
		return http.StatusBadGateway
	}
}

// refuse answers a refused request with a short page.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c.render(w, r, status, "error", &pageData{Title: http.StatusText(status), Notes: []note{{Error: true, Text: msg}}})
}

// describe is what a page says about an error: the API's message (and field), or the client's,
// and the API's request id when there is one. Neither the API nor the client puts a secret in
// them.
func describe(err error) (msg, requestID string) {
	var ae *client.APIError
	if errors.As(err, &ae) {
		msg = ae.Message
		if msg == "" {
			msg = http.StatusText(ae.StatusCode)
		}
		if ae.Field != "" && !strings.Contains(msg, ae.Field) {
			msg = ae.Field + ": " + msg
		}
		return sentence(msg), ae.RequestID
	}
	var ve *client.ValidationError
	if errors.As(err, &ve) {
		return sentence(ve.Field + ": " + ve.Message), ""
	}
	return sentence(err.Error()), ""
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// pageData is what every template gets.
type pageData struct {
	Title string
	// Nav is the sidebar entry of the page.
	Nav  string
	CSRF string
	// SignedIn, Org and Credential fill the sidebar and the top bar of a signed-in page.
	SignedIn   bool
	Org        *client.Organization
	Credential string
	Notes      []note
	Secret     *oneTime
	// Page is the page's own data.
	Page any
}

// frame fills what every signed-in page shows: the organization (one API call, which also
// proves the credential still works), the session's credential, and the notes and one-time
// secret waiting for this page.
func (c *Console) frame(ctx context.Context, v *visit, nav, title string) (*pageData, error) {
	org, err := v.sess.api.Organizations.Current(ctx)
	if err != nil {
		return nil, err
	}
	notes, secret := v.sess.take()
	return &pageData{Title: title, Nav: nav, CSRF: v.csrf, SignedIn: true, Org: org, Credential: v.sess.credential,
		Notes: notes, Secret: secret}, nil
}

// render executes the page's template into a buffer, then answers it.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, d *pageData) {
	t := c.pages[page]
	var buf bytes.Buffer
	if t == nil {
		c.log.Error("console: no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		c.log.Error("console: render", "page", page, "path", r.URL.Path, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // a page may hold a one-time secret
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// safeNext is where sign-in goes next: a console path, never another site.
func safeNext(next string) string {
	const home = "/console/organization"
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return home
	}
	p := path.Clean(u.Path)
	if !strings.HasPrefix(p, Prefix) || p == "/console/sign-in" {
		return home
	}
	return p
}

// plural is "1 member" or "3 members".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
