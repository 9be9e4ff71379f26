package localapi

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/alien-intelligence/terraform-provider-alien/api"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// access is what a route asks of the caller.
type access int

const (
	accessPublic access = iota // no credential
	accessLocal                // a loopback client, no credential
	accessAny                  // any valid credential
	accessManage               // an organization key or an OAuth access token
)

// route is one operation of the API.
type route struct {
	method string
	path   string // a ServeMux path pattern, identical to the OpenAPI path
	access access
	handle func(c *call) error
}

// call is one request being served.
type call struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	p    *principal // nil for public and local routes
	body []byte
}

// routeTable lists every operation the server mounts. The contract test holds it against
// api/openapi.yaml, both ways.
func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/healthz", accessPublic, s.health},
		{"GET", "/openapi.yaml", accessPublic, s.openapiDocument},

		{"GET", "/me", accessAny, s.getIdentity},

		{"GET", "/organization", accessManage, s.getCurrentOrganization},
		{"POST", "/organizations", accessManage, s.createOrganization},
		{"GET", "/organizations/{organization_id}", accessManage, s.getOrganization},
		{"PATCH", "/organizations/{organization_id}", accessManage, s.updateOrganization},
		{"DELETE", "/organizations/{organization_id}", accessManage, s.deleteOrganization},

		{"GET", "/members", accessManage, s.listMembers},
		{"GET", "/members/{member_id}", accessManage, s.getMember},
		{"PATCH", "/members/{member_id}", accessManage, s.updateMember},
		{"DELETE", "/members/{member_id}", accessManage, s.removeMember},

		{"GET", "/invitations", accessManage, s.listInvitations},
		{"POST", "/invitations", accessManage, s.createInvitation},
		{"GET", "/invitations/{invitation_id}", accessManage, s.getInvitation},
		{"PATCH", "/invitations/{invitation_id}", accessManage, s.updateInvitation},
		{"DELETE", "/invitations/{invitation_id}", accessManage, s.revokeInvitation},
		{"POST", "/invitations/{invitation_id}/resend", accessManage, s.resendInvitation},
		{"GET", "/accept-invitation", accessPublic, s.viewInvitationLink},
		{"POST", "/accept-invitation", accessPublic, s.acceptInvitation},

		{"GET", "/service-accounts", accessManage, s.listServiceAccounts},
		{"POST", "/service-accounts", accessManage, s.createServiceAccount},
		{"GET", "/service-accounts/{service_account_id}", accessManage, s.getServiceAccount},
		{"PATCH", "/service-accounts/{service_account_id}", accessManage, s.updateServiceAccount},
		{"POST", "/service-accounts/{service_account_id}/deactivate", accessManage, s.deactivateServiceAccount},
		{"POST", "/service-accounts/{service_account_id}/reactivate", accessManage, s.reactivateServiceAccount},

		{"GET", "/managed-users", accessManage, s.listManagedUsers},
		{"POST", "/managed-users", accessManage, s.createManagedUser},
		{"GET", "/managed-users/{managed_user_id}", accessManage, s.getManagedUser},
		{"PATCH", "/managed-users/{managed_user_id}", accessManage, s.updateManagedUser},
		{"POST", "/managed-users/{managed_user_id}/deactivate", accessManage, s.deactivateManagedUser},
		{"POST", "/managed-users/{managed_user_id}/reactivate", accessManage, s.reactivateManagedUser},
		{"POST", "/managed-users/{managed_user_id}/password-reset", accessManage, s.sendPasswordReset},
		{"GET", "/reset-password", accessPublic, s.viewPasswordResetLink},
		{"POST", "/reset-password", accessPublic, s.resetPassword},
		{"POST", "/login", accessPublic, s.login},

		{"GET", "/api-tokens", accessManage, s.listAPITokens},
		{"POST", "/api-tokens", accessManage, s.createAPIToken},
		{"GET", "/api-tokens/{token_id}", accessManage, s.getAPIToken},
		{"DELETE", "/api-tokens/{token_id}", accessManage, s.revokeAPIToken},

		{"GET", "/oauth-clients", accessManage, s.listOAuthClients},
		{"POST", "/oauth-clients", accessManage, s.createOAuthClient},
		{"GET", "/oauth-clients/{oauth_client_id}", accessManage, s.getOAuthClient},
		{"PATCH", "/oauth-clients/{oauth_client_id}", accessManage, s.updateOAuthClient},
		{"DELETE", "/oauth-clients/{oauth_client_id}", accessManage, s.deleteOAuthClient},
		{"POST", "/oauth/token", accessPublic, s.oauthToken},

		{"GET", "/datasets", accessAny, s.listDatasets},
		{"POST", "/datasets", accessAny, s.createDataset},

		{"GET", "/_local/outbox", accessLocal, s.localOutbox},
		{"GET", "/_local/stats", accessLocal, s.localStats},
		{"DELETE", "/_local/stats", accessLocal, s.localStatsReset},
		{"GET", "/_local/clock", accessLocal, s.localClock},
		{"POST", "/_local/clock", accessLocal, s.localClockAdvance},
		{"PUT", "/_local/organizations/{organization_id}/plan", accessLocal, s.localSetPlan},
	}
}

