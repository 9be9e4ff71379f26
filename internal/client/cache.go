package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// The read cache (Config.ReadCache). A Terraform refresh reads every resource by id; with a
// thousand members that is a thousand GETs. With the cache, the first read of a collection fetches
// the whole collection with paginated list calls (page size 100) and later reads are answered from
// that snapshot: N reads cost ceil(N/100) requests. Concurrent readers share one fill
// (singleflight). A snapshot serves for ReadCacheTTL.
//
// Writes through this client keep the snapshot true instead of dropping it (write-through): a
// create or an update stores the object the API answered, a delete or a revocation removes the
// object (a later read of it is then confirmed with a direct GET, which answers its exact final
// state). So an apply of N creates, each followed by reads, costs O(N) requests, not O(N²) as
// when every write dropped the whole collection. A write that happens while a fill is in flight is
// journalled and replayed onto the fill's result before it is stored, so a fill that started
// before the write never hides it. Only changes whose effects the client cannot know exactly
// drop snapshots (and make fills in flight be thrown away): a write that failed (it may still
// have happened), deactivating a service account (its tokens are revoked at a time only the
// server knows), accepting an invitation, deleting an organization, moving the local API's clock
// or changing a plan.
//
// An id missing from a snapshot is confirmed with a direct GET before the client reports it not
// found, so an object created after the snapshot (by someone else) is never mistaken for a deleted
// one.

// collection names a cached collection.
type collection string

const (
	collMembers         collection = "members"
	collInvitations     collection = "invitations"
	collServiceAccounts collection = "service-accounts"
	collManagedUsers    collection = "managed-users"
	collAPITokens       collection = "api-tokens"
	collOAuthClients    collection = "oauth-clients"
)

type readCache struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	snapshots map[collection]*snapshot
	gens      map[collection]uint64
	// fills are the fills in flight, per collection (two may overlap when a drop happened between
	// them); writes that happen meanwhile are journalled in them and replayed onto their result.
	fills map[collection]map[*fillJournal]struct{}
	group singleflight.Group
}

// fillJournal records the writes through the client made while a fill of one generation runs.
type fillJournal struct {
	gen     uint64
	changes []change
}

// change is one write's effect on a snapshot: the object the API answered (upsert), or the
// removal of an id.
type change struct {
	id     string
	email  string // lower-cased; "" when the collection has no email index
	value  any    // *T; nil for a removal
	remove bool
}

// snapshot is a whole collection at one time, kept true by the client's own writes. Values are *T
// of the collection's type; they are never changed in place (a write replaces them), so a value
// read under the lock may be used after it is released.
type snapshot struct {
	mu        sync.RWMutex
	byID      map[string]any
	byEmail   map[string]any    // members, and pending invitations: lower-cased email → *T
	emailByID map[string]string // the same ids → lower-cased email, to keep byEmail true
	taken     time.Time         // when the fill started
}

// lookupID answers the object with this id, if the snapshot has it.
func (s *snapshot) lookupID(id string) (any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.byID[id]
	return v, ok
}

// lookupEmail answers the object with this email (case-insensitive), if the snapshot has it.
func (s *snapshot) lookupEmail(email string) (any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.byEmail[textrule.Key(email)]
	return v, ok
}

// apply applies a write's effect.
func (s *snapshot) apply(ch change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byEmail != nil {
		// The id's old email entry goes, whatever the change (an email could change).
		if e, ok := s.emailByID[ch.id]; ok {
			delete(s.emailByID, ch.id)
			if s.byEmail[e] == s.byID[ch.id] {
				delete(s.byEmail, e)
			}
		}
	}
	if ch.remove {
		delete(s.byID, ch.id)
		return
	}
	s.byID[ch.id] = ch.value
	if s.byEmail != nil && ch.email != "" {
		s.byEmail[ch.email] = ch.value
		s.emailByID[ch.id] = ch.email
	}
}

