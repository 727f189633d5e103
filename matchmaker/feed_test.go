package matchmaker

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

func TestRoomState(t *testing.T) {
	now := metav1.Now()
	ready := func(gr *gamesv1.GameRoom) *gamesv1.GameRoom {
		gr.Status.Phase = gamesv1.PhaseReady
		gr.Status.Endpoint = "10.0.0.1:7000"
		gr.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionTrue}}
		return gr
	}
	warm := func() *gamesv1.GameRoom {
		r := gameroomtest.MakeGameRoom("w", "ns").Players(2).Obj()
		r.Labels = map[string]string{pool.LabelPool: "quick"}
		return ready(r)
	}
	listedRoom := func() *gamesv1.GameRoom {
		return ready(gameroomtest.MakeGameRoom("l", "ns").Players(4).Listed(true).Obj())
	}
	cases := []struct {
		name  string
		room  func() *gamesv1.GameRoom
		state string
		free  int32
		fed   bool
	}{
		{"warm", warm, feedWarm, 0, true},
		{"warm, pod not healthy", func() *gamesv1.GameRoom { r := warm(); r.Status.Conditions = nil; return r }, feedOut, 0, true},
		{"warm, starting", func() *gamesv1.GameRoom { r := warm(); r.Status.Phase = gamesv1.PhaseStarting; return r }, feedOut, 0, true},
		{"warm, someone seated", func() *gamesv1.GameRoom { r := warm(); r.Status.Players.Seated = 1; return r }, feedOut, 0, true},
		{"draining", func() *gamesv1.GameRoom { r := warm(); pool.Drain(r, now.Time); return r }, feedDrained, 0, true},
		{"being deleted", func() *gamesv1.GameRoom { r := warm(); r.DeletionTimestamp = &now; return r }, feedDrained, 0, true},
		{"claimed label written", func() *gamesv1.GameRoom { r := warm(); pool.Claim(r, "x", now.Time); return r }, feedLabelled, 0, true},
		{"claimed and draining: the claim wins", func() *gamesv1.GameRoom {
			r := warm()
			pool.Drain(r, now.Time)
			r.Labels[pool.LabelClaimed] = "true"
			return r
		}, feedLabelled, 0, true},
		{"listed, 3 free", func() *gamesv1.GameRoom { r := listedRoom(); r.Status.Players.Seated = 1; return r }, feedOpen, 3, true},
		{"listed, full", func() *gamesv1.GameRoom { r := listedRoom(); r.Status.Players.Seated = 4; return r }, feedClosed, 0, true},
		{"listed, playing", func() *gamesv1.GameRoom { r := listedRoom(); r.Status.Phase = gamesv1.PhasePlaying; return r }, feedClosed, 0, true},
		{"neither pool nor listed", func() *gamesv1.GameRoom { return ready(gameroomtest.MakeGameRoom("x", "ns").Obj()) }, "", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.room()
			got, fed := roomState(r)
			if fed != tc.fed || got.state != tc.state || got.free != tc.free {
				t.Errorf("roomState = %+v %v, want %s free %d fed %v", got, fed, tc.state, tc.free, tc.fed)
			}
			if fed && got.bucket != TableOf(&r.Spec).Bucket() {
				t.Errorf("bucket %s, want the room's table", got.bucket)
			}
		})
	}
}