// routes builds the ServeMux: every operation under its "METHOD /path" pattern, every path
// without a method for 405 (with Allow), and "/" for 404, all answering the error envelope.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range s.routeTable() {
		mux.Handle(rt.method+" "+rt.path, s.serveRoute(rt))
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for path, methods := range allowed {
		if slices.Contains(methods, "GET") {
			methods = append(methods, "HEAD")
		}
		sort.Strings(methods)
		allow := strings.Join(methods, ", ")
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
				Message: "method " + r.Method + " is not allowed here; allowed: " + allow})
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNotFound("no such operation: %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// serveRoute checks access, reads the body and runs the operation; a returned error becomes the
// error envelope.
func (s *Server) serveRoute(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r}
		if err := s.prepare(c, rt); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := rt.handle(c); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) prepare(c *call, rt route) error {
	switch rt.access {
	case accessLocal:
		if ok, why := LocalRequest(c.r); !ok {
			return errForbidden("/_local operations answer %s", why)
		}
	case accessAny, accessManage:
		p, err := s.authenticate(c.r)
		if err != nil {
			return err
		}
		c.p = p
		if rt.access == accessManage {
			if e := p.requireManage(); e != nil {
				return e
			}
		}
	}
	if rt.path == "/oauth/token" { // a form, read by its handler
		return nil
	}
	if rt.method == http.MethodGet || rt.method == http.MethodDelete {
		return nil // these operations take no body; one sent anyway is ignored
	}
	body, e := readBody(c.w, c.r)
	if e != nil {
		return e
	}
	c.body = body
	return nil
}

// LocalRequest is the rule of the requests that /_local operations and the console answer: from a
// loopback client, addressed to a loopback host. A page of another site whose name resolves to
// 127.0.0.1 (DNS rebinding) comes from a loopback address too, under its own name: it must not
// read the outbox's links nor reach the console. When ok is false, why completes "... answer":
// whom they answer.
func LocalRequest(r *http.Request) (ok bool, why string) {
	switch {
	case !isLoopback(r):
		return false, "loopback clients only"
	case !loopbackHost(r.Host):
		return false, "requests addressed to a loopback host only (127.0.0.1, [::1] or localhost)"
	}
	return true, ""
}

// loopbackHost reports whether a Host header (host, or host:port) names a loopback host:
// localhost, or a loopback IP address.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopback reports whether a request comes from a loopback address.
func isLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// json answers a JSON body.
func (c *call) json(status int, v any) error {
	writeJSON(c.w, status, v)
	return nil
}

// noContent answers 204.
func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// inOrganization reads the object whose id is the path parameter param with get, in the
// credential's organization: where every object inside an organization (members, invitations,
// service accounts, managed users, tokens, OAuth clients) of another organization, or none,
// answers 404 "no <noun> <id> in this organization", never its data. (Organizations themselves
// follow organizationFor.)
func inOrganization[T any](c *call, tx *store.Tx, param, noun string, get func(tx *store.Tx, orgID, id string) (T, error)) (T, error) {
	id := c.r.PathValue(param)
	v, err := get(tx, c.p.org.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, errNotFound("no %s %s in this organization", noun, id)
	}
	return v, err
}

// inRead runs get in a read transaction and answers what it read.
func inRead[T any](c *call, get func(tx *store.Tx) (T, error)) (T, error) {
	var v T
	err := c.s.db.Read(c.r.Context(), func(tx *store.Tx) error {
		var err error
		v, err = get(tx)
		return err
	})
	return v, err
}

// inWrite runs change in a write transaction, committed when change succeeds, and answers what
// change answered. (Creates go through call.write instead, for their Idempotency-Key.)
func inWrite[T any](c *call, change func(tx *store.Tx) (T, error)) (T, error) {
	var v T
	err := c.s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		var err error
		v, err = change(tx)
		return err
	})
	return v, err
}

// answerPage answers one page of the collection coll: list reads it in a read transaction (items
// and the seq to continue after), conv turns each item into its wire type.
func answerPage[S, T any](c *call, coll string, list func(tx *store.Tx) ([]S, int64, error), conv func(S) T) error {
	var items []S
	var next int64
	err := c.s.db.Read(c.r.Context(), func(tx *store.Tx) error {
		var err error
		items, next, err = list(tx)
		return err
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, makePage(coll, items, next, conv))
}

func (s *Server) health(c *call) error {
	return c.json(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) openapiDocument(c *call) error {
	c.w.Header().Set("Content-Type", "application/yaml")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(api.OpenAPI)
	return nil
}
