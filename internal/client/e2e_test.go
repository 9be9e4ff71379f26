package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// End-to-end tests: the client against the real local API, in process, with every request and
// response validated against api/openapi.yaml (a violation fails the test).

// testEnv is one local API (a fresh in-memory database) and an owner client of its bootstrapped
// Enterprise organization.
type testEnv struct {
	t     testing.TB
	inst  *localapi.Instance
	owner *Client
	log   *captureLogger
}

func startAPI(t testing.TB, faults localapi.FaultConfig) *testEnv {
	t.Helper()
	inst, err := localapi.Start(context.Background(), "127.0.0.1:0", localapi.Config{
		DBPath:        ":memory:",
		Clock:         clock.NewOffset(),
		TimeTravel:    true,
		ContractCheck: func(err error) { t.Errorf("contract violation: %v", err) },
		Faults:        faults,
		// The tests need the password scheme, not its production cost.
		PasswordHashIterations: 1000,
	})
	if err != nil {
		t.Fatalf("starting the local API: %v", err)
	}
	t.Cleanup(func() { inst.Close() })
	e := &testEnv{t: t, inst: inst, log: &captureLogger{}}
	e.owner = e.client(Config{Token: inst.Bootstrap.Token})
	return e
}

// client is a client of this API with fast retries and the shared log.
func (e *testEnv) client(cfg Config) *Client {
	e.t.Helper()
	cfg.Endpoint = e.inst.URL
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Millisecond
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 10 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = e.log
	}
	c, err := New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// stats reads the request counts and resets them.
func (e *testEnv) stats(ctx context.Context) map[string]int {
	e.t.Helper()
	s, err := Local(e.owner).Stats(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := Local(e.owner).ResetStats(ctx); err != nil {
		e.t.Fatal(err)
	}
	return s.Requests
}

// lastLink is the link of the newest email to an address.
func (e *testEnv) lastLink(ctx context.Context, to, kind string) string {
	e.t.Helper()
	emails, err := Local(e.owner).Outbox(ctx, to)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := len(emails) - 1; i >= 0; i-- {
		if emails[i].Kind == kind {
			return emails[i].Link
		}
	}
	e.t.Fatalf("no %s email to %s", kind, to)
	return ""
}

// addMember invites email with role and accepts the invitation through its link.
func (e *testEnv) addMember(ctx context.Context, c *Client, email string, role Role) *Member {
	e.t.Helper()
	if _, err := c.Invitations.Create(ctx, InvitationCreateOptions{Email: email, Role: role}); err != nil {
		e.t.Fatal(err)
	}
	acc, err := Person(c).AcceptInvitation(ctx, e.lastLink(ctx, email, "invitation"), "Name of "+email)
	if err != nil {
		e.t.Fatal(err)
	}
	return &acc.Member
}

// wantIs fails the test unless err is an *APIError from the server that matches target.
func wantIs(t testing.TB, err error, target error) {
	t.Helper()
	_ = wantAPIError(t, err, target)
}

// wantAPIError is wantIs that answers the *APIError.
func wantAPIError(t testing.TB, err error, target error) *APIError {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want one matching %v", err, target)
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %T %v, want an *APIError", err, err)
	}
	if ae.RequestID == "" || ae.Message == "" {
		t.Errorf("APIError lacks a request id or a message: %+v", ae)
	}
	return ae
}

func ptr[T any](v T) *T { return &v }

