package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

const (
	// redisTimeout bounds one Redis call of a reconcile, so an unreachable
	// Redis cannot hold a worker.
	redisTimeout = 2 * time.Second
	// unknownRetry re-reads a room whose heartbeat could not be read; the
	// sweep usually wakes it sooner, as soon as Redis answers again.
	unknownRetry = time.Minute
)

// reconcileHeartbeat reads the room's heartbeat (one HGETALL), turns it
// into the room's presence, and replaces a pod that went silent.
func (r *GameRoomReconciler) reconcileHeartbeat(ctx context.Context, s *scope) (ctrl.Result, error) {
	if r.Redis == nil || s.room.Status.Phase == gamesv1.PhaseAbandoned {
		return ctrl.Result{}, nil
	}
	if s.room.Status.Phase == gamesv1.PhaseFinished {
		return r.reconcileFinishedPresence(ctx, s)
	}
	if r.redisDown.Load() {
		s.heartbeats = unknownCondition()
		return ctrl.Result{RequeueAfter: unknownRetry}, nil
	}
	beat, err := readBeat(ctx, r.Redis, s.room)
	if err != nil {
		redisErrors.WithLabelValues("read").Inc()
		heartbeatsKnown.Set(0)
		s.heartbeats = unknownCondition()
		log.FromContext(ctx).Info("heartbeat unknown: cannot read Redis", "error", err.Error())
		return ctrl.Result{RequeueAfter: unknownRetry}, nil
	}
	heartbeatsKnown.Set(1)
	s.beatRead, s.beat = true, beat
	key := client.ObjectKeyFromObject(s.room)
	if beat != nil {
		r.seen.store(key, s.room.UID, beat.Time)
	}
	s.heartbeats = knownCondition(beat)
	if beat != nil {
		s.presence = presenceOf(*beat)
	}
	if deadline, ok := silenceDeadline(s.room, s.pod, beat, r.seen.load(key, s.room.UID)); ok && !r.Clock.Now().Before(deadline) {
		return ctrl.Result{}, r.replaceSilentPod(ctx, s)
	}
	if uninformed(s) {
		return ctrl.Result{}, r.replaceUninformedPod(ctx, s)
	}
	return ctrl.Result{}, nil
}

// uninformed: the pod reports no match where the status recorded one
// (forgotMatch), and it was not told the match had started: it would deal
// a new match to whoever joins. A replacement is told (podspec.go), so it
// refuses instead, as a pod that found the loss itself does.
func uninformed(s *scope) bool {
	return untoldPod(s) && s.presence != nil && forgotMatch(s.room.Status, s.presence)
}

// untoldPod: the room's own pod, not being deleted, not told that the
// match had started.
func untoldPod(s *scope) bool {
	return s.pod != nil && s.pod.DeletionTimestamp == nil && metav1.IsControlledBy(s.pod, s.room) && !toldMatchStarted(s.pod)
}

func toldMatchStarted(pod *corev1.Pod) bool {
	for _, c := range pod.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == roomcontract.EnvMatchStarted {
				return true
			}
		}
	}
	return false
}

func (r *GameRoomReconciler) replaceUninformedPod(ctx context.Context, s *scope) error {
	deleted, err := r.deletePod(ctx, s.pod)
	if err != nil || !deleted {
		return err
	}
	podsReplaced.WithLabelValues("data_lost").Inc()
	s.warning(EventPodUninformed, "Delete", "Pod %s was not told this room's match had started, and Redis lost the match; "+
		"deleted it so that its replacement refuses to deal a new one", s.pod.Name)
	return nil
}

// readBeat returns the room's heartbeat, nil when Redis has none (never
// written, expired, or unreadable garbage), and an error only when Redis
// itself did not answer.
func readBeat(ctx context.Context, rc redis.UniversalClient, room *gamesv1.GameRoom) (*roomcontract.Beat, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	beats, errs, err := roomcontract.ReadBeats(ctx, rc, []roomcontract.Room{roomcontract.For(room.Namespace, room.Name)})
	if err != nil {
		return nil, err
	}
	if errs[0] == nil {
		errs[0] = checkBeat(beats[0], room)
	}
	if errs[0] != nil {
		if !errors.Is(errs[0], roomcontract.ErrNoBeat) {
			log.FromContext(ctx).Info("ignoring a malformed heartbeat", "error", errs[0].Error())
		}
		return nil, nil
	}
	return &beats[0], nil
}

// checkBeat rejects a heartbeat no honest game pod of this room writes:
// it is read like no heartbeat at all (so a pod that writes garbage is,
// in time, a silent pod), and never reaches the status.
func checkBeat(b roomcontract.Beat, room *gamesv1.GameRoom) error {
	seats := int(room.Spec.MaxPlayersOrDefault())
	switch {
	case b.Seated < 0 || b.Seated > seats:
		return fmt.Errorf("heartbeat of %s/%s: %d seated, the room has %d seats", room.Namespace, room.Name, b.Seated, seats)
	case b.Connected < 0 || b.Connected > b.Seated:
		return fmt.Errorf("heartbeat of %s/%s: %d connected of %d seated", room.Namespace, room.Name, b.Connected, b.Seated)
	case b.Phase != roomcontract.PhaseWaiting && b.Phase != roomcontract.PhasePlaying && b.Phase != roomcontract.PhaseFinished:
		return fmt.Errorf("heartbeat of %s/%s: unknown phase %q", room.Namespace, room.Name, b.Phase)
	}
	return nil
}

