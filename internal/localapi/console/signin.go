package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// signInView is the sign-in page's data.
type signInView struct {
	// Next is the console page to open after signing in.
	Next string
	// Method is the form shown first: "token" or "oauth".
	Method   string
	ClientID string
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	if v.sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther) //nolint:gosec // safeNext answers a console path only
		return nil
	}
	d := &pageData{Title: "Sign in", CSRF: v.csrf, Page: signInView{Next: r.URL.Query().Get("next"), Method: "token"}}
	if r.URL.Query().Has("signed-out") {
		d.Notes = []note{{Text: "You are signed out. The console forgot the credential."}}
	}
	c.render(w, r, http.StatusOK, "sign-in", d)
	return nil
}

// signIn checks the pasted credential with the API (it must be allowed to manage the
// organization: an organization key or an OAuth client) and starts a session that keeps it.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request, v *visit) error {
	view := signInView{Next: r.PostFormValue("next"), Method: r.PostFormValue("method")}
	var cfg client.Config
	switch view.Method {
	case "oauth":
		view.ClientID = strings.TrimSpace(r.PostFormValue("client_id"))
		cfg.ClientID, cfg.ClientSecret = view.ClientID, strings.TrimSpace(r.PostFormValue("client_secret"))
		if cfg.ClientID == "" || cfg.ClientSecret == "" {
			return c.signInFailed(w, r, v, view, errors.New("give the OAuth client's ID and its secret"))
		}
	default:
		view.Method = "token"
		cfg.Token = strings.TrimSpace(r.PostFormValue("token"))
		if cfg.Token == "" {
			return c.signInFailed(w, r, v, view, errors.New("paste an organization key (oat_...)"))
		}
	}
	api, err := c.newClient(cfg)
	if err != nil {
		return c.signInFailed(w, r, v, view, err)
	}
	ctx := r.Context()
	// The management endpoints decide who may use the console: GET /organization refuses the
	// Client role (service-account tokens, managed users' sessions) with the API's own message.
	if _, err := api.Organizations.Current(ctx); err != nil {
		return c.signInFailed(w, r, v, view, err)
	}
	credential, err := describeCredential(ctx, api)
	if err != nil {
		return c.signInFailed(w, r, v, view, err)
	}
	if v.sess != nil { // signing in again: the earlier session ends
		c.sessions.remove(v.sess.id)
	}
	s := c.sessions.add(api, credential)
	setCookie(w, r, sessionCookie, s.id, 0)
	http.Redirect(w, r, safeNext(view.Next), http.StatusSeeOther)
	return nil
}

func (c *Console) signInFailed(w http.ResponseWriter, r *http.Request, v *visit, view signInView, err error) error {
	msg, id := describe(err)
	c.render(w, r, http.StatusUnauthorized, "sign-in", &pageData{Title: "Sign in", CSRF: v.csrf,
		Notes: []note{{Error: true, Text: msg, RequestID: id}}, Page: view})
	return nil
}

// describeCredential names a session's credential for its pages: which organization key or
// OAuth client, and whose.
func describeCredential(ctx context.Context, api *client.Client) (string, error) {
	id, err := api.Identity.Read(ctx)
	if err != nil {
		return "", err
	}
	var what string
	switch {
	case id.Kind == client.IdentityOrganizationKey && id.TokenID != nil:
		t, err := api.APITokens.Read(ctx, *id.TokenID)
		if err != nil {
			return "", err
		}
		what = fmt.Sprintf("organization key “%s”", t.Name)
	case id.Kind == client.IdentityOAuthClient && id.OAuthClientID != nil:
		oc, err := api.OAuthClients.Read(ctx, *id.OAuthClientID)
		if err != nil {
			return "", err
		}
		what = fmt.Sprintf("OAuth client “%s”", oc.Name)
	default:
		what = string(id.Kind)
	}
	if id.Email != nil {
		what += " of " + *id.Email
	}
	return what, nil
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, v *visit) error {
	if v.sess != nil {
		c.sessions.remove(v.sess.id)
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/console/sign-in?signed-out", http.StatusSeeOther)
	return nil
}