func TestE2EIdentityAndOrganizations(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	boot := e.inst.Bootstrap

	id, err := e.owner.Identity.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id.Kind != IdentityOrganizationKey || id.Organization.ID != boot.OrganizationID || id.Organization.Plan != PlanEnterprise {
		t.Errorf("identity = %+v", id)
	}
	cur, err := e.owner.Organizations.Current(ctx)
	if err != nil || cur.ID != boot.OrganizationID {
		t.Fatalf("Current = %+v, %v", cur, err)
	}
	got, err := e.owner.Organizations.Read(ctx, boot.OrganizationID)
	if err != nil || got.Name != cur.Name {
		t.Fatalf("Read = %+v, %v", got, err)
	}
	renamed, err := e.owner.Organizations.Update(ctx, boot.OrganizationID, OrganizationUpdateOptions{Name: ptr("Renamed Org")})
	if err != nil || renamed.Name != "Renamed Org" {
		t.Fatalf("Update = %+v, %v", renamed, err)
	}
	ae := wantAPIError(t, func() error {
		_, err := e.owner.Organizations.Update(ctx, boot.OrganizationID, OrganizationUpdateOptions{Name: ptr(strings.Repeat("x", 101))})
		return err
	}(), ErrInvalid)
	if ae.Field != "name" {
		t.Errorf("Field = %q, want name", ae.Field)
	}

	// A second organization: Free, its bootstrap key works, its owner's other org can read it.
	created, err := e.owner.Organizations.Create(ctx, OrganizationCreateOptions{Name: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	if created.Plan != PlanFree || created.BootstrapToken == "" || created.BootstrapTokenID == "" {
		t.Errorf("created = %+v", created)
	}
	second := e.client(Config{Token: created.BootstrapToken})
	id2, err := second.Identity.Read(ctx)
	if err != nil || id2.Organization.ID != created.ID || id2.TokenID == nil || *id2.TokenID != created.BootstrapTokenID {
		t.Fatalf("second identity = %+v, %v", id2, err)
	}
	if _, err := e.owner.Organizations.Read(ctx, created.ID); err != nil {
		t.Errorf("the owner reads the organization they own: %v", err)
	}

	// Another organization's objects answer 404.
	inv, err := second.Invitations.Create(ctx, InvitationCreateOptions{Email: "x@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	ae = wantAPIError(t, func() error { _, err := e.owner.Invitations.Read(ctx, inv.ID); return err }(), ErrNotFound)
	if ae.Method != http.MethodGet || ae.Path != "/invitations/"+inv.ID {
		t.Errorf("APIError names %s %s", ae.Method, ae.Path)
	}
	if want := fmt.Sprintf("GET /invitations/%s: 404 not_found: ", inv.ID); !strings.HasPrefix(ae.Error(), want) || !strings.Contains(ae.Error(), "(request id req_") {
		t.Errorf("Error() = %q", ae.Error())
	}
	secondMembers, err := second.Members.List(ctx, MemberListOptions{})
	if err != nil || len(secondMembers) != 1 {
		t.Fatalf("second members = %v, %v", secondMembers, err)
	}
	wantIs(t, func() error { _, err := e.owner.Members.Read(ctx, secondMembers[0].ID); return err }(), ErrNotFound)

	// Enterprise features on a Free plan: 403 plan_required naming the plans.
	ae = wantAPIError(t, func() error {
		_, err := second.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "robot@example.com"})
		return err
	}(), ErrPlanRequired)
	if !errors.Is(ae, ErrForbidden) || !strings.Contains(strings.ToLower(ae.Message), "enterprise") {
		t.Errorf("plan_required error = %v", ae)
	}

	// Deleting it ends its credentials.
	if err := e.owner.Organizations.Delete(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := e.owner.Organizations.Read(ctx, created.ID); return err }(), ErrNotFound)
	wantIs(t, func() error { _, err := second.Identity.Read(ctx); return err }(), ErrUnauthorized)
}

func TestE2EMembersAndInvitations(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	boot := e.inst.Bootstrap

	list, err := e.owner.Members.List(ctx, MemberListOptions{})
	if err != nil || len(list) != 1 || list[0].Role != RoleOwner {
		t.Fatalf("members = %v, %v", list, err)
	}
	owner := list[0]
	byEmail, err := e.owner.Members.ReadByEmail(ctx, strings.ToUpper(boot.OwnerEmail))
	if err != nil || byEmail.ID != owner.ID {
		t.Fatalf("ReadByEmail = %+v, %v", byEmail, err)
	}
	wantIs(t, func() error { _, err := e.owner.Members.ReadByEmail(ctx, "nobody@example.com"); return err }(), ErrNotFound)
	if m, err := e.owner.Members.Read(ctx, owner.ID); err != nil || m.Email != owner.Email {
		t.Fatalf("Read = %+v, %v", m, err)
	}

	// The last owner can be neither demoted nor removed.
	ae := wantAPIError(t, func() error {
		_, err := e.owner.Members.Update(ctx, owner.ID, MemberUpdateOptions{Role: RoleViewer})
		return err
	}(), ErrConflict)
	if !strings.Contains(strings.ToLower(ae.Message), "owner") {
		t.Errorf("conflict message %q does not mention the owner", ae.Message)
	}
	wantIs(t, e.owner.Members.Delete(ctx, owner.ID), ErrConflict)

	// 400 with the field, nothing written.
	ae = wantAPIError(t, func() error {
		_, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "not-an-email", Role: RoleViewer})
		return err
	}(), ErrInvalid)
	if ae.Field != "email" {
		t.Errorf("Field = %q, want email", ae.Field)
	}

	// An invitation's life: create, view, change, resend, accept.
	inv, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "ann@example.com", Role: RoleWriter})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != InvitationPending || inv.Role != RoleWriter || !inv.ExpiresAt.After(inv.SentAt) {
		t.Errorf("invitation = %+v", inv)
	}
	wantIs(t, func() error {
		_, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "ann@example.com", Role: RoleWriter})
		return err
	}(), ErrConflict)
	link := e.lastLink(ctx, "ann@example.com", "invitation")
	view, err := Person(e.owner).ViewInvitation(ctx, link)
	if err != nil || view.Email != "ann@example.com" || view.OrganizationID != boot.OrganizationID {
		t.Fatalf("ViewInvitation = %+v, %v", view, err)
	}
	if inv, err = e.owner.Invitations.Update(ctx, inv.ID, InvitationUpdateOptions{Role: RoleOwner}); err != nil || inv.Role != RoleOwner {
		t.Fatalf("Update = %+v, %v", inv, err)
	}
	if inv, err = e.owner.Invitations.Resend(ctx, inv.ID); err != nil || inv.Status != InvitationPending {
		t.Fatalf("Resend = %+v, %v", inv, err)
	}
	pending, err := e.owner.Invitations.List(ctx, InvitationListOptions{Status: ptr(InvitationPending), Email: ptr("ANN@example.com")})
	if err != nil || len(pending) != 1 || pending[0].ID != inv.ID {
		t.Fatalf("List pending = %v, %v", pending, err)
	}
	wantIs(t, func() error { _, err := Person(e.owner).ViewInvitation(ctx, link); return err }(), ErrNotFound) // replaced by the resend
	link = e.lastLink(ctx, "ann@example.com", "invitation")
	acc, err := Person(e.owner).AcceptInvitation(ctx, link, "Ann")
	if err != nil {
		t.Fatal(err)
	}
	if acc.Member.Email != "ann@example.com" || acc.Member.Role != RoleOwner || acc.Organization.ID != boot.OrganizationID {
		t.Errorf("acceptance = %+v", acc)
	}
	if inv, err = e.owner.Invitations.Read(ctx, inv.ID); err != nil || inv.Status != InvitationAccepted || inv.MemberID == nil || *inv.MemberID != acc.Member.ID {
		t.Fatalf("accepted invitation = %+v, %v", inv, err)
	}
	wantIs(t, e.owner.Invitations.Revoke(ctx, inv.ID), ErrConflict)
	wantIs(t, func() error { _, err := Person(e.owner).AcceptInvitation(ctx, link, "Ann"); return err }(), ErrConflict)

	// Two owners now: the first can be demoted; members can be filtered and removed.
	if m, err := e.owner.Members.Update(ctx, owner.ID, MemberUpdateOptions{Role: RoleWriter}); err != nil || m.Role != RoleWriter {
		t.Fatalf("demote = %+v, %v", m, err)
	}
	owners, err := e.owner.Members.List(ctx, MemberListOptions{Role: ptr(RoleOwner)})
	if err != nil || len(owners) != 1 || owners[0].ID != acc.Member.ID {
		t.Fatalf("owners = %v, %v", owners, err)
	}
	if _, err := e.owner.Members.Update(ctx, owner.ID, MemberUpdateOptions{Role: RoleOwner}); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.Members.Delete(ctx, acc.Member.ID); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := e.owner.Members.Read(ctx, acc.Member.ID); return err }(), ErrNotFound)
	wantIs(t, e.owner.Members.Delete(ctx, acc.Member.ID), ErrNotFound)

	// Revoking is idempotent; a revoked invitation cannot change.
	bob, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "bob@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.Invitations.Revoke(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.Invitations.Revoke(ctx, bob.ID); err != nil {
		t.Errorf("revoking a revoked invitation: %v", err)
	}
	wantIs(t, func() error {
		_, err := e.owner.Invitations.Update(ctx, bob.ID, InvitationUpdateOptions{Role: RoleWriter})
		return err
	}(), ErrConflict)
	bobLink := e.lastLink(ctx, "bob@example.com", "invitation")
	if view, err := Person(e.owner).ViewInvitation(ctx, bobLink); err == nil && view.Status != InvitationRevoked {
		t.Errorf("a revoked invitation's link shows %+v", view)
	}
	_, err = Person(e.owner).AcceptInvitation(ctx, bobLink, "Bob")
	if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
		t.Errorf("accepting a revoked invitation: err = %v, want not found or conflict", err)
	}
}

