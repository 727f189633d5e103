package controllers

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// event is queued during a reconcile and emitted only once the status
// write succeeded, so a retried reconcile does not announce twice.
type event struct {
	kind, reason, action, note string
}

func (s *scope) normal(reason, action, format string, args ...any) {
	s.events = append(s.events, event{corev1.EventTypeNormal, reason, action, fmt.Sprintf(format, args...)})
}

func (s *scope) warning(reason, action, format string, args ...any) {
	s.events = append(s.events, event{corev1.EventTypeWarning, reason, action, fmt.Sprintf(format, args...)})
}

// creationEvent announces a replacement pod; a room's first pod has no
// event, since the status written with it (podName, phase Starting) says
// as much, and an event is one more API write per room. It runs after the
// status write, because a status read from a lagging cache may not show
// the previous pod yet, and the write's conflict is what refreshes it.
func (s *scope) creationEvent() {
	if s.createdPod && s.before.PodName != "" {
		s.normal(EventPodReplaced, "Create", "Pod %s was gone; created a replacement", PodName(s.room.Name))
	}
}

// problemReasons have an event of their own, sent when the reason first
// appears: a pod stuck in a back-off is reconciled again and again, and
// its room must not repeat itself.
var problemReasons = map[string]string{
	ReasonNamespaceNotPrepared: "Create",
	ReasonImagePullFailed:      "Start",
	ReasonCrashLooping:         "Start",
	ReasonConfigMissing:        "Start",
	ReasonUnschedulable:        "Start",
}

// problemEvents announces why the pod cannot start, once per reason, and a
// room that did not start in time.
func (s *scope) problemEvents() {
	after := conditionOf(s.room.Status, gamesv1.ConditionPodHealthy)
	if action, ok := problemReasons[after.Reason]; ok &&
		conditionOf(s.before, gamesv1.ConditionPodHealthy).Reason != after.Reason {
		s.warning(after.Reason, action, "%s", after.Message)
	}
	if s.startTimedOut != nil {
		s.warning(ReasonStartTimeout, "Delete", "%s", readyMessage(s.room.Status))
	}
	s.dataLossEvent()
}

// phaseEvents announces the phase changes a user waits for.
func (s *scope) phaseEvents() {
	before, after := s.before.Phase, s.room.Status.Phase
	if before == after {
		return
	}
	switch after {
	case gamesv1.PhaseReady:
		s.normal(EventRoomReady, "Ready", "Room is ready at %s", s.room.Status.Endpoint)
	case gamesv1.PhaseFailed:
		if r := conditionOf(s.room.Status, gamesv1.ConditionReady).Reason; r == ReasonStartTimeout || r == ReasonDataLost || problemReasons[r] != "" {
			return // problemEvents said it
		}
		s.warning(EventRoomFailed, "Fail", "%s", readyMessage(s.room.Status))
	case gamesv1.PhaseFinished:
		s.normal(EventRoomFinished, "Finish", "The match is over")
	case gamesv1.PhaseAbandoned:
		s.normal(EventRoomAbandoned, "Delete", "Nobody was connected for %s; deleting the room",
			s.room.Spec.IdleTimeoutOrDefault())
	}
}

func readyMessage(st gamesv1.GameRoomStatus) string {
	return conditionOf(st, gamesv1.ConditionReady).Message
}

// conditionOf is the condition of type typ, or a zero one.
func conditionOf(st gamesv1.GameRoomStatus, typ string) metav1.Condition {
	if c := meta.FindStatusCondition(st.Conditions, typ); c != nil {
		return *c
	}
	return metav1.Condition{}
}

func emit(rec events.EventRecorder, s *scope) {
	for _, e := range s.events {
		// The note is a format string for the recorder; pass it as an argument
		// so a '%' in a pod message cannot garble it.
		rec.Eventf(s.room, nil, e.kind, e.reason, e.action, "%s", e.note)
	}
}
