package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// A Redis that loses a room's keys (FLUSHALL, a restart without
// persistence) must not pass for a room that never started. The game pod
// detects the loss (its epoch check) and says so in its heartbeat; the
// status keeps what the pod's memory cannot: that the match started
// (DataIntact appears), which a replacement pod is told, and that the
// data is lost (DataIntact False), which only the room's deletion ends.

const (
	msgMatchStored = "The match's setup and action log are in Redis; a replacement pod resumes from them"
	msgDataLost    = "The game pod found that Redis lost this room's stored match (flushed, evicted, " +
		"or a restart without persistence); it refuses to play on. Delete the room; players start a new one"
	msgMatchForgotten = "The game pod reports no match, though this room's match had started: Redis lost it " +
		"(flushed, evicted, or a restart without persistence) and the pod, restarted without knowing, would deal " +
		"a new one. Delete the room; players start a new one"
)

// dataIntactCondition is the DataIntact condition the status should hold,
// or nil to leave it as it is: absent until the match starts, sticky once
// False.
func dataIntactCondition(st gamesv1.GameRoomStatus, p *Presence) *metav1.Condition {
	switch {
	case dataLost(st):
		return nil
	case p != nil && p.DataLost:
		return &metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionFalse,
			Reason: ReasonDataLost, Message: msgDataLost}
	case p != nil && forgotMatch(st, p):
		return &metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionFalse,
			Reason: ReasonDataLost, Message: msgMatchForgotten}
	case p != nil && (p.Playing || p.Finished) && !matchStored(st):
		return &metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionTrue,
			Reason: ReasonMatchStored, Message: msgMatchStored}
	}
	return nil
}

// dataLostReady is Ready while the data is lost, whatever the pod does:
// the room cannot be played.
func dataLostReady(st gamesv1.GameRoomStatus) metav1.Condition {
	return metav1.Condition{Type: gamesv1.ConditionReady, Status: metav1.ConditionFalse,
		Reason: ReasonDataLost, Message: conditionOf(st, gamesv1.ConditionDataIntact).Message}
}

// dataLostPhase: a room that lost its match is Failed, a person must act;
// a match already over stays as it ended.
func dataLostPhase(p gamesv1.GameRoomPhase) gamesv1.GameRoomPhase {
	if finalPhase(p) {
		return p
	}
	return gamesv1.PhaseFailed
}

// matchStored: the operator saw the room's match start (DataIntact is on
// record, True or False), so Redis must hold it.
func matchStored(st gamesv1.GameRoomStatus) bool {
	return meta.FindStatusCondition(st.Conditions, gamesv1.ConditionDataIntact) != nil
}

// forgotMatch: the status records the match as started, yet the pod
// reports none. A match never un-starts; only a pod that was not told it
// started (created before it, then restarted in place) over a Redis that
// lost it says so.
func forgotMatch(st gamesv1.GameRoomStatus, p *Presence) bool {
	return matchStored(st) && !p.Playing && !p.Finished && !p.DataLost
}

// dataLost: the status records the room's data as lost.
func dataLost(st gamesv1.GameRoomStatus) bool {
	return meta.IsStatusConditionFalse(st.Conditions, gamesv1.ConditionDataIntact)
}

// dataLossEvent warns once, in the pass that records the loss.
func (s *scope) dataLossEvent() {
	if dataLost(s.room.Status) && !dataLost(s.before) {
		s.warning(ReasonDataLost, "Verify", "%s", conditionOf(s.room.Status, gamesv1.ConditionDataIntact).Message)
	}
}