func TestE2EServiceAccountsAndTokens(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()

	sa, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "robot@example.com", Description: "CI"})
	if err != nil {
		t.Fatal(err)
	}
	if sa.Status != UserActive || sa.Description != "CI" || sa.LockedAt != nil {
		t.Errorf("service account = %+v", sa)
	}
	wantIs(t, func() error {
		_, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "ROBOT@example.com"})
		return err
	}(), ErrConflict)
	if sa, err = e.owner.ServiceAccounts.Update(ctx, sa.ID, ServiceAccountUpdateOptions{Description: "deploys"}); err != nil || sa.Description != "deploys" {
		t.Fatalf("Update = %+v, %v", sa, err)
	}
	if got, err := e.owner.ServiceAccounts.Read(ctx, sa.ID); err != nil || got.Description != "deploys" {
		t.Fatalf("Read = %+v, %v", got, err)
	}
	if all, err := e.owner.ServiceAccounts.List(ctx, ServiceAccountListOptions{Email: ptr("robot@example.com")}); err != nil || len(all) != 1 {
		t.Fatalf("List = %v, %v", all, err)
	}

	// Scopes, end to end.
	readTok, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "read", ExpiresIn: Expiry30d, ServiceAccountID: &sa.ID, Scope: ptr(ScopeRead)})
	if err != nil {
		t.Fatal(err)
	}
	if readTok.Token == "" || readTok.Kind != TokenKindServiceAccountToken || readTok.ExpiresAt == nil || readTok.Status != TokenActive {
		t.Errorf("token = %+v", readTok.APIToken)
	}
	writeTok, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "write", ExpiresIn: ExpiryNever, ServiceAccountID: &sa.ID, Scope: ptr(ScopeReadWrite)})
	if err != nil {
		t.Fatal(err)
	}
	reader, writer := e.client(Config{Token: readTok.Token}), e.client(Config{Token: writeTok.Token})
	if id, err := reader.Identity.Read(ctx); err != nil || id.Kind != IdentityServiceAccountToken || id.Scope == nil || *id.Scope != ScopeRead || id.ServiceAccountID == nil || *id.ServiceAccountID != sa.ID {
		t.Fatalf("reader identity = %+v, %v", id, err)
	}
	if _, err := Datasets(reader).List(ctx); err != nil {
		t.Fatal(err)
	}
	ae := wantAPIError(t, func() error { _, err := Datasets(reader).Create(ctx, "nope"); return err }(), ErrForbidden)
	if errors.Is(ae, ErrPlanRequired) {
		t.Errorf("a scope refusal is not plan_required: %v", ae)
	}
	wantIs(t, func() error { _, err := reader.Members.List(ctx, MemberListOptions{}); return err }(), ErrForbidden)
	ds, err := Datasets(writer).Create(ctx, "uploads")
	if err != nil {
		t.Fatal(err)
	}
	if all, err := Datasets(reader).List(ctx); err != nil || len(all) != 1 || all[0].ID != ds.ID {
		t.Fatalf("datasets = %v, %v", all, err)
	}
	if got, err := e.owner.APITokens.Read(ctx, readTok.ID); err != nil || got.LastUsedAt == nil {
		t.Errorf("a used token records last_used_at: %+v, %v", got, err)
	}

	// Deactivation revokes every token of the account; reactivation brings none back.
	if sa, err = e.owner.ServiceAccounts.Deactivate(ctx, sa.ID); err != nil || sa.Status != UserLocked || sa.LockedAt == nil {
		t.Fatalf("Deactivate = %+v, %v", sa, err)
	}
	if _, err := e.owner.ServiceAccounts.Deactivate(ctx, sa.ID); err != nil {
		t.Errorf("deactivating twice: %v", err)
	}
	wantIs(t, func() error { _, err := Datasets(writer).List(ctx); return err }(), ErrUnauthorized)
	toks, err := e.owner.APITokens.List(ctx, APITokenListOptions{ServiceAccountID: &sa.ID})
	if err != nil || len(toks) != 2 {
		t.Fatalf("tokens = %v, %v", toks, err)
	}
	for _, tok := range toks {
		if tok.Status != TokenRevoked || tok.RevokedAt == nil {
			t.Errorf("token %s after deactivation: %s", tok.ID, tok.Status)
		}
	}
	wantIs(t, func() error {
		_, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "locked", ExpiresIn: ExpiryNever, ServiceAccountID: &sa.ID, Scope: ptr(ScopeRead)})
		return err
	}(), ErrConflict)
	if sa, err = e.owner.ServiceAccounts.Reactivate(ctx, sa.ID); err != nil || sa.Status != UserActive {
		t.Fatalf("Reactivate = %+v, %v", sa, err)
	}
	wantIs(t, func() error { _, err := Datasets(reader).List(ctx); return err }(), ErrUnauthorized)
	if locked, err := e.owner.ServiceAccounts.List(ctx, ServiceAccountListOptions{Status: ptr(UserLocked)}); err != nil || len(locked) != 0 {
		t.Errorf("locked accounts = %v, %v", locked, err)
	}

	// Organization keys: full access, revocable, revoked ones answer 401.
	key, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "org key", ExpiresIn: Expiry90d})
	if err != nil {
		t.Fatal(err)
	}
	if key.Kind != TokenKindOrganizationKey || key.Scope != nil || key.ServiceAccountID != nil {
		t.Errorf("org key = %+v", key.APIToken)
	}
	keyClient := e.client(Config{Token: key.Token})
	if _, err := keyClient.Members.List(ctx, MemberListOptions{}); err != nil {
		t.Fatal(err)
	}
	keys, err := e.owner.APITokens.List(ctx, APITokenListOptions{Kind: ptr(TokenKindOrganizationKey), Status: ptr(TokenActive)})
	if err != nil || len(keys) != 2 { // the bootstrap key and this one
		t.Fatalf("active org keys = %v, %v", keys, err)
	}
	if err := e.owner.APITokens.Revoke(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.APITokens.Revoke(ctx, key.ID); err != nil {
		t.Errorf("revoking a revoked token: %v", err)
	}
	if got, err := e.owner.APITokens.Read(ctx, key.ID); err != nil || got.Status != TokenRevoked {
		t.Fatalf("revoked key = %+v, %v", got, err)
	}
	ae = wantAPIError(t, func() error { _, err := keyClient.Identity.Read(ctx); return err }(), ErrUnauthorized)
	if strings.Contains(ae.Error(), key.Token) {
		t.Errorf("the error holds the token: %v", ae)
	}

	// Managed users cannot hold tokens: 400 naming the field.
	mu, err := e.owner.ManagedUsers.Create(ctx, ManagedUserCreateOptions{Email: "mia@example.com", FirstName: "Mia", LastName: "Wong"})
	if err != nil {
		t.Fatal(err)
	}
	ae = wantAPIError(t, func() error {
		_, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "mu", ExpiresIn: ExpiryNever, ServiceAccountID: &mu.ID, Scope: ptr(ScopeRead)})
		return err
	}(), ErrInvalid)
	if ae.Field != "service_account_id" {
		t.Errorf("Field = %q, want service_account_id", ae.Field)
	}
	wantIs(t, func() error {
		_, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "x", ExpiresIn: ExpiryNever, ServiceAccountID: ptr("sa_aaaaaaaaaaaaaaaa"), Scope: ptr(ScopeRead)})
		return err
	}(), ErrNotFound)
}

