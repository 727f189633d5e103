package controllers

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// expectationTimeout bounds how long a pool waits for the cache to show
// its own creations and deletions, in case a watch event was lost.
const expectationTimeout = time.Minute

// expectations remember, per pool, the rooms this operator created or
// deleted that its cache does not show yet. The cache lags the API server:
// a reconcile that counted rooms from it right after creating some would
// create them again. A pool with expectations outstanding is not scaled;
// the watch events that fulfil them trigger its next reconcile.
type expectations struct {
	mu    sync.Mutex
	pools map[types.NamespacedName]*pending
}

type pending struct {
	created, deleted, drained, released map[string]bool
	since                               time.Time
}

func (e *expectations) get(key types.NamespacedName, now time.Time) *pending {
	if e.pools == nil {
		e.pools = map[types.NamespacedName]*pending{}
	}
	p := e.pools[key]
	if p == nil {
		p = &pending{created: map[string]bool{}, deleted: map[string]bool{}, drained: map[string]bool{}, released: map[string]bool{}}
		e.pools[key] = p
	}
	p.since = now
	return p
}

func (e *expectations) created(key types.NamespacedName, room string, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.get(key, now).created[room] = true
}

func (e *expectations) deleted(key types.NamespacedName, room string, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.get(key, now).deleted[room] = true
}

// drained: the room was marked draining; until the cache shows the mark
// it would still count the room as a member and drain another.
func (e *expectations) drained(key types.NamespacedName, room string, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.get(key, now).drained[room] = true
}

// released: the room was claimed for the operator; until the cache shows
// the claim it would still count the room as the pool's.
func (e *expectations) released(key types.NamespacedName, room string, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.get(key, now).released[room] = true
}

// satisfied crosses off what the cache's rooms show and reports whether
// nothing is outstanding; if something is, wait is how long until the
// expectations lapse.
func (e *expectations) satisfied(key types.NamespacedName, rooms []gamesv1.GameRoom, now time.Time) (ok bool, wait time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.pools[key]
	if p == nil {
		return true, 0
	}
	seen := make(map[string]bool, len(rooms))
	// undrained: rooms the cache shows without the draining mark;
	// unclaimed: without the claimed label.
	undrained, unclaimed := map[string]bool{}, map[string]bool{}
	for i := range rooms {
		// A room being deleted (held by its finalizer) counts as deleted.
		seen[rooms[i].Name] = rooms[i].DeletionTimestamp == nil
		undrained[rooms[i].Name] = !pool.IsDraining(&rooms[i]) && !pool.IsClaimed(&rooms[i])
		unclaimed[rooms[i].Name] = !pool.IsClaimed(&rooms[i])
	}
	for name := range p.created {
		if _, ok := seen[name]; ok {
			delete(p.created, name)
		}
	}
	for name := range p.deleted {
		if !seen[name] {
			delete(p.deleted, name)
		}
	}
	for name := range p.drained {
		if !undrained[name] {
			delete(p.drained, name)
		}
	}
	for name := range p.released {
		if !unclaimed[name] {
			delete(p.released, name)
		}
	}
	if len(p.created) == 0 && len(p.deleted) == 0 && len(p.drained) == 0 && len(p.released) == 0 {
		delete(e.pools, key)
		return true, 0
	}
	if lapse := p.since.Add(expectationTimeout); now.Before(lapse) {
		return false, lapse.Sub(now)
	}
	delete(e.pools, key)
	return true, 0
}

// forget drops a pool's expectations (the pool is gone).
func (e *expectations) forget(key types.NamespacedName) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.pools, key)
}
