package console

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The signed-in pages. Each reads what it shows from the API with the session's client; each
// form's action (actionFunc) makes one API call (plus, where its note names the object, the read
// of that object) and goes back to its page.

// metric is a tile of the organization page.
type metric struct {
	Label  string
	Value  string
	Detail string
	Href   string
}

type organizationView struct {
	Metrics []metric
}

func (c *Console) organizationPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	d, err := c.frame(ctx, v, "organization", "Settings")
	if err != nil {
		return err
	}
	api := v.sess.api
	members, err := api.Members.List(ctx, client.MemberListOptions{})
	if err != nil {
		return err
	}
	pending := client.InvitationPending
	invitations, err := api.Invitations.List(ctx, client.InvitationListOptions{Status: &pending})
	if err != nil {
		return err
	}
	tokens, err := api.APITokens.List(ctx, client.APITokenListOptions{})
	if err != nil {
		return err
	}
	clients, err := api.OAuthClients.List(ctx)
	if err != nil {
		return err
	}
	view := organizationView{Metrics: []metric{
		{Label: "Team members", Value: fmt.Sprint(len(members)), Detail: countRoles(members), Href: "/console/members"},
		{Label: "Pending invitations", Value: fmt.Sprint(len(invitations)), Detail: "sent, not yet accepted", Href: "/console/members#invitations"},
	}}
	for _, kind := range []struct {
		label string
		list  func() (int, int, error)
	}{
		{"Service accounts", func() (int, int, error) {
			l, err := api.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{})
			return len(l), countFunc(l, func(u *client.ServiceAccount) bool { return u.Status == client.UserLocked }), err
		}},
		{"Managed users", func() (int, int, error) {
			l, err := api.ManagedUsers.List(ctx, client.ManagedUserListOptions{})
			return len(l), countFunc(l, func(u *client.ManagedUser) bool { return u.Status == client.UserLocked }), err
		}},
	} {
		n, locked, err := kind.list()
		switch {
		case errors.Is(err, client.ErrPlanRequired):
			view.Metrics = append(view.Metrics, metric{Label: kind.label, Value: "—", Detail: "Enterprise plan only", Href: "/console/api-users"})
		case err != nil:
			return err
		default:
			view.Metrics = append(view.Metrics, metric{Label: kind.label, Value: fmt.Sprint(n), Detail: fmt.Sprintf("%d active, %d locked", n-locked, locked), Href: "/console/api-users"})
		}
	}
	active := countFunc(tokens, func(t *client.APIToken) bool { return t.Status == client.TokenActive })
	enabled := countFunc(clients, func(oc *client.OAuthClient) bool { return oc.Enabled })
	view.Metrics = append(view.Metrics,
		metric{Label: "API tokens", Value: fmt.Sprint(active), Detail: fmt.Sprintf("active, of %d issued", len(tokens)), Href: "/console/api-tokens"},
		metric{Label: "OAuth clients", Value: fmt.Sprint(len(clients)), Detail: fmt.Sprintf("%d enabled, %d disabled", enabled, len(clients)-enabled), Href: "/console/oauth-clients"},
	)
	d.Page = view
	c.render(w, r, http.StatusOK, "organization", d)
	return nil
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}

func countRoles(members []*client.Member) string {
	var parts []string
	for _, role := range []client.Role{client.RoleOwner, client.RoleWriter, client.RoleViewer} {
		if n := countFunc(members, func(m *client.Member) bool { return m.Role == role }); n > 0 {
			parts = append(parts, plural(n, strings.ToLower(roleTitle(role)), strings.ToLower(roleTitle(role))+"s"))
		}
	}
	return strings.Join(parts, ", ")
}

func (c *Console) renameOrganization(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/organization"
	org, err := s.api.Organizations.Current(ctx)
	if err != nil {
		return back, "", err
	}
	name := r.PostFormValue("name")
	org, err = s.api.Organizations.Update(ctx, org.ID, client.OrganizationUpdateOptions{Name: &name})
	if err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("The organization is now called “%s”.", org.Name), nil
}

// Members and invitations.

type membersView struct {
	Members []*client.Member
	// Open are the invitations that can still be accepted or sent again (pending, expired);
	// Closed the others (accepted, revoked), newest first.
	Open, Closed []*client.Invitation
	Roles        []client.Role
}

