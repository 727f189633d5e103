package controllers

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// Why a room is collected: the label of croupier_gamerooms_collected_total.
const (
	collectAbandoned = "abandoned"
	collectFinished  = "finished"
)

// reconcileCollection decides whether the room goes: abandoned when nobody was
// connected for idleTimeout, finished ttlAfterFinished ago, or never
// started within startTimeout (checkStart). It only
// decides; the room is deleted after its final status is written
// (collect), so the reason is on record before the room disappears.
func (r *GameRoomReconciler) reconcileCollection(_ context.Context, s *scope) (ctrl.Result, error) {
	now := r.Clock.Now()
	switch {
	case s.room.Status.Phase == gamesv1.PhaseAbandoned:
		// Written by an earlier pass that did not get to the delete.
		s.collect = collectAbandoned
		return ctrl.Result{}, nil
	case s.room.Status.Phase == gamesv1.PhaseFinished || (s.presence != nil && s.presence.Finished):
		return r.finishedTTL(s, now), nil
	case r.Redis != nil && !s.beatRead:
		// Redis did not answer: no evidence that the room is empty, nor
		// that its pod never beat.
		return ctrl.Result{}, nil
	}
	if res := r.checkStart(s, now); s.startTimedOut != nil || res.RequeueAfter > 0 {
		return res, nil
	}
	if !s.beatRead {
		return ctrl.Result{}, nil // heartbeats are not read at all: idleness is unknown
	}
	deadline, ok := idleDeadline(s.room, s.beat)
	if !ok {
		return ctrl.Result{}, nil
	}
	if now.Before(deadline) {
		return ctrl.Result{RequeueAfter: deadline.Sub(now)}, nil
	}
	if s.beat != nil && s.beat.Time.Before(deadline) {
		// The pod's last beat predates the deadline: a player who
		// connected since is only in its next one. Only a beat written
		// after the deadline that still shows nobody proves the room idle;
		// it is read as soon as it is due.
		return ctrl.Result{RequeueAfter: nextBeatWait(s.beat.Time, now, r.heartbeatPeriod())}, nil
	}
	timeout := s.room.Spec.IdleTimeoutOrDefault()
	s.abandon = &abandonment{idleSince: deadline.Add(-timeout), timeout: timeout}
	s.collect = collectAbandoned
	return ctrl.Result{}, nil
}

// beatSlack is how late after its due time a heartbeat is read: the pod
// writes it on a ticker, and the write takes a round trip.
const beatSlack = 250 * time.Millisecond

// nextBeatWait is how long until the pod's next heartbeat, due a period
// after its last, has been written. A beat already overdue is waited for
// a period (the sweep also wakes the room once it comes), and no wait is
// longer than the beat after this one, whatever the pod's clock says.
func nextBeatWait(last, now time.Time, period time.Duration) time.Duration {
	wait := last.Add(period + beatSlack).Sub(now)
	if wait <= 0 || wait > period+beatSlack {
		return period
	}
	return wait
}

// idleDeadline is when the room counts as abandoned: idleTimeout after the
// last time anyone was at the table, or after the room last became ready
// (or stopped serving) if nobody came since. A started room whose pod is
// not serving has nobody connected, so a replacement that never comes up
// is collected too, instead of holding the room forever. Every input is
// durable (the heartbeat in Redis, the status), so an operator restart
// does not reset the clock. ok is false while someone is connected, for a
// room that never started (the start rule's), and for a room waiting warm
// in a pool; a claimed room's clock starts no earlier than its claim.
func idleDeadline(room *gamesv1.GameRoom, beat *roomcontract.Beat) (time.Time, bool) {
	serving := room.Status.Phase == gamesv1.PhaseReady || room.Status.Phase == gamesv1.PhasePlaying
	if !serving && !started(room, room.Status, nil, false) || pool.IsWarm(room) || dataLost(room.Status) {
		return time.Time{}, false
	}
	var connected int32 // the players counted in the status left with the pod
	if serving {
		connected = room.Status.Players.Connected
	}
	if beat != nil {
		connected = int32(beat.Connected)
	}
	if connected > 0 {
		return time.Time{}, false
	}
	var since time.Time
	if c := meta.FindStatusCondition(room.Status.Conditions, gamesv1.ConditionReady); c != nil && (c.Status == metav1.ConditionTrue || !serving) {
		since = c.LastTransitionTime.Time
	}
	if t := room.Status.LastActivityTime; t != nil && t.After(since) {
		since = t.Time
	}
	if t, ok := pool.ClaimedAt(room); ok && t.After(since) {
		since = t
	}
	if beat != nil && beat.LastActivity.After(since) {
		since = beat.LastActivity
	}
	if since.IsZero() {
		return time.Time{}, false
	}
	return since.Add(room.Spec.IdleTimeoutOrDefault()), true
}

// finishedTTL collects a finished room once ttlAfterFinished has passed,
// and otherwise asks to be woken then.
func (r *GameRoomReconciler) finishedTTL(s *scope, now time.Time) ctrl.Result {
	deadline, ok := finishedDeadline(s.room, now)
	if !ok {
		return ctrl.Result{}
	}
	if now.Before(deadline) {
		return ctrl.Result{RequeueAfter: deadline.Sub(now)}
	}
	s.collect = collectFinished
	s.expired = fmt.Sprintf("The match finished at %s; deleting the room after ttlAfterFinished %s",
		finishedAt(s.room, now).UTC().Format(time.RFC3339), s.room.Spec.TTLAfterFinished.Duration)
	return ctrl.Result{}
}

// finishedDeadline: ok is false when the room has no ttlAfterFinished.
// A room seen finished in this pass gets its finishedTime now.
func finishedDeadline(room *gamesv1.GameRoom, now time.Time) (time.Time, bool) {
	if room.Spec.TTLAfterFinished == nil {
		return time.Time{}, false
	}
	return finishedAt(room, now).Add(room.Spec.TTLAfterFinished.Duration), true
}

func finishedAt(room *gamesv1.GameRoom, now time.Time) time.Time {
	if t := room.Status.FinishedTime; t != nil {
		return t.Time
	}
	return now
}

// collectable: the collector decided on the room and its status, as
// written, says why; a status re-read after a conflict may not.
func collectable(s *scope) bool {
	switch s.collect {
	case "":
		return false
	case collectStartTimeout:
		return s.room.Status.Phase == gamesv1.PhaseFailed
	}
	return finalPhase(s.room.Status.Phase)
}

// collect deletes a room the collector decided on, after its final status
// and events are written. The UID precondition makes a second try (a
// retry, a stale reconcile, a new leader) a no-op instead of a second
// delete; the pod goes with the room through its owner reference, and
// the finalizer then removes the room's Redis keys.
func (r *GameRoomReconciler) collect(ctx context.Context, s *scope) error {
	if !collectable(s) {
		return nil
	}
	err := r.Delete(ctx, s.room, client.Preconditions{UID: &s.room.UID}, client.PropagationPolicy(metav1.DeletePropagationBackground))
	switch {
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return nil
	case err != nil:
		return fmt.Errorf("delete %s GameRoom %s/%s: %w", s.collect, s.room.Namespace, s.room.Name, err)
	}
	roomsCollected.WithLabelValues(s.collect).Inc()
	return nil
}
