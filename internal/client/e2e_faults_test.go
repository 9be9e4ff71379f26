package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// The retry policy against the local API's seeded fault injection.

func TestE2ERetriesOnUnavailableAndRateLimited(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{FailRate: 0.4, RateLimitRate: 0.2, Seed: 7})
	ctx := t.Context()
	c := e.client(Config{Token: e.inst.Bootstrap.Token, MaxRetries: 12, RetryWaitMax: 20 * time.Millisecond})

	for i := range 15 {
		sa, err := c.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: fmt.Sprintf("robot%d@example.com", i)})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		if _, err := c.ServiceAccounts.Read(ctx, sa.ID); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if _, err := c.ServiceAccounts.Update(ctx, sa.ID, ServiceAccountUpdateOptions{Description: "x"}); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	all, err := c.ServiceAccounts.List(ctx, ServiceAccountListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 15 {
		t.Errorf("%d service accounts, want 15 (retries must not duplicate)", len(all))
	}
	st, err := Local(c).Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Faults["unavailable"] == 0 || st.Faults["rate_limited"] == 0 {
		t.Errorf("faults injected = %v, want both kinds", st.Faults)
	}
	if e.log.count("warn") < st.Faults["unavailable"]+st.Faults["rate_limited"] {
		t.Errorf("%d warn lines for %v faults", e.log.count("warn"), st.Faults)
	}
}

func TestE2EDroppedResponsesCreateExactlyOnce(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{DropRate: 0.5, Seed: 3})
	ctx := t.Context()
	c := e.client(Config{Token: e.inst.Bootstrap.Token, MaxRetries: 12})

	// API tokens: the replay re-keys the same token; the secret handed back works.
	created := map[string]*APITokenCreated{}
	for i := range 8 {
		name := fmt.Sprintf("key-%d", i)
		tok, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: name, ExpiresIn: ExpiryNever})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		created[name] = tok
	}
	// OAuth clients: the same, with the client secret.
	oc, err := c.OAuthClients.Create(ctx, OAuthClientCreateOptions{Name: "dropped"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Invitations.Create(ctx, InvitationCreateOptions{Email: "dropped@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Local(c).Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Faults["dropped"] == 0 {
		t.Fatalf("no response was dropped: %v", st.Faults)
	}

	toks, err := c.APITokens.List(ctx, APITokenListOptions{Kind: ptr(TokenKindOrganizationKey)})
	if err != nil {
		t.Fatal(err)
	}
	perName := map[string]int{}
	for _, tok := range toks {
		perName[tok.Name]++
	}
	for name, tok := range created {
		if perName[name] != 1 {
			t.Errorf("%d tokens named %s, want exactly 1", perName[name], name)
		}
		id, err := e.client(Config{Token: tok.Token, MaxRetries: 12}).Identity.Read(ctx)
		if err != nil {
			t.Errorf("the secret of %s does not work: %v", name, err)
		} else if id.TokenID == nil || *id.TokenID != tok.ID {
			t.Errorf("the secret of %s authenticates as %v", name, id.TokenID)
		}
	}
	clients, err := c.OAuthClients.List(ctx)
	if err != nil || len(clients) != 1 {
		t.Fatalf("oauth clients = %v, %v; want exactly 1", clients, err)
	}
	if _, err := e.client(Config{ClientID: oc.ClientID, ClientSecret: oc.ClientSecret, MaxRetries: 12}).Identity.Read(ctx); err != nil {
		t.Errorf("the client secret handed back does not work: %v", err)
	}
	invs, err := c.Invitations.List(ctx, InvitationListOptions{Email: &inv.Email})
	if err != nil || len(invs) != 1 {
		t.Errorf("invitations = %v, %v; want exactly 1", invs, err)
	}
}

func TestE2ENoRetryOfClientErrors(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	e.stats(ctx)

	_, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "not-an-email", Role: RoleViewer})
	wantIs(t, err, ErrInvalid)
	members, err := e.owner.Members.List(ctx, MemberListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.owner.Members.Update(ctx, members[0].ID, MemberUpdateOptions{Role: RoleViewer})
	wantIs(t, err, ErrConflict)
	_, err = e.owner.Members.Read(ctx, "mem_aaaaaaaaaaaaaaaa")
	wantIs(t, err, ErrNotFound)
	_, err = e.client(Config{Token: "oat_bm9wZQ.bm9wZQ"}).Identity.Read(ctx)
	wantIs(t, err, ErrUnauthorized)

	st := e.stats(ctx)
	for _, route := range []string{"POST /invitations", "PATCH /members/{member_id}", "GET /members/{member_id}", "GET /me"} {
		if st[route] != 1 {
			t.Errorf("%s: %d requests, want 1 (4xx are not retried); stats %v", route, st[route], st)
		}
	}
}

func TestE2ENoRetryOfPublicPostAfterDrop(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{DropRate: 1})
	ctx := t.Context()
	// Every answer is dropped. An unauthenticated POST carries no Idempotency-Key, so a lost
	// answer is not retried: the link is one-use and a repeat could not be told from a second use.
	_, err := Person(e.owner).AcceptInvitation(ctx, "lnk_whatever_token", "x")
	if err == nil {
		t.Fatal("want an error: every answer is dropped")
	}
	var ae *APIError
	if errors.As(err, &ae) {
		t.Fatalf("err = %v, want a transport error", err)
	}
	if strings.Contains(err.Error(), "lnk_whatever_token") {
		t.Errorf("error leaks the link token: %v", err)
	}
	if st := e.stats(ctx); st["POST /accept-invitation"] != 1 {
		t.Errorf("POST /accept-invitation: %d requests, want 1 (no key, not retried)", st["POST /accept-invitation"])
	}
}