func TestE2EManagedUsers(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()

	mu, err := e.owner.ManagedUsers.Create(ctx, ManagedUserCreateOptions{Email: "mia@example.com", FirstName: "Mia", LastName: "Wong"})
	if err != nil {
		t.Fatal(err)
	}
	if mu.Status != UserActive || mu.PasswordSet {
		t.Errorf("managed user = %+v", mu)
	}
	const password = "correct horse battery staple"
	resetLink := e.lastLink(ctx, "mia@example.com", "password_reset")
	if view, err := Person(e.owner).ViewPasswordReset(ctx, resetLink); err != nil || view.Email != "mia@example.com" || view.ExpiresAt.IsZero() {
		t.Fatalf("ViewPasswordReset = %+v, %v", view, err)
	}
	if err := Person(e.owner).ResetPassword(ctx, resetLink, password); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := Person(e.owner).ViewPasswordReset(ctx, resetLink); return err }(), ErrNotFound) // used
	if got, err := e.owner.ManagedUsers.Read(ctx, mu.ID); err != nil || !got.PasswordSet {
		t.Fatalf("after reset = %+v, %v", got, err)
	}
	wantIs(t, func() error { _, err := Person(e.owner).Login(ctx, "mia@example.com", "wrong password!!"); return err }(), ErrUnauthorized)
	session, err := Person(e.owner).Login(ctx, "mia@example.com", password)
	if err != nil || session.AccessToken == "" || session.TokenType != "Bearer" {
		t.Fatalf("Login = %+v, %v", session, err)
	}
	mia := e.client(Config{Token: session.AccessToken})
	if id, err := mia.Identity.Read(ctx); err != nil || id.Kind != IdentityManagedUser || id.ManagedUserID == nil || *id.ManagedUserID != mu.ID || id.Role != "client" {
		t.Fatalf("managed user identity = %+v, %v", id, err)
	}
	if _, err := Datasets(mia).List(ctx); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := Datasets(mia).Create(ctx, "nope"); return err }(), ErrForbidden)

	if mu, err = e.owner.ManagedUsers.Update(ctx, mu.ID, ManagedUserUpdateOptions{FirstName: ptr("Mila")}); err != nil || mu.FirstName != "Mila" || mu.LastName != "Wong" {
		t.Fatalf("Update = %+v, %v", mu, err)
	}
	if mu, err = e.owner.ManagedUsers.Deactivate(ctx, mu.ID); err != nil || mu.Status != UserLocked {
		t.Fatalf("Deactivate = %+v, %v", mu, err)
	}
	wantIs(t, func() error { _, err := Datasets(mia).List(ctx); return err }(), ErrUnauthorized)
	wantIs(t, func() error { _, err := Person(e.owner).Login(ctx, "mia@example.com", password); return err }(), ErrUnauthorized)
	wantIs(t, func() error { _, err := e.owner.ManagedUsers.SendPasswordReset(ctx, mu.ID); return err }(), ErrConflict)
	if locked, err := e.owner.ManagedUsers.List(ctx, ManagedUserListOptions{Status: ptr(UserLocked)}); err != nil || len(locked) != 1 {
		t.Fatalf("locked = %v, %v", locked, err)
	}
	if mu, err = e.owner.ManagedUsers.Reactivate(ctx, mu.ID); err != nil || mu.Status != UserActive {
		t.Fatalf("Reactivate = %+v, %v", mu, err)
	}
	if _, err := Person(e.owner).Login(ctx, "mia@example.com", password); err != nil {
		t.Errorf("login after reactivation: %v", err)
	}
	before, err := Local(e.owner).Outbox(ctx, "mia@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.owner.ManagedUsers.SendPasswordReset(ctx, mu.ID); err != nil {
		t.Fatal(err)
	}
	after, err := Local(e.owner).Outbox(ctx, "mia@example.com")
	if err != nil || len(after) != len(before)+1 {
		t.Fatalf("outbox %d → %d, %v", len(before), len(after), err)
	}
	wantIs(t, func() error {
		_, err := e.owner.ManagedUsers.Create(ctx, ManagedUserCreateOptions{Email: "mia@example.com", FirstName: "M", LastName: "W"})
		return err
	}(), ErrConflict)
	wantIs(t, func() error { _, err := e.owner.ManagedUsers.Read(ctx, "mu_aaaaaaaaaaaaaaaa"); return err }(), ErrNotFound)
}

