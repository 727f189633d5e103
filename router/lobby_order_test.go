package router

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// lobbyRoom is one listed room in a given state: seated of its seats
// taken, routable when its pod is ready.
func lobbyRoom(name string, seats, seated int32, phase gamesv1.GameRoomPhase, routable bool) *gamesv1.GameRoom {
	status := metav1.ConditionFalse
	if routable {
		status = metav1.ConditionTrue
	}
	gr := gameroomtest.MakeGameRoom(name, "ns").Players(seats).Listed(true).Phase(phase).
		Condition(metav1.Condition{Type: gamesv1.ConditionPodHealthy, Status: status}).Obj()
	if routable {
		gr.Status.Endpoint = "127.0.0.1:1"
	}
	gr.Status.Players.Seated = seated
	return gr
}

// The order docs/PROTOCOL.md gives the lobby: rooms a player can sit at
// now, fewest free seats first; then rooms still starting; then full or
// playing rooms; ties by name; rooms that are over left out.
func TestLobbyOrder(t *testing.T) {
	tr := startRouter(t, nil)
	for _, gr := range []*gamesv1.GameRoom{
		lobbyRoom("full", 2, 2, gamesv1.PhasePlaying, true),
		lobbyRoom("starting", 2, 0, gamesv1.PhaseStarting, false),
		lobbyRoom("b-one-free", 4, 3, gamesv1.PhaseReady, true),
		lobbyRoom("two-free", 2, 0, gamesv1.PhaseReady, true),
		lobbyRoom("a-one-free", 2, 1, gamesv1.PhaseReady, true),
		lobbyRoom("pending", 2, 0, gamesv1.PhasePending, false),
		lobbyRoom("finished", 2, 2, gamesv1.PhaseFinished, true),
		lobbyRoom("abandoned", 2, 1, gamesv1.PhaseAbandoned, true),
		lobbyRoom("failed", 2, 0, gamesv1.PhaseFailed, false),
	} {
		tr.r.table.set(gr)
	}
	var l Lobby
	if code := getJSON(t, tr.url+"/v1/rooms?game=cassino", &l); code != http.StatusOK {
		t.Fatalf("lobby: %d", code)
	}
	var got []string
	for _, r := range l.Rooms {
		got = append(got, r.Name)
	}
	want := []string{"a-one-free", "b-one-free", "two-free", "pending", "starting", "full"}
	if !slices.Equal(got, want) {
		t.Errorf("lobby order %v, want %v", got, want)
	}
}

// Without a limit the lobby holds 50 rooms and says how many it left out.
func TestLobbyDefaultLimit(t *testing.T) {
	tr := startRouter(t, nil)
	for i := range 53 {
		tr.r.table.set(lobbyRoom(fmt.Sprintf("r%02d", i), 2, 0, gamesv1.PhaseReady, true))
	}
	var l Lobby
	if code := getJSON(t, tr.url+"/v1/rooms?game=cassino", &l); code != http.StatusOK {
		t.Fatalf("lobby: %d", code)
	}
	if len(l.Rooms) != 50 || l.More != 3 {
		t.Errorf("default lobby: %d rooms, more %d; want 50 and 3", len(l.Rooms), l.More)
	}
}