func unknownCondition() *metav1.Condition {
	return &metav1.Condition{Type: gamesv1.ConditionHeartbeatsKnown, Status: metav1.ConditionFalse,
		Reason:  ReasonRedisUnreachable,
		Message: "The operator cannot read heartbeats from Redis; nothing is replaced or collected for missing heartbeats until it can"}
}

func knownCondition(beat *roomcontract.Beat) *metav1.Condition {
	c := &metav1.Condition{Type: gamesv1.ConditionHeartbeatsKnown, Status: metav1.ConditionTrue,
		Reason: ReasonHeartbeatRead, Message: "The game pod's heartbeat is read from Redis"}
	if beat == nil {
		c.Reason, c.Message = ReasonNoHeartbeat, "Redis answers; the game pod has not written a heartbeat (yet)"
	}
	return c
}

// presenceOf maps a heartbeat to what the status shows.
func presenceOf(b roomcontract.Beat) *Presence {
	return &Presence{
		Seated:        int32(b.Seated),
		Connected:     int32(b.Connected),
		Playing:       b.Phase == roomcontract.PhasePlaying,
		Finished:      b.Phase == roomcontract.PhaseFinished,
		LastHeartbeat: b.Time,
		LastActivity:  b.LastActivity,
		DataLost:      b.DataLost,
	}
}

// silenceDeadline is when the room's pod counts as silent: heartbeatTimeout
// after the latest sign of life, the newest of its heartbeat and the
// moment it became ready. ok is false when the rule does not apply: no
// ready pod of this room, or a room whose match is over.
//
// seen is the newest heartbeat this operator read of the room: a key that
// vanished before it expired (FLUSHALL, deleted) does not make a pod that
// beat a moment ago silent.
func silenceDeadline(room *gamesv1.GameRoom, pod *corev1.Pod, beat *roomcontract.Beat, seen time.Time) (time.Time, bool) {
	healthy := meta.FindStatusCondition(room.Status.Conditions, gamesv1.ConditionPodHealthy)
	if pod == nil || !metav1.IsControlledBy(pod, room) || pod.DeletionTimestamp != nil ||
		!podReady(pod) || finalPhase(room.Status.Phase) || healthy == nil || healthy.Status != metav1.ConditionTrue {
		// Not ready, or ready only since this very reconcile: the status
		// stamps that moment, and the clock starts from it.
		return time.Time{}, false
	}
	last := readySince(healthy, pod)
	if beat != nil && beat.Time.After(last) {
		last = beat.Time
	}
	if beat == nil && seen.After(last) {
		last = seen
	}
	if t := room.Status.LastHeartbeatTime; t != nil && t.After(last) {
		last = t.Time
	}
	return last.Add(room.Spec.HeartbeatTimeoutOrDefault()), true
}

// seenBeats remembers the time of the newest heartbeat read of each room
// (of this room: its UID), by a reconcile or by the sweep: a steady room
// is read only by the sweep, so without it a key that vanished would be
// judged from a beat of the room's last reconcile, perhaps an hour old.
// An operator that restarts forgets it and falls back to the status.
type seenBeats struct{ m sync.Map } // types.NamespacedName → *seenBeat

type seenBeat struct {
	room types.UID
	at   atomic.Int64 // Unix ns
}

// store records at if it is newer than what the room has; a room's entry
// is made once and updated in place, so a sweep allocates nothing here.
func (b *seenBeats) store(key types.NamespacedName, room types.UID, at time.Time) {
	if v, ok := b.m.Load(key); ok && v.(*seenBeat).room == room {
		s := v.(*seenBeat)
		for ns := at.UnixNano(); ; {
			old := s.at.Load()
			if ns <= old || s.at.CompareAndSwap(old, ns) {
				return
			}
		}
	}
	s := &seenBeat{room: room}
	s.at.Store(at.UnixNano())
	b.m.Store(key, s)
}

func (b *seenBeats) load(key types.NamespacedName, room types.UID) time.Time {
	if v, ok := b.m.Load(key); ok && v.(*seenBeat).room == room {
		return time.Unix(0, v.(*seenBeat).at.Load())
	}
	return time.Time{}
}

func (b *seenBeats) forget(key types.NamespacedName) { b.m.Delete(key) }

// readySince is when the current pod became ready, as far as durable
// records tell: the room's PodHealthy condition (stamped by the operator's
// clock), the pod's own Ready condition and its creation. A heartbeat
// older than that came from a previous pod of the room (same name) and
// does not count against this one.
func readySince(healthy *metav1.Condition, pod *corev1.Pod) time.Time {
	t := pod.CreationTimestamp.Time
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue && c.LastTransitionTime.After(t) {
			t = c.LastTransitionTime.Time
		}
	}
	if healthy.LastTransitionTime.After(t) {
		t = healthy.LastTransitionTime.Time
	}
	return t
}

// replaceSilentPod deletes exactly the pod that was seen silent; the
// deletion brings the room back, and reconcilePod creates the new pod,
// which resumes the game from Redis.
func (r *GameRoomReconciler) replaceSilentPod(ctx context.Context, s *scope) error {
	deleted, err := r.deletePod(ctx, s.pod)
	if err != nil {
		return fmt.Errorf("delete silent pod %s: %w", s.pod.Name, err)
	}
	if !deleted {
		return nil
	}
	s.silent = true
	podsReplaced.WithLabelValues("heartbeat_timeout").Inc()
	s.warning(EventPodSilent, "Delete", "Pod %s sent no heartbeat for %s; deleted it to start a replacement",
		s.pod.Name, s.room.Spec.HeartbeatTimeoutOrDefault())
	return nil
}