func newReadCache(ttl time.Duration) *readCache {
	return &readCache{
		ttl:       ttl,
		now:       time.Now,
		snapshots: map[collection]*snapshot{},
		gens:      map[collection]uint64{},
		fills:     map[collection]map[*fillJournal]struct{}{},
	}
}

// get answers the collection's snapshot, filling it with fill when it is missing or too old.
func (rc *readCache) get(ctx context.Context, coll collection, fill func(context.Context) (*snapshot, error)) (*snapshot, error) {
	rc.mu.Lock()
	s := rc.snapshots[coll]
	gen, known := rc.gens[coll]
	if !known {
		rc.gens[coll] = 0 // known from now on: invalidateAll reaches it
	}
	if s != nil && rc.now().Sub(s.taken) < rc.ttl {
		rc.mu.Unlock()
		return s, nil
	}
	rc.mu.Unlock()

	// The generation is part of the key: a reader that arrives after a drop never joins a fill
	// that started before it.
	key := fmt.Sprintf("%s#%d", coll, gen)
	ch := rc.group.DoChan(key, func() (any, error) {
		// A fill of a generation that was dropped meanwhile runs for the readers waiting on it
		// but is not kept (its journal gets no writes: record skips old generations).
		journal := &fillJournal{gen: gen}
		rc.mu.Lock()
		if rc.fills[coll] == nil {
			rc.fills[coll] = map[*fillJournal]struct{}{}
		}
		rc.fills[coll][journal] = struct{}{}
		taken := rc.now()
		rc.mu.Unlock()

		// The fill serves every waiting reader, so one reader's cancellation must not fail it.
		s, err := fill(context.WithoutCancel(ctx))

		rc.mu.Lock()
		defer rc.mu.Unlock()
		delete(rc.fills[coll], journal)
		if err != nil {
			return nil, err
		}
		s.taken = taken
		// Writes made during the fill may or may not be in what it listed: replay them (each
		// is the object as the API answered it, or a removal, so replaying is exact).
		for _, c := range journal.changes {
			s.apply(c)
		}
		if rc.gens[coll] == journal.gen {
			rc.snapshots[coll] = s
		}
		return s, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		s, ok := res.Val.(*snapshot)
		if !ok {
			return nil, fmt.Errorf("read cache: %s filled with %T", coll, res.Val)
		}
		return s, nil
	}
}

// record applies a write's effect to the collection's snapshot and to the fill in flight.
func (rc *readCache) record(coll collection, ch change) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if s := rc.snapshots[coll]; s != nil {
		s.apply(ch)
	}
	for j := range rc.fills[coll] {
		if j.gen == rc.gens[coll] {
			j.changes = append(j.changes, ch)
		}
	}
}

// invalidate drops the snapshots of the collections; fills in flight will not be kept.
func (rc *readCache) invalidate(colls ...collection) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, c := range colls {
		rc.gens[c]++
		delete(rc.snapshots, c)
	}
}

// invalidateAll drops the snapshot of every collection ever read, for changes that may touch
// them all (deleting an organization, moving the local API's clock, changing a plan); fills in
// flight will not be kept. A collection never read has nothing to drop, so no list of
// collections is kept by hand.
func (rc *readCache) invalidateAll() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for c := range rc.gens {
		rc.gens[c]++
		delete(rc.snapshots, c)
	}
}

// invalidate drops snapshots after a change whose effects the client cannot know exactly (a
// no-op without the cache).
func (c *core) invalidate(colls ...collection) {
	if c.cache != nil {
		c.cache.invalidate(colls...)
	}
}

// invalidateAll drops every snapshot (a no-op without the cache).
func (c *core) invalidateAll() {
	if c.cache != nil {
		c.cache.invalidateAll()
	}
}

// indexed describes how a collection's objects are keyed in its snapshot.
type indexed[T any] struct {
	coll    collection
	list    func(context.Context) ([]*T, error)
	idOf    func(*T) string
	emailOf func(*T) string // nil: no email index; "" for an object left out of it
}