func (c *Console) membersPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	d, err := c.frame(ctx, v, "members", "Members")
	if err != nil {
		return err
	}
	members, err := v.sess.api.Members.List(ctx, client.MemberListOptions{})
	if err != nil {
		return err
	}
	invitations, err := v.sess.api.Invitations.List(ctx, client.InvitationListOptions{})
	if err != nil {
		return err
	}
	view := membersView{Members: members, Roles: []client.Role{client.RoleViewer, client.RoleWriter, client.RoleOwner}}
	for _, inv := range invitations {
		if inv.Status == client.InvitationPending || inv.Status == client.InvitationExpired {
			view.Open = append(view.Open, inv)
		} else {
			view.Closed = append(view.Closed, inv)
		}
	}
	slices.Reverse(view.Closed)
	d.Page = view
	c.render(w, r, http.StatusOK, "members", d)
	return nil
}

func (c *Console) invite(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/members#invitations"
	inv, err := s.api.Invitations.Create(ctx, client.InvitationCreateOptions{
		Email: strings.TrimSpace(r.PostFormValue("email")), Role: client.Role(r.PostFormValue("role")),
	})
	if err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("Invitation sent to %s as %s. The email is in the outbox.", inv.Email, roleTitle(inv.Role)), nil
}

func (c *Console) changeRole(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/members"
	m, err := s.api.Members.Update(ctx, r.PathValue("id"), client.MemberUpdateOptions{Role: client.Role(r.PostFormValue("role"))})
	if err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("%s is now %s.", m.Email, article(roleTitle(m.Role))), nil
}

func (c *Console) removeMember(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/members"
	m, err := s.api.Members.Read(ctx, r.PathValue("id"))
	if err != nil {
		return back, "", err
	}
	if err := s.api.Members.Delete(ctx, m.ID); err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("%s was removed from the organization. API tokens they created keep working until revoked.", m.Email), nil
}

func (c *Console) resendInvitation(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/members#invitations"
	inv, err := s.api.Invitations.Resend(ctx, r.PathValue("id"))
	if err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("A new invitation email went to %s; the earlier link no longer works.", inv.Email), nil
}

func (c *Console) revokeInvitation(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/members#invitations"
	inv, err := s.api.Invitations.Read(ctx, r.PathValue("id"))
	if err != nil {
		return back, "", err
	}
	if err := s.api.Invitations.Revoke(ctx, inv.ID); err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("The invitation of %s was revoked; its link no longer works.", inv.Email), nil
}

// API users: service accounts and managed users.

// apiUser is a row of the API users table.
type apiUser struct {
	ID, Email   string
	Kind        string // "service-accounts" or "managed-users": the path of its actions
	Type        string
	Detail      string
	Status      client.UserStatus
	CreatedAt   time.Time
	PasswordSet bool
	// Consequence says what deactivating it does.
	Consequence string
}

type apiUsersView struct {
	// PlanRequired is the API's refusal when the organization's plan has no API users.
	PlanRequired string
	Users        []apiUser
}

func (c *Console) apiUsersPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	d, err := c.frame(ctx, v, "api-users", "API Users")
	if err != nil {
		return err
	}
	var view apiUsersView
	accounts, err := v.sess.api.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{})
	if errors.Is(err, client.ErrPlanRequired) {
		view.PlanRequired, _ = describe(err)
		d.Page = view
		c.render(w, r, http.StatusOK, "api-users", d)
		return nil
	}
	if err != nil {
		return err
	}
	managed, err := v.sess.api.ManagedUsers.List(ctx, client.ManagedUserListOptions{})
	if err != nil {
		return err
	}
	for _, a := range accounts {
		view.Users = append(view.Users, apiUser{ID: a.ID, Email: a.Email, Kind: "service-accounts", Type: "Service account",
			Detail: a.Description, Status: a.Status, CreatedAt: a.CreatedAt,
			Consequence: "It is locked, and every token it holds is revoked at once."})
	}
	for _, u := range managed {
		view.Users = append(view.Users, apiUser{ID: u.ID, Email: u.Email, Kind: "managed-users", Type: "Managed user",
			Detail: strings.TrimSpace(u.FirstName + " " + u.LastName), Status: u.Status, CreatedAt: u.CreatedAt, PasswordSet: u.PasswordSet,
			Consequence: "They are locked and can no longer log in."})
	}
	slices.SortStableFunc(view.Users, func(a, b apiUser) int { return a.CreatedAt.Compare(b.CreatedAt) })
	d.Page = view
	c.render(w, r, http.StatusOK, "api-users", d)
	return nil
}

func (c *Console) createServiceAccount(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/api-users"
	sa, err := s.api.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{
		Email: strings.TrimSpace(r.PostFormValue("email")), Description: r.PostFormValue("description"),
	})
	if err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("Service account %s created. Issue it a token on the API tokens page.", sa.Email), nil
}

