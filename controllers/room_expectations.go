package controllers

import (
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// podExpectationTTL bounds how long a created pod the cache has not shown
// yet is trusted: long past any watch delay, short enough that a pod
// deleted before the cache ever saw it is recreated soon.
const podExpectationTTL = time.Minute

// writeExpectations remember this operator's own writes until the
// informer cache shows them. Each write of a room (finalizer, status,
// pod) comes back through the watch as an event that reconciles the room
// again; reconciling the version from before the write would repeat the
// write against an outdated resourceVersion (a conflict), or create the
// pod again (AlreadyExists): API requests that change nothing. A reconcile
// of a room the cache shows as it was before this operator's write is
// skipped, since the watch event of that write is on its way and
// reconciles the room again.
type writeExpectations struct {
	mu    sync.Mutex
	rooms map[types.NamespacedName]*roomWrites
}

type roomWrites struct {
	uid types.UID
	// superseded are resourceVersions this operator's writes replaced.
	superseded []string
	// pod is the pod this operator created and the cache has not shown
	// yet, and when it was created.
	pod   *corev1.Pod
	podAt time.Time
}

func (e *writeExpectations) entry(room *gamesv1.GameRoom) *roomWrites {
	if e.rooms == nil {
		e.rooms = map[types.NamespacedName]*roomWrites{}
	}
	key := types.NamespacedName{Namespace: room.Namespace, Name: room.Name}
	w := e.rooms[key]
	if w == nil || w.uid != room.UID {
		w = &roomWrites{uid: room.UID}
		e.rooms[key] = w
	}
	return w
}

// wrote records a write of the room that replaced resourceVersion from
// with to.
func (e *writeExpectations) wrote(room *gamesv1.GameRoom, from, to string) {
	if from == to {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.entry(room)
	w.superseded = append(w.superseded, from)
}

// outdated reports whether the cached room is a version this operator's
// own write has already replaced. A version it does not know (someone
// else's write, or the cache caught up) forgets the room's writes.
func (e *writeExpectations) outdated(room *gamesv1.GameRoom) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.rooms[types.NamespacedName{Namespace: room.Namespace, Name: room.Name}]
	if w == nil || w.uid != room.UID || len(w.superseded) == 0 {
		return false
	}
	for _, rv := range w.superseded {
		if rv == room.ResourceVersion {
			return true
		}
	}
	w.superseded = nil
	e.prune(room, w)
	return false
}

// createdPod records the pod just created for the room.
func (e *writeExpectations) createdPod(room *gamesv1.GameRoom, pod *corev1.Pod, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.entry(room)
	w.pod, w.podAt = pod, now
}

// pendingPod is the pod created for the room that the cache does not show
// yet, nil when there is none or it was created too long ago.
func (e *writeExpectations) pendingPod(room *gamesv1.GameRoom, now time.Time) *corev1.Pod {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.rooms[types.NamespacedName{Namespace: room.Namespace, Name: room.Name}]
	if w == nil || w.uid != room.UID || w.pod == nil {
		return nil
	}
	if now.Sub(w.podAt) >= podExpectationTTL {
		w.pod = nil
		e.prune(room, w)
		return nil
	}
	return w.pod
}

// sawPod: the cache shows the room's pod, whichever it is.
func (e *writeExpectations) sawPod(room *gamesv1.GameRoom) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w := e.rooms[types.NamespacedName{Namespace: room.Namespace, Name: room.Name}]; w != nil && w.pod != nil {
		w.pod = nil
		e.prune(room, w)
	}
}

// forget drops what is remembered of a room that is gone.
func (e *writeExpectations) forget(key types.NamespacedName) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.rooms, key)
}

// prune drops an entry that remembers nothing, so the map holds only the
// rooms with writes in flight. Called with mu held.
func (e *writeExpectations) prune(room *gamesv1.GameRoom, w *roomWrites) {
	if w.pod == nil && len(w.superseded) == 0 {
		delete(e.rooms, types.NamespacedName{Namespace: room.Namespace, Name: room.Name})
	}
}
