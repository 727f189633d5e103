package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// Which rooms get their pod back when it goes: every room that can still
// be played or replayed.
func TestKeepsPod(t *testing.T) {
	intact := metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionTrue}
	lost := metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionFalse}
	for _, tt := range []struct {
		name  string
		phase gamesv1.GameRoomPhase
		cond  []metav1.Condition
		want  bool
	}{
		{"pending", gamesv1.PhasePending, nil, true},
		{"ready, match on", gamesv1.PhaseReady, []metav1.Condition{intact}, true},
		{"failed", gamesv1.PhaseFailed, []metav1.Condition{lost}, true},
		{"finished: its replay is served", gamesv1.PhaseFinished, []metav1.Condition{intact}, true},
		{"finished over a lost match: its pod says so", gamesv1.PhaseFinished, []metav1.Condition{lost}, true},
		{"abandoned: about to be deleted", gamesv1.PhaseAbandoned, nil, false},
	} {
		st := gamesv1.GameRoomStatus{Phase: tt.phase, Conditions: tt.cond}
		if got := keepsPod(st); got != tt.want {
			t.Errorf("%s: keepsPod %v, want %v", tt.name, got, tt.want)
		}
	}
}