func (c *Console) createManagedUser(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/api-users"
	mu, err := s.api.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{
		Email:     strings.TrimSpace(r.PostFormValue("email")),
		FirstName: r.PostFormValue("first_name"), LastName: r.PostFormValue("last_name"),
	})
	if err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("Managed user %s created. A password-reset email went to them (see the outbox).", mu.Email), nil
}

// changeServiceAccount deactivates or reactivates a service account.
func (c *Console) changeServiceAccount(change string) actionFunc {
	return func(ctx context.Context, r *http.Request, s *session) (string, string, error) {
		const back = "/console/api-users"
		id := r.PathValue("id")
		if change == "deactivate" {
			sa, err := s.api.ServiceAccounts.Deactivate(ctx, id)
			if err != nil {
				return back, "", err
			}
			return back, fmt.Sprintf("%s is locked, and every token it held is revoked.", sa.Email), nil
		}
		sa, err := s.api.ServiceAccounts.Reactivate(ctx, id)
		if err != nil {
			return back, "", err
		}
		return back, fmt.Sprintf("%s is active again. Its revoked tokens stay revoked: issue new ones.", sa.Email), nil
	}
}

// changeManagedUser deactivates or reactivates a managed user, or sends them a password reset.
func (c *Console) changeManagedUser(change string) actionFunc {
	return func(ctx context.Context, r *http.Request, s *session) (string, string, error) {
		const back = "/console/api-users"
		id := r.PathValue("id")
		var mu *client.ManagedUser
		var err error
		var done string
		switch change {
		case "deactivate":
			mu, err = s.api.ManagedUsers.Deactivate(ctx, id)
			done = "%s is locked and can no longer log in."
		case "reactivate":
			mu, err = s.api.ManagedUsers.Reactivate(ctx, id)
			done = "%s is active again and can log in with their existing password."
		default:
			mu, err = s.api.ManagedUsers.SendPasswordReset(ctx, id)
			done = "A password-reset email went to %s (see the outbox)."
		}
		if err != nil {
			return back, "", err
		}
		return back, fmt.Sprintf(done, mu.Email), nil
	}
}

// API tokens.

// tokenRow is a row of the API tokens table.
type tokenRow struct {
	*client.APIToken
	// OwnerEmail is the service account's email, or the email of the organization key's creator.
	OwnerEmail string
}

type tokensView struct {
	Tokens []tokenRow
	// Accounts are the active service accounts a token can be issued to; PlanRequired is the
	// API's refusal when the plan has none.
	Accounts     []*client.ServiceAccount
	PlanRequired string
	// Owner is the owner chosen in the form ("" for an organization key).
	Owner    string
	Expiries []client.Expiry
}

func (c *Console) tokensPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	d, err := c.frame(ctx, v, "api-tokens", "API tokens")
	if err != nil {
		return err
	}
	api := v.sess.api
	tokens, err := api.APITokens.List(ctx, client.APITokenListOptions{})
	if err != nil {
		return err
	}
	members, err := api.Members.List(ctx, client.MemberListOptions{})
	if err != nil {
		return err
	}
	view := tokensView{Owner: r.URL.Query().Get("owner"), Expiries: []client.Expiry{client.ExpiryNever, client.Expiry30d, client.Expiry90d, client.Expiry1y}}
	accounts, err := api.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{})
	switch {
	case errors.Is(err, client.ErrPlanRequired):
		view.PlanRequired, _ = describe(err)
	case err != nil:
		return err
	}
	emails := map[string]string{}
	for _, m := range members {
		emails[m.UserID] = m.Email
	}
	for _, a := range accounts {
		emails[a.ID] = a.Email
		if a.Status == client.UserActive {
			view.Accounts = append(view.Accounts, a)
		}
	}
	for _, t := range tokens {
		row := tokenRow{APIToken: t}
		switch {
		case t.ServiceAccountID != nil:
			row.OwnerEmail = cmp.Or(emails[*t.ServiceAccountID], *t.ServiceAccountID)
		case t.CreatedBy != nil:
			row.OwnerEmail = cmp.Or(emails[*t.CreatedBy], *t.CreatedBy)
		}
		view.Tokens = append(view.Tokens, row)
	}
	slices.Reverse(view.Tokens) // newest first
	d.Page = view
	c.render(w, r, http.StatusOK, "api-tokens", d)
	return nil
}

