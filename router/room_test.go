package router

import (
	"encoding/json"
	"net/http"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// getJSON reads a router answer into out and returns its status.
func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp.StatusCode
}

// A room's facts and its lobby entry say whether it may be watched, from
// the GameRoom's spec.spectators, so a client offers watch mode only where
// POST .../watch can succeed; the lobby links to watch mode only then.
func TestRoomFactsAndLobbySaySpectators(t *testing.T) {
	tr := startRouter(t, nil)
	ready := metav1.Condition{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionTrue}
	watched := gameroomtest.MakeGameRoom("watched", "ns").Players(2).Spectators(true, 3, 2).Listed(true).
		Phase(gamesv1.PhaseReady).Condition(ready).Obj()
	private := gameroomtest.MakeGameRoom("private", "ns").Players(2).Listed(true).Phase(gamesv1.PhaseReady).Condition(ready).Obj()
	for _, gr := range []*gamesv1.GameRoom{watched, private} {
		gr.Status.Endpoint = "127.0.0.1:1"
		tr.r.table.set(gr)
	}

	want := map[string]RoomSpectators{
		"ns/watched": {Allowed: true, Max: 3, Delay: 2},
		// Unset max is the default, as the pod enforces it.
		"ns/private": {Allowed: false, Max: gamesv1.DefaultSpectatorsMax, Delay: 0},
	}
	for room, w := range want {
		var raw map[string]json.RawMessage
		if code := getJSON(t, tr.url+"/v1/rooms/"+room, &raw); code != http.StatusOK {
			t.Fatalf("%s: %d", room, code)
		}
		var got RoomSpectators
		if err := json.Unmarshal(raw["spectators"], &got); err != nil || got != w {
			t.Errorf("%s facts: spectators %s, want %+v (%v)", room, raw["spectators"], w, err)
		}
	}

	var l struct {
		Rooms []struct {
			Room       string         `json:"room"`
			Spectators RoomSpectators `json:"spectators"`
			Watch      *string        `json:"watch"`
		} `json:"rooms"`
	}
	if code := getJSON(t, tr.url+"/v1/rooms?game=cassino", &l); code != http.StatusOK || len(l.Rooms) != 2 {
		t.Fatalf("lobby: %d %+v", code, l)
	}
	for _, r := range l.Rooms {
		if r.Spectators != want[r.Room] {
			t.Errorf("lobby %s: spectators %+v, want %+v", r.Room, r.Spectators, want[r.Room])
		}
		switch {
		case r.Room == "ns/watched" && (r.Watch == nil || *r.Watch != "/r/ns/watched?watch=1"):
			t.Errorf("lobby %s: watch link %v", r.Room, r.Watch)
		case r.Room == "ns/private" && r.Watch != nil:
			t.Errorf("lobby %s offers watch mode: %q", r.Room, *r.Watch)
		}
	}
}
