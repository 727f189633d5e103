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
	}{
		{"warm", warm, feedWarm, 0},
		{"warm, pod not healthy", func() *gamesv1.GameRoom { r := warm(); r.Status.Conditions = nil; return r }, feedOut, 0},
		{"warm, starting", func() *gamesv1.GameRoom { r := warm(); r.Status.Phase = gamesv1.PhaseStarting; return r }, feedOut, 0},
		{"warm, someone seated", func() *gamesv1.GameRoom { r := warm(); r.Status.Players.Seated = 1; return r }, feedOut, 0},
		{"draining", func() *gamesv1.GameRoom { r := warm(); pool.Drain(r, now.Time); return r }, feedDrained, 0},
		{"being deleted", func() *gamesv1.GameRoom { r := warm(); r.DeletionTimestamp = &now; return r }, feedDrained, 0},
		{"claimed label written", func() *gamesv1.GameRoom { r := warm(); pool.Claim(r, "x", now.Time); return r }, feedLabelled, 0},
		{"claimed and draining: the claim wins", func() *gamesv1.GameRoom {
			r := warm()
			pool.Drain(r, now.Time)
			r.Labels[pool.LabelClaimed] = "true"
			return r
		}, feedLabelled, 0},
		{"listed, 3 free", func() *gamesv1.GameRoom { r := listedRoom(); r.Status.Players.Seated = 1; return r }, feedOpen, 3},
		{"listed, full", func() *gamesv1.GameRoom { r := listedRoom(); r.Status.Players.Seated = 4; return r }, feedClosed, 0},
		{"listed, playing", func() *gamesv1.GameRoom { r := listedRoom(); r.Status.Phase = gamesv1.PhasePlaying; return r }, feedClosed, 0},
		{"neither pool nor listed: closed, out of the lobby", func() *gamesv1.GameRoom { return ready(gameroomtest.MakeGameRoom("x", "ns").Obj()) }, feedClosed, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.room()
			got := roomState(r)
			if got.state != tc.state || got.free != tc.free {
				t.Errorf("roomState = %+v, want %s free %d", got, tc.state, tc.free)
			}
			if got.bucket != TableOf(&r.Spec).Bucket() {
				t.Errorf("bucket %s, want the room's table", got.bucket)
			}
		})
	}
}
