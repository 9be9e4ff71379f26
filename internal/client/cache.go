package client

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// The read cache (Config.ReadCache). A Terraform refresh reads every resource by id; with a
// thousand members that is a thousand GETs. With the cache, the first read of a collection fetches
// the whole collection with paginated list calls (page size 100) and later reads are answered from
// that snapshot: N reads cost ceil(N/100) requests. Concurrent readers share one fill
// (singleflight). A snapshot serves for ReadCacheTTL and is dropped by any write through this
// client to its collection or to a collection it depends on. An id missing from a snapshot is
// confirmed with a direct GET before the client reports it not found, so an object created after
// the snapshot (by someone else) is never mistaken for a deleted one.

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

// allCollections is every cached collection, for changes that may touch them all (deleting an
// organization, moving the local API's clock).
var allCollections = []collection{collMembers, collInvitations, collServiceAccounts, collManagedUsers, collAPITokens, collOAuthClients}

type readCache struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	snapshots map[collection]*snapshot
	gens      map[collection]uint64
	group     singleflight.Group
}

// snapshot is a whole collection at one time. Values are *T of the collection's type.
type snapshot struct {
	byID    map[string]any
	byEmail map[string]any // members only: lower-cased email → *Member
	taken   time.Time      // when the fill started
}

func newReadCache(ttl time.Duration) *readCache {
	return &readCache{
		ttl:       ttl,
		now:       time.Now,
		snapshots: map[collection]*snapshot{},
		gens:      map[collection]uint64{},
	}
}

// get answers the collection's snapshot, filling it with fill when it is missing or too old.
func (rc *readCache) get(ctx context.Context, coll collection, fill func(context.Context) (*snapshot, error)) (*snapshot, error) {
	rc.mu.Lock()
	s := rc.snapshots[coll]
	gen := rc.gens[coll]
	if s != nil && rc.now().Sub(s.taken) < rc.ttl {
		rc.mu.Unlock()
		return s, nil
	}
	rc.mu.Unlock()

	// The generation is part of the key: a reader that arrives after a write never joins a fill
	// that started before it.
	key := fmt.Sprintf("%s#%d", coll, gen)
	ch := rc.group.DoChan(key, func() (any, error) {
		taken := rc.now()
		// The fill serves every waiting reader, so one reader's cancellation must not fail it.
		s, err := fill(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		s.taken = taken
		rc.mu.Lock()
		if rc.gens[coll] == gen {
			rc.snapshots[coll] = s
		}
		rc.mu.Unlock()
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

// invalidate drops the snapshots of the collections; fills in flight will not be kept.
func (rc *readCache) invalidate(colls ...collection) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, c := range colls {
		rc.gens[c]++
		delete(rc.snapshots, c)
	}
}

// invalidate drops snapshots after a write (a no-op without the cache). It is called whatever the
// write's outcome: a write that failed in transit may still have happened.
func (c *core) invalidate(colls ...collection) {
	if c.cache != nil {
		c.cache.invalidate(colls...)
	}
}

// indexed describes how a collection's objects are keyed in its snapshot.
type indexed[T any] struct {
	coll    collection
	list    func(context.Context) ([]*T, error)
	idOf    func(*T) string
	emailOf func(*T) string // nil: no email index
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
		}
		for _, v := range all {
			s.byID[ix.idOf(v)] = v
			if ix.emailOf != nil {
				s.byEmail[strings.ToLower(ix.emailOf(v))] = v
			}
		}
		return s, nil
	})
}

// cachedRead reads one object by id: from the collection's snapshot when the cache is on, with
// get as the direct read (and the confirmation of an id the snapshot lacks).
func cachedRead[T any](ctx context.Context, c *core, ix indexed[T], id string, get func(context.Context) (*T, error)) (*T, error) {
	if c.cache == nil {
		return get(ctx)
	}
	s, err := snapshotOf(ctx, c, ix)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		// The collection could not be listed (a credential that may read but not list, an
		// outage): read the object directly, so the caller gets the read's own answer.
		return get(ctx)
	}
	if v, ok := s.byID[id].(*T); ok {
		return clone(v), nil
	}
	return get(ctx)
}

// cachedReadByEmail finds an object by email (case-insensitive) in the collection's snapshot;
// direct is the uncached lookup, used without the cache and to confirm an email the snapshot
// lacks.
func cachedReadByEmail[T any](ctx context.Context, c *core, ix indexed[T], email string, direct func(context.Context) (*T, error)) (*T, error) {
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
	if v, ok := s.byEmail[strings.ToLower(email)].(*T); ok {
		return clone(v), nil
	}
	return direct(ctx)
}

// clone returns a shallow copy, so that callers cannot change the shared snapshot's objects.
func clone[T any](v *T) *T {
	c := *v
	return &c
}