func TestE2EOAuthClientCredentials(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()

	oc, err := e.owner.OAuthClients.Create(ctx, OAuthClientCreateOptions{Name: "pipeline"})
	if err != nil {
		t.Fatal(err)
	}
	if oc.ClientID == "" || oc.ClientSecret == "" || !oc.Enabled {
		t.Fatalf("oauth client = %+v", oc.OAuthClient)
	}
	if all, err := e.owner.OAuthClients.List(ctx); err != nil || len(all) != 1 || all[0].ClientID != oc.ClientID {
		t.Fatalf("List = %v, %v", all, err)
	}

	// A second client authenticates with the OAuth client's id and secret and manages members.
	cc := e.client(Config{ClientID: oc.ClientID, ClientSecret: oc.ClientSecret})
	id, err := cc.Identity.Read(ctx)
	if err != nil || id.Kind != IdentityOAuthClient || id.OAuthClientID == nil || *id.OAuthClientID != oc.ID {
		t.Fatalf("identity = %+v, %v", id, err)
	}
	m := e.addMember(ctx, cc, "carl@example.com", RoleViewer)
	if m, err = cc.Members.Update(ctx, m.ID, MemberUpdateOptions{Role: RoleWriter}); err != nil || m.Role != RoleWriter {
		t.Fatalf("Update = %+v, %v", m, err)
	}
	if err := cc.Members.Delete(ctx, m.ID); err != nil {
		t.Fatal(err)
	}

	// The grant through the public service gives a usable access token.
	at, err := e.owner.Public.ClientCredentialsToken(ctx, oc.ClientID, oc.ClientSecret)
	if err != nil || at.TokenType != "Bearer" || at.ExpiresIn <= 0 {
		t.Fatalf("ClientCredentialsToken = %+v, %v", at, err)
	}
	if _, err := e.client(Config{Token: at.AccessToken}).Members.List(ctx, MemberListOptions{}); err != nil {
		t.Fatal(err)
	}
	ae := wantAPIError(t, func() error {
		_, err := e.owner.Public.ClientCredentialsToken(ctx, oc.ClientID, "wrong-secret-value")
		return err
	}(), ErrUnauthorized)
	if !strings.Contains(ae.Error(), oc.ClientID) || strings.Contains(ae.Error(), "wrong-secret-value") {
		t.Errorf("error = %q", ae)
	}

	// Disabled: refused at once, with an error naming the client id and not the secret.
	if got, err := e.owner.OAuthClients.Update(ctx, oc.ID, OAuthClientUpdateOptions{Enabled: ptr(false), Name: ptr("pipeline (off)")}); err != nil || got.Enabled || got.Name != "pipeline (off)" {
		t.Fatalf("disable = %+v, %v", got, err)
	}
	_, err = cc.Members.List(ctx, MemberListOptions{})
	ae = wantAPIError(t, err, ErrUnauthorized)
	if ae.Code != CodeUnauthorized || !strings.Contains(err.Error(), oc.ClientID) || strings.Contains(err.Error(), oc.ClientSecret) {
		t.Errorf("disabled client error = %q", err)
	}
	wantIs(t, func() error {
		_, err := e.client(Config{Token: at.AccessToken}).Members.List(ctx, MemberListOptions{})
		return err
	}(), ErrUnauthorized)
	if _, err := e.owner.OAuthClients.Update(ctx, oc.ID, OAuthClientUpdateOptions{Enabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Members.List(ctx, MemberListOptions{}); err != nil {
		t.Errorf("re-enabled client: %v", err)
	}

	// Deleted: gone for good.
	if err := e.owner.OAuthClients.Delete(ctx, oc.ID); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := e.owner.OAuthClients.Read(ctx, oc.ID); return err }(), ErrNotFound)
	wantIs(t, func() error { _, err := cc.Members.List(ctx, MemberListOptions{}); return err }(), ErrUnauthorized)
	wantIs(t, e.owner.OAuthClients.Delete(ctx, oc.ID), ErrNotFound)
}

