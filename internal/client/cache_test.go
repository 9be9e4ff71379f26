package client

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// The read cache, measured with the local API's request statistics.

const (
	routeListSA = "GET /service-accounts"
	routeGetSA  = "GET /service-accounts/{service_account_id}"
)

func TestE2EReadCacheCost(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	const n = 250
	ids := make([]string, n)
	for i := range n {
		sa, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: fmt.Sprintf("robot%03d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = sa.ID
	}
	cached := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})
	e.stats(ctx)

	// N reads cost ceil(N/100) list calls and no GET by id.
	for i, id := range ids {
		sa, err := cached.ServiceAccounts.Read(ctx, id)
		if err != nil || sa.ID != id || sa.Email != fmt.Sprintf("robot%03d@example.com", i) {
			t.Fatalf("Read(%s) = %+v, %v", id, sa, err)
		}
	}
	if st := e.stats(ctx); st[routeListSA] != 3 || st[routeGetSA] != 0 {
		t.Errorf("cached reads: %d list calls and %d GETs, want 3 and 0", st[routeListSA], st[routeGetSA])
	}

	// Without the cache, one request per read.
	plain := e.client(Config{Token: e.inst.Bootstrap.Token})
	for _, id := range ids[:40] {
		if _, err := plain.ServiceAccounts.Read(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if st := e.stats(ctx); st[routeListSA] != 0 || st[routeGetSA] != 40 {
		t.Errorf("plain reads: %d list calls and %d GETs, want 0 and 40", st[routeListSA], st[routeGetSA])
	}

	// Concurrent readers of a cold cache share one fill.
	cold := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})
	var wg sync.WaitGroup
	for g := range 25 {
		wg.Go(func() {
			for _, id := range ids[g*10 : g*10+10] {
				if sa, err := cold.ServiceAccounts.Read(ctx, id); err != nil || sa.ID != id {
					t.Errorf("Read(%s) = %v, %v", id, sa, err)
				}
			}
		})
	}
	wg.Wait()
	if st := e.stats(ctx); st[routeListSA] != 3 || st[routeGetSA] != 0 {
		t.Errorf("concurrent cached reads: %d list calls and %d GETs, want 3 and 0", st[routeListSA], st[routeGetSA])
	}

	// A caller mutating what it got does not change the snapshot.
	got, _ := cached.ServiceAccounts.Read(ctx, ids[1])
	got.Description = "mutated by the caller"
	if again, _ := cached.ServiceAccounts.Read(ctx, ids[1]); again.Description == got.Description {
		t.Errorf("the snapshot shares its objects with callers")
	}

	// A write through the client drops the snapshot: the next read refills and sees the write.
	if _, err := cached.ServiceAccounts.Update(ctx, ids[0], ServiceAccountUpdateOptions{Description: "changed"}); err != nil {
		t.Fatal(err)
	}
	if sa, err := cached.ServiceAccounts.Read(ctx, ids[0]); err != nil || sa.Description != "changed" {
		t.Fatalf("read after write = %+v, %v", sa, err)
	}
	if st := e.stats(ctx); st[routeListSA] != 3 {
		t.Errorf("after a write: %d list calls, want 3 (a refill)", st[routeListSA])
	}

	// An object created elsewhere after the snapshot is found by a confirming GET; an unknown id is
	// confirmed the same way before it is reported not found.
	fresh, err := plain.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "late@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	e.stats(ctx)
	if sa, err := cached.ServiceAccounts.Read(ctx, fresh.ID); err != nil || sa.ID != fresh.ID {
		t.Fatalf("Read(new) = %+v, %v", sa, err)
	}
	wantIs(t, func() error { _, err := cached.ServiceAccounts.Read(ctx, "sa_aaaaaaaaaaaaaaaa"); return err }(), ErrNotFound)
	if st := e.stats(ctx); st[routeListSA] != 0 || st[routeGetSA] != 2 {
		t.Errorf("misses: %d list calls and %d GETs, want 0 and 2", st[routeListSA], st[routeGetSA])
	}

	// Lists are never cached.
	for range 2 {
		if _, err := cached.ServiceAccounts.List(ctx, ServiceAccountListOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if st := e.stats(ctx); st[routeListSA] != 6 {
		t.Errorf("two lists of 251: %d list calls, want 6", st[routeListSA])
	}
}

func TestE2EReadCacheInvalidation(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	cached := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true, ReadCacheTTL: 300 * time.Millisecond})
	m1 := e.addMember(ctx, e.owner, "m1@example.com", RoleViewer)
	m2 := e.addMember(ctx, e.owner, "m2@example.com", RoleViewer)
	m3 := e.addMember(ctx, e.owner, "m3@example.com", RoleWriter)
	e.stats(ctx)

	// Reads by id and by email share the members snapshot.
	if m, err := cached.Members.Read(ctx, m1.ID); err != nil || m.Email != "m1@example.com" {
		t.Fatalf("Read = %+v, %v", m, err)
	}
	if m, err := cached.Members.ReadByEmail(ctx, "M3@Example.com"); err != nil || m.ID != m3.ID {
		t.Fatalf("ReadByEmail = %+v, %v", m, err)
	}
	if st := e.stats(ctx); st["GET /members"] != 1 || len(st) != 1 {
		t.Errorf("stats = %v, want one list call", st)
	}

	// Deleted through this client: not found at once.
	if err := cached.Members.Delete(ctx, m1.ID); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := cached.Members.Read(ctx, m1.ID); return err }(), ErrNotFound)
	wantIs(t, func() error { _, err := cached.Members.ReadByEmail(ctx, "m1@example.com"); return err }(), ErrNotFound)

	// Deleted elsewhere: not found once the snapshot has aged out.
	if err := e.owner.Members.Delete(ctx, m2.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(350 * time.Millisecond)
	wantIs(t, func() error { _, err := cached.Members.Read(ctx, m2.ID); return err }(), ErrNotFound)

	// Invitation changes drop the members snapshot (an acceptance happens outside the client).
	if _, err := cached.Members.Read(ctx, m3.ID); err != nil {
		t.Fatal(err)
	}
	e.stats(ctx)
	if _, err := cached.Invitations.Create(ctx, InvitationCreateOptions{Email: "m4@example.com", Role: RoleViewer}); err != nil {
		t.Fatal(err)
	}
	acc, err := e.owner.Public.AcceptInvitation(ctx, e.lastLink(ctx, "m4@example.com", "invitation"), "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := cached.Members.ReadByEmail(ctx, "m4@example.com"); err != nil || m.ID != acc.Member.ID {
		t.Fatalf("ReadByEmail(new member) = %+v, %v", m, err)
	}
	if st := e.stats(ctx); st["GET /members"] != 1 {
		t.Errorf("after an invitation change: %d member list calls, want 1 (a refill)", st["GET /members"])
	}

	// Deactivating a service account drops the token snapshot: its tokens read revoked at once.
	sa, err := cached.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "robot@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	satok, err := cached.APITokens.Create(ctx, APITokenCreateOptions{Name: "t", ExpiresIn: ExpiryNever, ServiceAccountID: &sa.ID, Scope: ptr(ScopeRead)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cached.APITokens.Read(ctx, satok.ID); err != nil || got.Status != TokenActive {
		t.Fatalf("token = %+v, %v", got, err)
	}
	if _, err := cached.ServiceAccounts.Deactivate(ctx, sa.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := cached.APITokens.Read(ctx, satok.ID); err != nil || got.Status != TokenRevoked {
		t.Fatalf("token after deactivation = %+v, %v", got, err)
	}

	// Every cached collection answers reads by id, and each costs one list call.
	inv, err := cached.Invitations.Create(ctx, InvitationCreateOptions{Email: "n@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	mu, err := cached.ManagedUsers.Create(ctx, ManagedUserCreateOptions{Email: "mu@example.com", FirstName: "M", LastName: "U"})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := cached.OAuthClients.Create(ctx, OAuthClientCreateOptions{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cached.APITokens.Create(ctx, APITokenCreateOptions{Name: "k", ExpiresIn: ExpiryNever}); err != nil {
		t.Fatal(err)
	}
	e.stats(ctx)
	for range 3 {
		if got, err := cached.Invitations.Read(ctx, inv.ID); err != nil || got.ID != inv.ID {
			t.Fatalf("invitation = %+v, %v", got, err)
		}
		if got, err := cached.ManagedUsers.Read(ctx, mu.ID); err != nil || got.ID != mu.ID {
			t.Fatalf("managed user = %+v, %v", got, err)
		}
		if got, err := cached.OAuthClients.Read(ctx, oc.ID); err != nil || got.ID != oc.ID {
			t.Fatalf("oauth client = %+v, %v", got, err)
		}
		if got, err := cached.APITokens.Read(ctx, satok.ID); err != nil || got.ID != satok.ID {
			t.Fatalf("token = %+v, %v", got, err)
		}
	}
	st := e.stats(ctx)
	for _, route := range []string{"GET /invitations", "GET /managed-users", "GET /oauth-clients", "GET /api-tokens"} {
		if st[route] != 1 {
			t.Errorf("%s: %d calls, want 1", route, st[route])
		}
	}
	for route, n := range st {
		if strings.Contains(route, "{") {
			t.Errorf("%s: %d direct reads, want none", route, n)
		}
	}
}
