package controllers

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

func TestCountPlayersSumsTheRoomsStatus(t *testing.T) {
	withPlayers := func(name string, seated, connected int32) *gamesv1.GameRoom {
		r := gameroomtest.MakeGameRoom(name, "games").Obj()
		r.Status.Players = gamesv1.Players{Seated: seated, Connected: connected}
		return r
	}
	for _, tt := range []struct {
		name              string
		rooms             []*gamesv1.GameRoom
		seated, connected float64
	}{
		{"no rooms", nil, 0, 0},
		{"full and half-connected", []*gamesv1.GameRoom{withPlayers("a", 4, 4), withPlayers("b", 2, 1), withPlayers("c", 0, 0)}, 6, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			countPlayers(tt.rooms)
			if got := testutil.ToFloat64(roomPlayers.WithLabelValues("seated")); got != tt.seated {
				t.Errorf("seated = %v, want %v", got, tt.seated)
			}
			if got := testutil.ToFloat64(roomPlayers.WithLabelValues("connected")); got != tt.connected {
				t.Errorf("connected = %v, want %v", got, tt.connected)
			}
		})
	}
}