// upsert is the change that stores v.
func (ix indexed[T]) upsert(v *T) change {
	ch := change{id: ix.idOf(v), value: clone(v)}
	if ix.emailOf != nil {
		ch.email = textrule.Key(ix.emailOf(v))
	}
	return ch
}

// wrote keeps the read cache true after a create or an update through the client: v is the
// object the API answered. When the write failed it may still have happened (an answer lost in
// transit, retries exhausted), so the collection's snapshot is dropped.
func wrote[T any](c *core, ix indexed[T], v *T, err error) {
	if c.cache == nil {
		return
	}
	if err != nil || v == nil {
		c.cache.invalidate(ix.coll)
		return
	}
	c.cache.record(ix.coll, ix.upsert(v))
}

// removed keeps the read cache true after a delete or a revocation of id through the client: the
// id leaves the snapshot, so a later read of it is confirmed with a direct GET (which answers a
// revoked object's exact final state, or not found). Not found means it is gone all the same; any
// other error drops the snapshot, since the write may still have happened.
func removed(c *core, coll collection, id string, err error) {
	if c.cache == nil {
		return
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		c.cache.invalidate(coll)
		return
	}
	c.cache.record(coll, change{id: id, remove: true})
}

// snapshotOf answers the collection's snapshot, filling it when needed.
func snapshotOf[T any](ctx context.Context, c *core, ix indexed[T]) (*snapshot, error) {
	return c.cache.get(ctx, ix.coll, func(ctx context.Context) (*snapshot, error) {
		all, err := ix.list(ctx)
		if err != nil {
			return nil, err
		}
		s := &snapshot{byID: make(map[string]any, len(all))}
		if ix.emailOf != nil {
			s.byEmail = make(map[string]any, len(all))
			s.emailByID = make(map[string]string, len(all))
		}
		for _, v := range all {
			id := ix.idOf(v)
			s.byID[id] = v
			if ix.emailOf != nil {
				if e := textrule.Key(ix.emailOf(v)); e != "" {
					s.byEmail[e] = v
					s.emailByID[id] = e
				}
			}
		}
		return s, nil
	})
}

// cachedRead reads one object by id: from the collection's snapshot when the cache is on, with
// get as the direct read (and the confirmation of an id the snapshot lacks).
func cachedRead[T any](ctx context.Context, c *core, ix indexed[T], id string, get func(context.Context) (*T, error)) (*T, error) {
	return cachedLookup(ctx, c, ix, func(s *snapshot) (any, bool) { return s.lookupID(id) }, get)
}

// cachedReadByEmail finds an object by email (case-insensitive) in the collection's snapshot;
// direct is the uncached lookup, used without the cache and to confirm an email the snapshot
// lacks.
func cachedReadByEmail[T any](ctx context.Context, c *core, ix indexed[T], email string, direct func(context.Context) (*T, error)) (*T, error) {
	return cachedLookup(ctx, c, ix, func(s *snapshot) (any, bool) { return s.lookupEmail(email) }, direct)
}

// cachedLookup answers what lookup finds in the collection's snapshot (a copy), else what direct
// answers: without the cache, for what the snapshot lacks (created after it, or gone: the direct
// read says which), and when the collection cannot be listed (a credential that may read but not
// list, an outage), so that the caller gets the direct read's own answer.
func cachedLookup[T any](ctx context.Context, c *core, ix indexed[T], lookup func(*snapshot) (any, bool), direct func(context.Context) (*T, error)) (*T, error) {
	if c.cache == nil {
		return direct(ctx)
	}
	s, err := snapshotOf(ctx, c, ix)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return direct(ctx)
	}
	if v, ok := lookup(s); ok {
		if t, ok := v.(*T); ok {
			return clone(t), nil
		}
	}
	return direct(ctx)
}

// clone returns a shallow copy, so that callers cannot change the shared snapshot's objects.
func clone[T any](v *T) *T {
	c := *v
	return &c
}
