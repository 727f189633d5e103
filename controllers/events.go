package controllers

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
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

// creationEvent tells a first pod from a replacement by whether the room
// ever had one. It runs after the status write, because a status read from
// a lagging cache may not show the previous pod yet, and the write's
// conflict is what refreshes it.
func (s *scope) creationEvent() {
	if !s.createdPod {
		return
	}
	name := PodName(s.room.Name)
	if s.before.PodName != "" {
		s.normal(EventPodReplaced, "Create", "Pod %s was gone; created a replacement", name)
		return
	}
	s.normal(EventPodCreated, "Create", "Created pod %s", name)
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
		s.warning(EventRoomFailed, "Fail", "%s", readyMessage(s.room.Status))
	case gamesv1.PhaseFinished:
		s.normal(EventRoomFinished, "Finish", "The match is over")
	case gamesv1.PhaseAbandoned:
		s.normal(EventRoomAbandoned, "Delete", "Nobody was connected for %s; deleting the room",
			s.room.Spec.IdleTimeoutOrDefault())
	}
}

func readyMessage(st gamesv1.GameRoomStatus) string {
	for _, c := range st.Conditions {
		if c.Type == gamesv1.ConditionReady {
			return c.Message
		}
	}
	return ""
}

func emit(rec events.EventRecorder, s *scope) {
	for _, e := range s.events {
		// The note is a format string for the recorder; pass it as an argument
		// so a '%' in a pod message cannot garble it.
		rec.Eventf(s.room, nil, e.kind, e.reason, e.action, "%s", e.note)
	}
}
