package controllers

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	ctrlevent "sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// sweepBatch is how many heartbeats one pipelined round trip reads.
const sweepBatch = 1000

// heartbeatSweep reads every room's heartbeat once per interval, in
// pipelined batches, and wakes only the rooms that need their reconciler:
// a deadline passed (silent pod, idle room, finished TTL) or the status
// would show something new. A steady room costs one HGETALL per interval
// and no reconcile and no API call. Everything it reads comes from the
// informer cache, without copies.
type heartbeatSweep struct {
	r        *GameRoomReconciler
	cache    cache.Cache
	interval time.Duration
	wake     chan<- ctrlevent.GenericEvent
}

// NeedLeaderElection: only the leader acts on heartbeats.
func (w *heartbeatSweep) NeedLeaderElection() bool { return true }

// Start runs the sweep until ctx ends.
func (w *heartbeatSweep) Start(ctx context.Context) error {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := w.pass(ctx); err != nil {
				log.FromContext(ctx).Error(err, "heartbeat sweep")
			}
		}
	}
}

// pass is one sweep over every room.
func (w *heartbeatSweep) pass(ctx context.Context) error {
	start := time.Now()
	defer func() { sweepDuration.Observe(time.Since(start).Seconds()) }()
	rooms, err := w.rooms(ctx)
	if err != nil {
		return err
	}
	podOf, err := w.pods(ctx)
	if err != nil {
		return err
	}
	countPhases(rooms)
	countPlayers(rooms)
	keys := make([]roomcontract.Room, sweepBatch)
	for lo := 0; lo < len(rooms); lo += sweepBatch {
		batch := rooms[lo:min(lo+sweepBatch, len(rooms))]
		if err := w.sweepBatch(ctx, batch, keys[:len(batch)], podOf); err != nil {
			return err
		}
	}
	return nil
}

// rooms are the cached rooms themselves, read in place: a List, even
// without deep copies, copies every room's struct into the list, megabytes
// per sweep at 10,000 rooms, to be collected again at once.
func (w *heartbeatSweep) rooms(ctx context.Context) ([]*gamesv1.GameRoom, error) {
	if store := storeOf(ctx, w.cache, &gamesv1.GameRoom{}); store != nil {
		items := store.List()
		out := make([]*gamesv1.GameRoom, 0, len(items))
		for _, it := range items {
			if r, ok := it.(*gamesv1.GameRoom); ok {
				out = append(out, r)
			}
		}
		return out, nil
	}
	var list gamesv1.GameRoomList
	if err := w.r.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	out := make([]*gamesv1.GameRoom, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}

// pods finds a cached game pod by its key: in the informer's store when
// the cache exposes one (pods watched in every namespace), else in a map
// built from a List (pods watched in some namespaces).
func (w *heartbeatSweep) pods(ctx context.Context) (func(client.ObjectKey) *corev1.Pod, error) {
	if store := storeOf(ctx, w.cache, &corev1.Pod{}); store != nil {
		return func(k client.ObjectKey) *corev1.Pod {
			it, ok, err := store.GetByKey(k.Namespace + "/" + k.Name)
			if !ok || err != nil {
				return nil
			}
			pod, _ := it.(*corev1.Pod)
			return pod
		}, nil
	}
	var pods corev1.PodList
	if err := w.r.List(ctx, &pods, client.HasLabels{LabelRoom}, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	podOf := make(map[client.ObjectKey]*corev1.Pod, len(pods.Items))
	for i := range pods.Items {
		podOf[client.ObjectKeyFromObject(&pods.Items[i])] = &pods.Items[i]
	}
	return func(k client.ObjectKey) *corev1.Pod { return podOf[k] }, nil
}

// storeOf is the store of the cache's informer for obj, nil when the
// cache does not keep one store (an informer per namespace) or is not an
// informer cache. Its objects are the cache's own: read, never written.
func storeOf(ctx context.Context, c cache.Cache, obj client.Object) toolscache.Store {
	if c == nil {
		return nil
	}
	inf, err := c.GetInformer(ctx, obj, cache.BlockUntilSynced(false))
	if err != nil {
		return nil
	}
	if s, ok := inf.(interface{ GetStore() toolscache.Store }); ok {
		return s.GetStore()
	}
	return nil
}

func (w *heartbeatSweep) sweepBatch(ctx context.Context, rooms []*gamesv1.GameRoom, keys []roomcontract.Room,
	podOf func(client.ObjectKey) *corev1.Pod) error {
	for i := range rooms {
		keys[i] = roomcontract.For(rooms[i].Namespace, rooms[i].Name)
	}
	rctx, cancel := context.WithTimeout(ctx, redisTimeout)
	beats, errs, err := roomcontract.ReadBeats(rctx, w.r.Redis, keys)
	cancel()
	now := w.r.Clock.Now()
	for _, room := range rooms {
		if w.cleanupOverdue(room, now) {
			w.enqueue(ctx, room)
		}
	}
	w.r.redisDown.Store(err != nil)
	if err != nil {
		redisErrors.WithLabelValues("sweep").Inc()
		heartbeatsKnown.Set(0)
		// Each room records that its heartbeats are unknown, once.
		for _, room := range rooms {
			if room.DeletionTimestamp.IsZero() && heartbeatsStatus(room) != metav1.ConditionFalse &&
				!finalPhase(room.Status.Phase) {
				w.enqueue(ctx, room)
			}
		}
		return nil
	}
	heartbeatsKnown.Set(1)
	for i, room := range rooms {
		var beat *roomcontract.Beat
		if errs[i] == nil && checkBeat(beats[i], room) == nil {
			beat = &beats[i]
			heartbeatAge.Observe(now.Sub(beat.Time).Seconds())
			w.r.seen.store(types.NamespacedName{Namespace: room.Namespace, Name: room.Name}, room.UID, beat.Time)
		}
		pod := func() *corev1.Pod {
			return podOf(client.ObjectKey{Namespace: room.Namespace, Name: PodName(room.Name)})
		}
		if due(room, pod, beat, now) {
			w.enqueue(ctx, room)
		}
	}
	return nil
}

// cleanupOverdue: a deleted room still waits for Redis past the cleanup
// bound; its retry timer may be up to a minute away, and the bound is a
// promise.
func (w *heartbeatSweep) cleanupOverdue(room *gamesv1.GameRoom, now time.Time) bool {
	return !room.DeletionTimestamp.IsZero() && controllerutil.ContainsFinalizer(room, gamesv1.FinalizerRedisCleanup) &&
		now.Sub(room.DeletionTimestamp.Time) >= w.r.cleanupTimeout()
}

func (w *heartbeatSweep) enqueue(ctx context.Context, room *gamesv1.GameRoom) {
	ev := ctrlevent.GenericEvent{Object: &gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Namespace: room.Namespace, Name: room.Name}}}
	select {
	case w.wake <- ev:
	case <-ctx.Done():
	}
}