func TestE2EContextCancellation(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{Latency: 3 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.owner.Members.List(ctx, MemberListOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v", d)
	}
}

func TestE2ENoSecretInErrorsOrLogs(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{FailRate: 0.2, Seed: 11})
	ctx := t.Context()
	secrets := []string{e.inst.Bootstrap.Token}
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	c := e.client(Config{Token: e.inst.Bootstrap.Token, MaxRetries: 10})

	tok, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "k", ExpiresIn: ExpiryNever})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, tok.Token)
	oc, err := c.OAuthClients.Create(ctx, OAuthClientCreateOptions{Name: "k"})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, oc.ClientSecret)
	cc := e.client(Config{ClientID: oc.ClientID, ClientSecret: oc.ClientSecret, MaxRetries: 10})
	_, err = cc.Members.List(ctx, MemberListOptions{})
	keep(err)
	at, err := c.Public.ClientCredentialsToken(ctx, oc.ClientID, oc.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, at.AccessToken)

	mu, err := c.ManagedUsers.Create(ctx, ManagedUserCreateOptions{Email: "mia@example.com", FirstName: "M", LastName: "W"})
	if err != nil {
		t.Fatal(err)
	}
	const password = "a very secret password 42"
	secrets = append(secrets, password)
	resetLink := e.lastLink(ctx, "mia@example.com", "password_reset")
	secrets = append(secrets, linkTokenOf(resetLink))
	keep(Person(c).ResetPassword(ctx, resetLink, password))
	session, err := Person(c).Login(ctx, "mia@example.com", password)
	keep(err)
	if session != nil {
		secrets = append(secrets, session.AccessToken)
	}
	_, err = c.Invitations.Create(ctx, InvitationCreateOptions{Email: "ivy@example.com", Role: RoleViewer})
	keep(err)
	invLink := e.lastLink(ctx, "ivy@example.com", "invitation")
	secrets = append(secrets, linkTokenOf(invLink))
	_, err = Person(c).ViewInvitation(ctx, invLink)
	keep(err)

	// Failures of every kind, with secrets in play.
	_, err = Person(c).Login(ctx, "mia@example.com", password+"x")
	keep(err)
	keep(Person(c).ResetPassword(ctx, resetLink, password)) // used link
	_, err = c.Public.ClientCredentialsToken(ctx, oc.ClientID, oc.ClientSecret+"x")
	keep(err)
	keep(c.APITokens.Revoke(ctx, tok.ID))
	_, err = e.client(Config{Token: tok.Token, MaxRetries: 10}).Identity.Read(ctx)
	keep(err)
	if _, err := c.OAuthClients.Update(ctx, oc.ID, OAuthClientUpdateOptions{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	_, err = cc.Members.List(ctx, MemberListOptions{})
	keep(err)
	_, err = e.client(Config{Token: at.AccessToken, MaxRetries: 10}).Members.List(ctx, MemberListOptions{})
	keep(err)
	_, err = c.ManagedUsers.Deactivate(ctx, mu.ID)
	keep(err)
	_, err = Person(c).AcceptInvitation(ctx, invLink+"broken", "")
	keep(err)

	if len(errs) < 6 {
		t.Fatalf("only %d errors collected: %v", len(errs), errs)
	}
	logText := e.log.String()
	if e.log.count("debug") == 0 || e.log.count("warn") == 0 {
		t.Fatalf("expected debug and warn lines:\n%s", logText)
	}
	for _, s := range secrets {
		if s == "" {
			t.Fatal("empty secret")
		}
		if strings.Contains(logText, s) {
			t.Errorf("a secret (%.6s...) appears in the log", s)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%+v", err), s) {
				t.Errorf("a secret (%.6s...) appears in the error %q", s, err)
			}
		}
	}
	if strings.Contains(logText, "Bearer") || strings.Contains(logText, "Authorization") {
		t.Errorf("headers in the log:\n%s", logText)
	}
}

func TestE2ERetryAfterFromTheServer(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{RateLimitRate: 0.5, Seed: 5})
	ctx := t.Context()
	// The local API answers 429 with Retry-After: 1; with a 3s cap the client waits the second.
	c := e.client(Config{Token: e.inst.Bootstrap.Token, MaxRetries: 10, RetryWaitMax: 3 * time.Second})
	start := time.Now()
	limited := 0
	for limited == 0 {
		if _, err := Datasets(c).List(ctx); err != nil {
			t.Fatal(err)
		}
		st, err := Local(c).Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		limited = st.Faults["rate_limited"]
		if time.Since(start) > 20*time.Second {
			t.Fatal("no 429 was injected")
		}
	}
	if d := time.Since(start); d < time.Duration(limited)*time.Second-50*time.Millisecond {
		t.Errorf("%d rate-limited answers, retried within %v: Retry-After not honoured", limited, d)
	}
}
