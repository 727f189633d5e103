package controllers

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// collectStartTimeout labels rooms collected because they never started.
const collectStartTimeout = "start_timeout"

// startTimeout is the verdict of the start rule.
type startTimeout struct {
	created time.Time
	timeout time.Duration
}

// startedCondition is True once the room has started (see startDeadline)
// and stays True; while False it says what the pod waits for and when the
// room will be collected.
func startedCondition(o observed, st gamesv1.GameRoomStatus, h podHealth) metav1.Condition {
	c := metav1.Condition{Type: gamesv1.ConditionStarted, Status: metav1.ConditionTrue, Reason: ReasonRoomStarted,
		Message: "The game pod became ready; spec.startTimeout no longer applies"}
	if prev := meta.FindStatusCondition(st.Conditions, gamesv1.ConditionStarted); prev != nil && prev.Status == metav1.ConditionTrue {
		return *prev
	}
	if started(o.room, st, o.pod, o.presence != nil) || h.healthy {
		return c
	}
	c.Status, c.Reason = metav1.ConditionFalse, h.reason
	c.Message = fmt.Sprintf("The game pod has not been ready yet; the room is deleted if it is not by %s (spec.startTimeout %s from its creation)",
		o.room.CreationTimestamp.Add(o.room.Spec.StartTimeoutOrDefault()).UTC().Format(time.RFC3339), o.room.Spec.StartTimeoutOrDefault())
	if o.startTimedOut != nil {
		c.Reason, c.Message = ReasonStartTimeout, fmt.Sprintf("The game pod did not become ready within spec.startTimeout %s", o.startTimedOut.timeout)
	}
	return c
}

// started: there is evidence the room's game pod was ready once, in the
// status (Started, a serving or final phase, a heartbeat time), a pod
// ready now, or a heartbeat just read.
func started(room *gamesv1.GameRoom, st gamesv1.GameRoomStatus, pod *corev1.Pod, beat bool) bool {
	switch st.Phase {
	case gamesv1.PhaseReady, gamesv1.PhasePlaying, gamesv1.PhaseFinished, gamesv1.PhaseAbandoned:
		return true
	}
	if c := meta.FindStatusCondition(st.Conditions, gamesv1.ConditionStarted); c != nil && c.Status == metav1.ConditionTrue {
		return true
	}
	return beat || st.LastHeartbeatTime != nil || (pod != nil && metav1.IsControlledBy(pod, room) && podReady(pod))
}

// startDeadline is when a room that never started is collected:
// spec.startTimeout after the room's creation. It counts from creation,
// not from the latest pod, so a room whose pods keep failing cannot
// restart its own clock. ok is false once the room has started (its
// Started condition, or the evidence of started); after that a broken pod is the heartbeat rule's business, and
// an empty room the idle rule's.
func startDeadline(room *gamesv1.GameRoom, pod *corev1.Pod, beat *roomcontract.Beat) (time.Time, bool) {
	if started(room, room.Status, pod, beat != nil) {
		return time.Time{}, false
	}
	return room.CreationTimestamp.Add(room.Spec.StartTimeoutOrDefault()), true
}

// checkStart collects a room that did not start in time, and otherwise
// asks to be woken at its deadline.
func (r *GameRoomReconciler) checkStart(s *scope, now time.Time) ctrl.Result {
	deadline, ok := startDeadline(s.room, s.pod, s.beat)
	if !ok {
		return ctrl.Result{}
	}
	if now.Before(deadline) {
		return ctrl.Result{RequeueAfter: deadline.Sub(now)}
	}
	s.startTimedOut = &startTimeout{created: s.room.CreationTimestamp.Time, timeout: s.room.Spec.StartTimeoutOrDefault()}
	s.collect = collectStartTimeout
	return ctrl.Result{}
}

// startTimeoutCondition is the room's last Ready condition: why it goes,
// with what kept its pod from starting (h).
func startTimeoutCondition(t *startTimeout, h podHealth) metav1.Condition {
	return metav1.Condition{Type: gamesv1.ConditionReady, Status: metav1.ConditionFalse, Reason: ReasonStartTimeout,
		Message: fmt.Sprintf("The game pod did not become ready within startTimeout %s of the room's creation (%s); "+
			"the room is deleted. Last seen: %s: %s", t.timeout, t.created.UTC().Format(time.RFC3339), h.reason, h.message)}
}