// due tells whether a room needs its reconciler now, from its heartbeat
// and the cached room and pod. It errs towards waking: the reconciler
// re-reads and decides for itself.
//
// pod is asked for only when the answer can depend on it: a steady room's
// fresh heartbeat settles both the silence and the start rules. Looking
// up every room's pod (a key built, a store read, the pod's memory
// brought back into the CPU's cache once a period) was about a third of
// a sweep's CPU in the operator's profile.
func due(room *gamesv1.GameRoom, pod func() *corev1.Pod, beat *roomcontract.Beat, now time.Time) bool {
	if !room.DeletionTimestamp.IsZero() {
		return false
	}
	switch room.Status.Phase {
	case gamesv1.PhaseAbandoned:
		return true // its delete did not happen yet
	case gamesv1.PhaseFinished:
		deadline, ok := finishedDeadline(room, now)
		return ok && !now.Before(deadline) || finishedPlayersBehind(room, beat) || forgotFinishedMatch(beat)
	}
	if heartbeatsStatus(room) != metav1.ConditionTrue {
		return true
	}
	// The silence deadline is never before the beat's time plus the timeout.
	if beat == nil || !now.Before(beat.Time.Add(room.Spec.HeartbeatTimeoutOrDefault())) {
		if d, ok := silenceDeadline(room, pod(), beat, time.Time{}); ok && !now.Before(d) {
			return true
		}
	}
	if d, ok := idleDeadline(room, beat); ok && !now.Before(d) {
		return true
	}
	// Started without the pod's word is started whatever the pod shows.
	if !started(room, room.Status, nil, beat != nil) {
		if d, ok := startDeadline(room, pod(), beat); ok && !now.Before(d) {
			return true
		}
	}
	return beat != nil && statusBehind(room, *beat)
}

// statusBehind: the heartbeat says something the status does not show yet.
func statusBehind(room *gamesv1.GameRoom, b roomcontract.Beat) bool {
	st := room.Status
	p := presenceOf(b)
	switch {
	case st.Players.Seated != p.Seated || st.Players.Connected != p.Connected:
		return true
	case p.Finished:
		return st.Phase != gamesv1.PhaseFailed // not final yet, or due() would have returned
	case p.Playing && st.Phase == gamesv1.PhaseReady, p.DataLost && !dataLost(st):
		return true
	}
	return timesDue(room, p)
}

func heartbeatsStatus(room *gamesv1.GameRoom) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(room.Status.Conditions, gamesv1.ConditionHeartbeatsKnown); c != nil {
		return c.Status
	}
	return metav1.ConditionUnknown
}

var allPhases = []gamesv1.GameRoomPhase{gamesv1.PhasePending, gamesv1.PhaseStarting, gamesv1.PhaseReady,
	gamesv1.PhasePlaying, gamesv1.PhaseFinished, gamesv1.PhaseAbandoned, gamesv1.PhaseFailed}

func countPhases(rooms []*gamesv1.GameRoom) {
	n := make(map[gamesv1.GameRoomPhase]int, len(allPhases))
	for _, room := range rooms {
		n[room.Status.Phase]++
	}
	for _, p := range allPhases {
		roomsByPhase.WithLabelValues(string(p)).Set(float64(n[p]))
	}
}
