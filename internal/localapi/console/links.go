package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The pages the outbox's links open, for the people the platform emailed: accepting an
// invitation, and setting a managed user's password. They need no session (the link's token is
// the credential, as in the email) and go through the same public API operations as any other
// client: GET and POST /accept-invitation, GET and POST /reset-password.

// consoleLink is the console page that opens an email's link: the link's token on the console's
// page for that link's operation. It is "" for a link the console has no page for.
func consoleLink(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	token := u.Query().Get("token")
	if token == "" {
		return ""
	}
	var page string
	switch {
	case strings.HasSuffix(u.Path, "/accept-invitation"):
		page = "/console/accept-invitation"
	case strings.HasSuffix(u.Path, "/reset-password"):
		page = "/console/reset-password"
	default:
		return ""
	}
	return page + "?" + url.Values{"token": {token}}.Encode()
}

type invitationView struct {
	Token string
	Link  *client.InvitationLink
	Name  string
	// Accepted is the outcome, once accepted.
	Accepted *client.InvitationAcceptance
}

func (c *Console) invitationPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	token := r.URL.Query().Get("token")
	link, err := client.Person(c.anon).ViewInvitation(r.Context(), token)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "accept-invitation", &pageData{Title: "Join " + link.OrganizationName, CSRF: v.csrf,
		SignedIn: v.sess != nil, Page: invitationView{Token: token, Link: link}})
	return nil
}

func (c *Console) acceptInvitation(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	token, name := r.PostFormValue("token"), strings.TrimSpace(r.PostFormValue("name"))
	link, err := client.Person(c.anon).ViewInvitation(ctx, token)
	if err != nil {
		return err
	}
	view := invitationView{Token: token, Link: link, Name: name}
	d := &pageData{Title: "Join " + link.OrganizationName, CSRF: v.csrf, SignedIn: v.sess != nil}
	status := http.StatusOK
	if view.Accepted, err = client.Person(c.anon).AcceptInvitation(ctx, token, name); err != nil {
		msg, id := describe(err)
		d.Notes = []note{{Error: true, Text: msg, RequestID: id}}
		status = statusOf(err)
	}
	d.Page = view
	c.render(w, r, status, "accept-invitation", d)
	return nil
}

type resetView struct {
	Token string
	Link  *client.PasswordResetLink
	Done  bool
}

func (c *Console) resetPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	token := r.URL.Query().Get("token")
	link, err := client.Person(c.anon).ViewPasswordReset(r.Context(), token)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "reset-password", &pageData{Title: "Set your password", CSRF: v.csrf,
		SignedIn: v.sess != nil, Page: resetView{Token: token, Link: link}})
	return nil
}

func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	token := r.PostFormValue("token")
	link, err := client.Person(c.anon).ViewPasswordReset(ctx, token)
	if err != nil {
		return err
	}
	view := resetView{Token: token, Link: link}
	d := &pageData{Title: "Set your password", CSRF: v.csrf, SignedIn: v.sess != nil}
	status := http.StatusOK
	password := r.PostFormValue("password")
	switch {
	case password != r.PostFormValue("confirm"):
		// The one check of the console's own: two fields of its form that must agree.
		d.Notes = []note{{Error: true, Text: "The two passwords differ. Type the same password twice."}}
		status = http.StatusBadRequest
	default:
		if err := client.Person(c.anon).ResetPassword(ctx, token, password); err != nil {
			msg, id := describe(err)
			d.Notes = []note{{Error: true, Text: msg, RequestID: id}}
			status = statusOf(err)
		} else {
			view.Done = true
		}
	}
	d.Page = view
	c.render(w, r, status, "reset-password", d)
	return nil
}
