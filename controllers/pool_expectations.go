package controllers

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
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
	created, deleted map[string]bool
	since            time.Time
}

func (e *expectations) get(key types.NamespacedName, now time.Time) *pending {
	if e.pools == nil {
		e.pools = map[types.NamespacedName]*pending{}
	}
	p := e.pools[key]
	if p == nil {
		p = &pending{created: map[string]bool{}, deleted: map[string]bool{}}
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
	for i := range rooms {
		// A room being deleted (held by its finalizer) counts as deleted.
		seen[rooms[i].Name] = rooms[i].DeletionTimestamp == nil
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
	if len(p.created) == 0 && len(p.deleted) == 0 {
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