func (c *Console) issueToken(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	back := "/console/api-tokens"
	opts := client.APITokenCreateOptions{Name: r.PostFormValue("name"), ExpiresIn: client.Expiry(r.PostFormValue("expires_in"))}
	if owner := r.PostFormValue("owner"); owner != "" {
		opts.ServiceAccountID = &owner
	}
	if scope := r.PostFormValue("scope"); scope != "" {
		sc := client.TokenScope(scope)
		opts.Scope = &sc
	}
	t, err := s.api.APITokens.Create(ctx, opts)
	if err != nil {
		return back, "", err
	}
	s.setSecret(&oneTime{
		Title:  fmt.Sprintf("API token “%s” issued", t.Name),
		Values: []oneTimeValue{{Label: "Token", Value: t.Token, Secret: true}},
		Note:   "Copy it now: this is the only time it is shown. Use it as Authorization: Bearer <token>.",
	})
	return back, "", nil
}

func (c *Console) revokeToken(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/api-tokens"
	t, err := s.api.APITokens.Read(ctx, r.PathValue("id"))
	if err != nil {
		return back, "", err
	}
	if err := s.api.APITokens.Revoke(ctx, t.ID); err != nil {
		return back, "", err
	}
	return back, fmt.Sprintf("API token “%s” was revoked: requests that use it get 401 from now on.", t.Name), nil
}

// OAuth clients.

type oauthClientsView struct {
	Clients []*client.OAuthClient
}

func (c *Console) oauthClientsPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	d, err := c.frame(ctx, v, "oauth-clients", "OAuth API clients")
	if err != nil {
		return err
	}
	clients, err := v.sess.api.OAuthClients.List(ctx)
	if err != nil {
		return err
	}
	d.Page = oauthClientsView{Clients: clients}
	c.render(w, r, http.StatusOK, "oauth-clients", d)
	return nil
}

func (c *Console) createOAuthClient(ctx context.Context, r *http.Request, s *session) (string, string, error) {
	const back = "/console/oauth-clients"
	oc, err := s.api.OAuthClients.Create(ctx, client.OAuthClientCreateOptions{Name: r.PostFormValue("name")})
	if err != nil {
		return back, "", err
	}
	s.setSecret(&oneTime{
		Title: fmt.Sprintf("OAuth client “%s” created", oc.Name),
		Values: []oneTimeValue{
			{Label: "Client ID", Value: oc.ClientID},
			{Label: "Client secret", Value: oc.ClientSecret, Secret: true},
		},
		Note: "Copy the secret now: this is the only time it is shown. The client ID can be read at any time.",
	})
	return back, "", nil
}

// changeOAuthClient enables, disables or deletes an OAuth client.
func (c *Console) changeOAuthClient(change string) actionFunc {
	return func(ctx context.Context, r *http.Request, s *session) (string, string, error) {
		const back = "/console/oauth-clients"
		id := r.PathValue("id")
		if change == "delete" {
			oc, err := s.api.OAuthClients.Read(ctx, id)
			if err != nil {
				return back, "", err
			}
			if err := s.api.OAuthClients.Delete(ctx, oc.ID); err != nil {
				return back, "", err
			}
			return back, fmt.Sprintf("OAuth client “%s” was deleted.", oc.Name), nil
		}
		enabled := change == "enable"
		oc, err := s.api.OAuthClients.Update(ctx, id, client.OAuthClientUpdateOptions{Enabled: &enabled})
		if err != nil {
			return back, "", err
		}
		if enabled {
			return back, fmt.Sprintf("OAuth client “%s” is enabled: its credentials work again.", oc.Name), nil
		}
		return back, fmt.Sprintf("OAuth client “%s” is disabled: its credentials and access tokens are refused until it is enabled again.", oc.Name), nil
	}
}

// The outbox.

// outboxEmail is an email of the outbox with the console page its link opens.
type outboxEmail struct {
	*client.Email
	// Open is the console page of the email's link ("" when the console has none).
	Open string
}

type outboxView struct {
	Emails []outboxEmail
}

func (c *Console) outboxPage(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	d, err := c.frame(ctx, v, "outbox", "Outbox")
	if err != nil {
		return err
	}
	emails, err := client.Local(v.sess.api).Outbox(ctx, "")
	if err != nil {
		return err
	}
	var view outboxView
	for _, e := range slices.Backward(emails) { // newest first
		view.Emails = append(view.Emails, outboxEmail{Email: e, Open: consoleLink(e.Link)})
	}
	d.Page = view
	c.render(w, r, http.StatusOK, "outbox", d)
	return nil
}
