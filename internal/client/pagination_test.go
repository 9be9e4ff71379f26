package client

import (
	"fmt"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// Pages: one request per page of 100, made only when the caller asks for the next page.

const routeListInvitations = "GET /invitations"

func TestE2EPagesStreamOnDemand(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	const n = 250
	for i := range n {
		if _, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: fmt.Sprintf("page%03d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	e.stats(ctx)

	// Every page, in creation order, one request each.
	var sizes []int
	seen := map[string]bool{}
	for data, err := range e.owner.ServiceAccounts.Pages(ctx, ServiceAccountListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(data))
		for _, sa := range data {
			if seen[sa.ID] {
				t.Fatalf("%s yielded twice", sa.ID)
			}
			seen[sa.ID] = true
		}
	}
	if fmt.Sprint(sizes) != "[100 100 50]" || len(seen) != n {
		t.Errorf("pages of %v (%d objects), want [100 100 50] (%d)", sizes, len(seen), n)
	}
	if st := e.stats(ctx); st[routeListSA] != 3 {
		t.Errorf("reading every page cost %d list calls, want 3", st[routeListSA])
	}

	// A caller that stops after the first page pays for one request only.
	for data, err := range e.owner.ServiceAccounts.Pages(ctx, ServiceAccountListOptions{}) {
		if err != nil || len(data) != 100 {
			t.Fatalf("first page: %d objects, %v", len(data), err)
		}
		break
	}
	if st := e.stats(ctx); st[routeListSA] != 1 {
		t.Errorf("stopping after the first page cost %d list calls, want 1", st[routeListSA])
	}

	// Filters reach the API.
	locked := UserLocked
	count := 0
	for data, err := range e.owner.ServiceAccounts.Pages(ctx, ServiceAccountListOptions{Status: &locked}) {
		if err != nil {
			t.Fatal(err)
		}
		count += len(data)
	}
	if count != 0 {
		t.Errorf("status=locked: %d service accounts, want 0", count)
	}

	// Invalid options fail before any request, as the last (only) pair.
	bad := UserStatus("sleeping")
	calls := 0
	for data, err := range e.owner.ServiceAccounts.Pages(ctx, ServiceAccountListOptions{Status: &bad}) {
		calls++
		if data != nil || err == nil {
			t.Errorf("invalid status: yielded %v, %v; want nil and an error", data, err)
		}
	}
	if calls != 1 {
		t.Errorf("invalid status: %d pairs yielded, want 1", calls)
	}
	if st := e.stats(ctx); st[routeListSA] != 1 {
		t.Errorf("the filtered and the invalid lists cost %d list calls, want 1", st[routeListSA])
	}

	// A failed request is yielded as the last pair.
	dead := e.client(Config{Token: "oat_AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", MaxRetries: -1})
	calls = 0
	for data, err := range dead.OAuthClients.Pages(ctx) {
		calls++
		if data != nil {
			t.Errorf("a refused credential yielded %d objects", len(data))
		}
		wantIs(t, err, ErrUnauthorized)
	}
	if calls != 1 {
		t.Errorf("a refused credential: %d pairs yielded, want 1", calls)
	}
}

func TestE2EInvitationsPendingByEmail(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	const n = 150
	for i := range n {
		if _, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: fmt.Sprintf("Invitee%03d@Example.com", i), Role: RoleViewer}); err != nil {
			t.Fatal(err)
		}
	}
	expired, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: "late@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Local(e.owner).AdvanceClock(ctx, 8*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	// Sent after the clock moved: still pending.
	var fresh []*Invitation
	for i := range n {
		inv, err := e.owner.Invitations.Create(ctx, InvitationCreateOptions{Email: fmt.Sprintf("fresh%03d@example.com", i), Role: RoleWriter})
		if err != nil {
			t.Fatal(err)
		}
		fresh = append(fresh, inv)
	}
	cached := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})
	e.stats(ctx)

	// Every lookup answered from one snapshot: 301 invitations, 4 pages.
	for i, want := range fresh {
		inv, found := cached.Invitations.PendingByEmail(ctx, fmt.Sprintf("FRESH%03d@example.com", i))
		if !found || inv.ID != want.ID || inv.Status != InvitationPending {
			t.Fatalf("PendingByEmail(fresh%03d) = %+v, %v; want %s", i, inv, found, want.ID)
		}
	}
	// Expired (sent before the clock moved) and unknown emails are misses, never confirmed.
	for _, email := range []string{"invitee000@example.com", expired.Email, "nobody@example.com"} {
		if inv, found := cached.Invitations.PendingByEmail(ctx, email); found {
			t.Errorf("PendingByEmail(%s) = %+v, want a miss", email, inv)
		}
	}
	if st := e.stats(ctx); st[routeListInvitations] != 4 || len(st) != 1 {
		t.Errorf("%d lookups cost %v, want 4 list calls of invitations and nothing else", n+3, st)
	}

	// The snapshot follows the client's own writes: a revoked invitation is no longer pending.
	if err := cached.Invitations.Revoke(ctx, fresh[0].ID); err != nil {
		t.Fatal(err)
	}
	if inv, found := cached.Invitations.PendingByEmail(ctx, fresh[0].Email); found {
		t.Errorf("after revoking it, PendingByEmail(%s) = %+v, want a miss", fresh[0].Email, inv)
	}
	if st := e.stats(ctx); len(st) != 1 {
		t.Errorf("revoking, then looking up, cost %v; want the revocation only", st)
	}

	// Without the read cache, always a miss, and no request.
	plain := e.client(Config{Token: e.inst.Bootstrap.Token})
	if inv, found := plain.Invitations.PendingByEmail(ctx, fresh[1].Email); found {
		t.Errorf("without the cache: PendingByEmail = %+v, want a miss", inv)
	}
	if st := e.stats(ctx); len(st) != 0 {
		t.Errorf("without the cache, a lookup cost %v; want no request", st)
	}
}
