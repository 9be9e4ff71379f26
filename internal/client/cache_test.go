package client

import (
	"context"
	"errors"
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

	// A write through the client is written through to the snapshot: the next read sees it
	// without a refill.
	e.stats(ctx)
	if _, err := cached.ServiceAccounts.Update(ctx, ids[0], ServiceAccountUpdateOptions{Description: "changed"}); err != nil {
		t.Fatal(err)
	}
	if sa, err := cached.ServiceAccounts.Read(ctx, ids[0]); err != nil || sa.Description != "changed" {
		t.Fatalf("read after write = %+v, %v", sa, err)
	}
	if st := e.stats(ctx); st[routeListSA] != 0 || st[routeGetSA] != 0 {
		t.Errorf("after a write: %d list calls and %d GETs, want none (written through)", st[routeListSA], st[routeGetSA])
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

	// A member who joined elsewhere after the snapshot (an invitation accepted outside the client)
	// is found by the confirming lookup by email, and the invitation reads accepted once the
	// snapshot has aged out.
	if _, err := cached.Members.Read(ctx, m3.ID); err != nil {
		t.Fatal(err)
	}
	inv4, err := cached.Invitations.Create(ctx, InvitationCreateOptions{Email: "m4@example.com", Role: RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cached.Invitations.Read(ctx, inv4.ID); err != nil || got.Status != InvitationPending {
		t.Fatalf("new invitation = %+v, %v", got, err)
	}
	e.stats(ctx)
	acc, err := Person(e.owner).AcceptInvitation(ctx, e.lastLink(ctx, "m4@example.com", "invitation"), "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := cached.Members.ReadByEmail(ctx, "m4@example.com"); err != nil || m.ID != acc.Member.ID {
		t.Fatalf("ReadByEmail(new member) = %+v, %v", m, err)
	}
	if st := e.stats(ctx); st["GET /members"] != 1 {
		t.Errorf("a member who joined elsewhere: %d member list calls, want 1 (the confirming lookup)", st["GET /members"])
	}
	time.Sleep(350 * time.Millisecond)
	if got, err := cached.Invitations.Read(ctx, inv4.ID); err != nil || got.Status != InvitationAccepted {
		t.Fatalf("invitation accepted elsewhere = %+v, %v", got, err)
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
	// A new client (a new Terraform run): each collection costs one list call.
	cached = e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})
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

// An apply: N creates, each followed by reads (the resource's own and others'), through one cached
// client, then N reads (the refresh of the next run's first steps). Write-through keeps it to
// O(N/100) list calls and no GET by id; dropping the snapshot on every write made it O(N²).
func TestE2EReadCacheWriteThroughScales(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	const n = 300
	// An organization that already has 150 service accounts and 150 tokens.
	for i := range 150 {
		sa, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: fmt.Sprintf("old%03d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "old", ExpiresIn: ExpiryNever, ServiceAccountID: &sa.ID, Scope: ptr(ScopeRead)}); err != nil {
			t.Fatal(err)
		}
	}
	cached := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})
	e.stats(ctx)

	// Ten workers, as Terraform's default parallelism, create and read back.
	saIDs := make([]string, n)
	tokIDs := make([]string, n)
	var wg sync.WaitGroup
	for w := range 10 {
		wg.Go(func() {
			for i := w; i < n; i += 10 {
				sa, err := cached.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: fmt.Sprintf("robot%03d@example.com", i)})
				if err != nil {
					t.Error(err)
					return
				}
				saIDs[i] = sa.ID
				tok, err := cached.APITokens.Create(ctx, APITokenCreateOptions{Name: fmt.Sprintf("t%03d", i), ExpiresIn: Expiry90d, ServiceAccountID: &sa.ID, Scope: ptr(ScopeReadWrite)})
				if err != nil {
					t.Error(err)
					return
				}
				tokIDs[i] = tok.ID
				if got, err := cached.ServiceAccounts.Read(ctx, sa.ID); err != nil || got.Email != sa.Email {
					t.Errorf("Read(%s) = %+v, %v", sa.ID, got, err)
				}
				if got, err := cached.APITokens.Read(ctx, tok.ID); err != nil || got.Name != tok.Name || got.Status != TokenActive {
					t.Errorf("Read(%s) = %+v, %v", tok.ID, got, err)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for i := range n {
		if got, err := cached.ServiceAccounts.Read(ctx, saIDs[i]); err != nil || got.ID != saIDs[i] {
			t.Fatalf("Read(%s) = %+v, %v", saIDs[i], got, err)
		}
		if got, err := cached.APITokens.Read(ctx, tokIDs[i]); err != nil || got.ID != tokIDs[i] {
			t.Fatalf("Read(%s) = %+v, %v", tokIDs[i], got, err)
		}
	}
	st := e.stats(ctx)
	if st["POST /service-accounts"] != n || st["POST /api-tokens"] != n {
		t.Errorf("creates: %v", st)
	}
	// One fill of each collection (150 objects: 2 pages), whatever the interleaving.
	if st[routeListSA] > 2 || st["GET /api-tokens"] > 2 {
		t.Errorf("list calls: %d service-account pages and %d token pages for %d creates and %d reads, want at most 2 each",
			st[routeListSA], st["GET /api-tokens"], 2*n, 4*n)
	}
	for route, k := range st {
		if strings.Contains(route, "{") {
			t.Errorf("%s: %d direct reads, want none (every write is in the snapshot)", route, k)
		}
	}

	// Deletes and revocations remove the object; the next read confirms with one GET, which
	// answers the exact final state.
	if err := cached.APITokens.Revoke(ctx, tokIDs[0]); err != nil {
		t.Fatal(err)
	}
	if got, err := cached.APITokens.Read(ctx, tokIDs[0]); err != nil || got.Status != TokenRevoked || got.RevokedAt == nil {
		t.Fatalf("revoked token = %+v, %v", got, err)
	}
	oc, err := cached.OAuthClients.Create(ctx, OAuthClientCreateOptions{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cached.OAuthClients.Read(ctx, oc.ID); err != nil || got.Name != "c" {
		t.Fatalf("oauth client = %+v, %v", got, err)
	}
	if err := cached.OAuthClients.Delete(ctx, oc.ID); err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error { _, err := cached.OAuthClients.Read(ctx, oc.ID); return err }(), ErrNotFound)
	st = e.stats(ctx)
	if st["GET /api-tokens/{token_id}"] != 1 || st["GET /oauth-clients/{oauth_client_id}"] != 1 || st["GET /oauth-clients"] != 1 {
		t.Errorf("after a revocation and a delete: %v, want one confirming GET each and one client list", st)
	}
	// The created object in the snapshot carries no secret.
	rc := cached.core.cache
	rc.mu.Lock()
	for _, v := range rc.snapshots[collAPITokens].byID {
		if _, ok := v.(*APIToken); !ok {
			t.Errorf("token snapshot holds a %T", v)
		}
	}
	rc.mu.Unlock()
}

// Writes through the client while a fill is in flight are replayed onto the fill's result; a drop
// during a fill means the fill is not kept.
func TestReadCacheFillJournal(t *testing.T) {
	rc := newReadCache(time.Hour)
	ix := indexed[Member]{
		coll:    collMembers,
		idOf:    func(m *Member) string { return m.ID },
		emailOf: func(m *Member) string { return m.Email },
	}
	listed := []*Member{{ID: "mem_a", Email: "A@example.com", Role: RoleViewer}, {ID: "mem_b", Email: "b@example.com", Role: RoleViewer}}
	started, release := make(chan struct{}), make(chan struct{})
	blockingFill := func(context.Context) (*snapshot, error) {
		close(started)
		<-release
		s := &snapshot{byID: map[string]any{}, byEmail: map[string]any{}, emailByID: map[string]string{}}
		for _, m := range listed {
			s.byID[m.ID], s.byEmail[strings.ToLower(m.Email)], s.emailByID[m.ID] = m, m, strings.ToLower(m.Email)
		}
		return s, nil
	}
	done := make(chan *snapshot)
	go func() {
		s, err := rc.get(context.Background(), collMembers, blockingFill)
		if err != nil {
			t.Error(err)
		}
		done <- s
	}()
	<-started
	// During the fill: a create the list may not have seen, an update it saw in its old state, a
	// delete.
	rc.record(collMembers, ix.upsert(&Member{ID: "mem_c", Email: "c@example.com", Role: RoleWriter}))
	rc.record(collMembers, ix.upsert(&Member{ID: "mem_a", Email: "A@example.com", Role: RoleOwner}))
	rc.record(collMembers, change{id: "mem_b", remove: true})
	close(release)
	s := <-done
	if v, ok := s.lookupID("mem_c"); !ok || v.(*Member).Role != RoleWriter {
		t.Errorf("mem_c = %v, %v; want the create replayed", v, ok)
	}
	if v, ok := s.lookupEmail("a@EXAMPLE.com"); !ok || v.(*Member).Role != RoleOwner {
		t.Errorf("mem_a by email = %v, %v; want the update replayed", v, ok)
	}
	if _, ok := s.lookupID("mem_b"); ok {
		t.Errorf("mem_b is still in the snapshot after its delete")
	}
	if _, ok := s.lookupEmail("b@example.com"); ok {
		t.Errorf("mem_b's email is still in the snapshot after its delete")
	}
	if got, _ := rc.get(context.Background(), collMembers, nil); got != s {
		t.Errorf("the filled snapshot was not kept")
	}

	// A drop during a fill: the fill answers its waiting reader but is not kept.
	rc2 := newReadCache(time.Hour)
	started, release = make(chan struct{}), make(chan struct{})
	go func() {
		s, err := rc2.get(context.Background(), collMembers, blockingFill)
		if err != nil {
			t.Error(err)
		}
		done <- s
	}()
	<-started
	rc2.invalidate(collMembers)
	rc2.record(collMembers, ix.upsert(&Member{ID: "mem_d", Email: "d@example.com"}))
	close(release)
	<-done
	rc2.mu.Lock()
	kept := rc2.snapshots[collMembers]
	journals := len(rc2.fills[collMembers])
	rc2.mu.Unlock()
	if kept != nil {
		t.Errorf("a fill that started before a drop was kept")
	}
	if journals != 0 {
		t.Errorf("%d fill journals left behind", journals)
	}
}

// invalidateAll drops the snapshot of every collection ever read, without a list of them, and a
// fill in flight during it is not kept.
func TestReadCacheInvalidateAll(t *testing.T) {
	rc := newReadCache(time.Hour)
	empty := func(context.Context) (*snapshot, error) {
		return &snapshot{byID: map[string]any{}, byEmail: map[string]any{}, emailByID: map[string]string{}}, nil
	}
	for _, coll := range []collection{collMembers, collOAuthClients} {
		if _, err := rc.get(context.Background(), coll, empty); err != nil {
			t.Fatal(err)
		}
	}
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		_, err := rc.get(context.Background(), collAPITokens, func(ctx context.Context) (*snapshot, error) {
			close(started)
			<-release
			return empty(ctx)
		})
		if err != nil {
			t.Error(err)
		}
	}()
	<-started
	rc.invalidateAll()
	close(release)
	<-done
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, coll := range []collection{collMembers, collOAuthClients, collAPITokens} {
		if rc.snapshots[coll] != nil {
			t.Errorf("%s: a snapshot survived invalidateAll", coll)
		}
	}
}

// Drift made outside the client is seen: by a new client at once (each Terraform run is a new
// provider process), and by the same client once its snapshot ages out; a failed write drops the
// snapshot.
func TestE2EReadCacheSeesDrift(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{})
	ctx := t.Context()
	m1 := e.addMember(ctx, e.owner, "d1@example.com", RoleViewer)
	m2 := e.addMember(ctx, e.owner, "d2@example.com", RoleViewer)
	sa, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "drift-robot@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.owner.APITokens.Create(ctx, APITokenCreateOptions{Name: "t", ExpiresIn: ExpiryNever, ServiceAccountID: &sa.ID, Scope: ptr(ScopeRead)})
	if err != nil {
		t.Fatal(err)
	}
	const ttl = 200 * time.Millisecond
	run1 := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true, ReadCacheTTL: ttl})
	for _, id := range []string{m1.ID, m2.ID} {
		if _, err := run1.Members.Read(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run1.APITokens.Read(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}

	// Outside the client: a role changed, a member removed, a token revoked.
	if _, err := e.owner.Members.Update(ctx, m1.ID, MemberUpdateOptions{Role: RoleWriter}); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.Members.Delete(ctx, m2.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.APITokens.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	check := func(c *Client, who string) {
		t.Helper()
		if m, err := c.Members.Read(ctx, m1.ID); err != nil || m.Role != RoleWriter {
			t.Errorf("%s: changed member = %+v, %v; want role writer", who, m, err)
		}
		if m, err := c.Members.ReadByEmail(ctx, "d1@example.com"); err != nil || m.Role != RoleWriter {
			t.Errorf("%s: changed member by email = %+v, %v; want role writer", who, m, err)
		}
		if _, err := c.Members.Read(ctx, m2.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: removed member: err = %v, want not found", who, err)
		}
		if _, err := c.Members.ReadByEmail(ctx, "d2@example.com"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: removed member by email: err = %v, want not found", who, err)
		}
		if got, err := c.APITokens.Read(ctx, tok.ID); err != nil || got.Status != TokenRevoked {
			t.Errorf("%s: revoked token = %+v, %v", who, got, err)
		}
	}
	check(e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true}), "a new client")
	time.Sleep(ttl + 50*time.Millisecond)
	check(run1, "the same client after the TTL")

	// A write that fails drops the snapshot (it may have happened): the next read refills.
	if _, err := run1.Members.Read(ctx, m1.ID); err != nil {
		t.Fatal(err)
	}
	owner, err := run1.Members.ReadByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	wantIs(t, func() error {
		_, err := run1.Members.Update(ctx, owner.ID, MemberUpdateOptions{Role: RoleViewer})
		return err
	}(), ErrConflict)
	e.stats(ctx)
	if _, err := run1.Members.Read(ctx, m1.ID); err != nil {
		t.Fatal(err)
	}
	if st := e.stats(ctx); st["GET /members"] != 1 {
		t.Errorf("after a failed write: %d member list calls, want 1 (a refill)", st["GET /members"])
	}
}