func TestE2ELocalClockAndPlan(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	boot := e.inst.Bootstrap

	inv, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "late@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	before, err := Local(e.owner).Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after, err := Local(e.owner).AdvanceClock(ctx, 8*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if d := after.Now.Sub(before.Now); d < 8*24*time.Hour {
		t.Errorf("clock moved %v", d)
	}
	if inv, err = e.owner.Invitations.Read(ctx, inv.ID); err != nil || inv.Status != InvitationExpired {
		t.Fatalf("after 8 days = %+v, %v", inv, err)
	}
	if inv, err = e.owner.Invitations.Resend(ctx, inv.ID); err != nil || inv.Status != InvitationPending {
		t.Fatalf("Resend = %+v, %v", inv, err)
	}

	org, err := Local(e.owner).SetPlan(ctx, boot.OrganizationID, PlanTeam)
	if err != nil || org.Plan != PlanTeam {
		t.Fatalf("SetPlan = %+v, %v", org, err)
	}
	ae := wantAPIError(t, func() error { _, err := e.owner.ManagedUsers.List(ctx, ManagedUserListOptions{}); return err }(), ErrPlanRequired)
	if !strings.Contains(strings.ToLower(ae.Message), "team") {
		t.Errorf("plan_required message %q does not name the current plan", ae.Message)
	}
	if _, err := Local(e.owner).SetPlan(ctx, boot.OrganizationID, PlanEnterprise); err != nil {
		t.Fatal(err)
	}
	if _, err := e.owner.ManagedUsers.List(ctx, ManagedUserListOptions{}); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := Local(e.owner).SetPlan(ctx, "org_aaaaaaaaaaaaaaaa", PlanFree); return err }(), ErrNotFound)

	// Public and local operations need no credential.
	anon := e.client(Config{})
	if _, err := Local(anon).Clock(ctx); err != nil {
		t.Errorf("Local.Clock without a credential: %v", err)
	}
	if _, err := Person(anon).ViewInvitation(ctx, e.lastLink(ctx, "late@example.com", "invitation")); err != nil {
		t.Errorf("Public.ViewInvitation without a credential: %v", err)
	}
	if _, err := anon.Members.List(ctx, MemberListOptions{}); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Members.List without a credential: err = %v, want ErrUnauthorized", err)
	}

	if err := Local(e.owner).ResetStats(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Datasets(e.owner).List(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.stats(ctx); st["GET /datasets"] != 1 || len(st) != 1 {
		t.Errorf("stats = %v, want one GET /datasets", st)
	}
}

// The last-owner conflict has a code of its own: the client matches it with ErrLastOwner (and
// ErrConflict, as every 409), another conflict only with ErrConflict.
func TestLastOwnerConflict(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	members, err := e.owner.Members.List(ctx, MemberListOptions{})
	if err != nil || len(members) != 1 {
		t.Fatalf("members = %v, %v; want the one owner", members, err)
	}
	err = e.owner.Members.Delete(ctx, members[0].ID)
	if ae := wantAPIError(t, err, ErrLastOwner); ae.StatusCode != 409 || ae.Code != CodeLastOwner || !errors.Is(err, ErrConflict) {
		t.Errorf("removing the last owner: %v", err)
	}
	_, err = e.owner.Members.Update(ctx, members[0].ID, MemberUpdateOptions{Role: RoleWriter})
	wantIs(t, err, ErrLastOwner)
	if _, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "twice@example.com", Role: RoleViewer}); err != nil {
		t.Fatal(err)
	}
	_, err = e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "twice@example.com", Role: RoleViewer})
	if wantIs(t, err, ErrConflict); errors.Is(err, ErrLastOwner) {
		t.Errorf("a duplicate invitation matches ErrLastOwner: %v", err)
	}
}
