package quickplay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/router"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func lobby(t *testing.T, query string) (int, router.Lobby, []byte) {
	t.Helper()
	resp, err := http.Get(plat.URL() + "/v1/rooms" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	var l router.Lobby
	_ = json.Unmarshal(raw, &l)
	return resp.StatusCode, l, raw
}

// lobbyOf is the lobby's rooms of namespace ns, in the lobby's order.
func lobbyOf(t *testing.T, ns string) []router.LobbyRoom {
	t.Helper()
	status, l, raw := lobby(t, "?game=cassino&limit=100")
	if status != http.StatusOK {
		t.Fatalf("lobby: %d %s", status, raw)
	}
	var out []router.LobbyRoom
	for _, r := range l.Rooms {
		if r.Namespace == ns {
			out = append(out, r)
		}
	}
	return out
}

// The lobby lists listed rooms only, the one a player can complete
// soonest first; an unlisted room stays out of it but joinable by link.
func TestLobbyListsListedRoomsFullestFirst(t *testing.T) {
	ns := plat.Namespace(t)
	for _, gr := range []*gamesv1.GameRoom{
		gameroomtest.MakeGameRoom("four", ns).Players(4).Listed(true).Obj(),
		gameroomtest.MakeGameRoom("two", ns).Players(2).Listed(true).Obj(),
		gameroomtest.MakeGameRoom("secret", ns).Players(2).Obj(),
	} {
		if err := plat.Client.Create(context.Background(), gr); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"four", "two", "secret"} {
		plat.WaitReady(t, ns, n)
	}
	plat.Join(t, ns, "four", "Ann") // four: 3 free; two: 2 free
	plat.Join(t, ns, "four", "Bob") // four: 2 free
	plat.Join(t, ns, "four", "Cy")  // four: 1 free, so it comes first
	deadline := time.Now().Add(30 * time.Second)
	var got []router.LobbyRoom
	for {
		got = lobbyOf(t, ns)
		if len(got) == 2 && got[0].Name == "four" && got[0].Free == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lobby of %s: %+v, want four (1 free) then two (2 free), and not secret", ns, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got[1].Name != "two" || got[1].Free != 2 || got[1].Seats != 2 || got[1].Phase != "Ready" || !got[1].Routable ||
		got[1].Join != "/v1/rooms/"+ns+"/two/join" || got[1].Link != "/r/"+ns+"/two" || got[1].Rules.TargetScore == nil {
		t.Errorf("lobby entry %+v", got[1])
	}
	// Unlisted, yet joinable by its link.
	if j := plat.Join(t, ns, "secret", "Dee"); j.Seat != 0 {
		t.Errorf("join by link: %+v", j)
	}
}

func TestLobbyRefusesABadQuery(t *testing.T) {
	for _, q := range []string{"", "?game=poker", "?game=cassino&limit=0", "?game=cassino&limit=101", "?game=cassino&limit=x", "?game=cassino&limit=",
		"?game=cassino&game=cassino", "?game=cassino&sort=name"} {
		status, _, raw := lobby(t, q)
		var e struct{ Code, Message string }
		_ = json.Unmarshal(raw, &e)
		if status != http.StatusBadRequest || e.Code != "bad_request" || e.Message == "" {
			t.Errorf("GET /v1/rooms%s: %d %s, want 400 bad_request", q, status, raw)
		}
	}
}

// The lobby is capped by limit, and says how many it left out.
func TestLobbyLimit(t *testing.T) {
	ns := plat.Namespace(t)
	for i := range 3 {
		gr := gameroomtest.MakeGameRoom(fmt.Sprintf("l%d", i), ns).Listed(true).Obj()
		if err := plat.Client.Create(context.Background(), gr); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(lobbyOf(t, ns)) != 3 {
		if time.Now().After(deadline) {
			t.Fatal("three listed rooms never all in the lobby")
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, all, _ := lobby(t, "?game=cassino&limit=100")
	status, l, raw := lobby(t, "?game=cassino&limit=2")
	if status != http.StatusOK || len(l.Rooms) != 2 || l.More != len(all.Rooms)+all.More-2 {
		t.Errorf("limit=2: %d %s (of %d listed)", status, raw, len(all.Rooms)+all.More)
	}
}

// Quick play fills a listed room that waits for players before it claims
// or makes one.
func TestQuickPlaySeatsAtAListedWaitingRoomFirst(t *testing.T) {
	const target = 71
	ns := plat.Namespace(t)
	gr := gameroomtest.MakeGameRoom("open", ns).Players(2).TargetScore(target).Listed(true).Obj()
	if err := plat.Client.Create(context.Background(), gr); err != nil {
		t.Fatal(err)
	}
	plat.WaitReady(t, ns, "open")
	plat.Join(t, ns, "open", "Ann")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if f, _ := plat.Facts(t, ns, "open"); f.Seated == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first seat never showed in the room's status")
		}
		time.Sleep(100 * time.Millisecond)
	}
	seats := playAll(t, []map[string]any{playBody(target, "Bob", fmt.Sprintf("listed-%d", time.Now().UnixNano()))})
	if seats[0].Namespace != ns || seats[0].Name != "open" || seats[0].Seat != 1 {
		t.Errorf("Bob seated at %s/%s seat %d, want %s/open seat 1", seats[0].Namespace, seats[0].Name, seats[0].Seat, ns)
	}
}

// A room unlisted while it waits for players is no longer filled by quick
// play: its free seat is for those who have its link.
func TestQuickPlayLeavesARoomUnlistedWhileItWaits(t *testing.T) {
	const target = 73
	ns := plat.Namespace(t)
	gr := gameroomtest.MakeGameRoom("private", ns).Players(2).TargetScore(target).Listed(true).Obj()
	if err := plat.Client.Create(context.Background(), gr); err != nil {
		t.Fatal(err)
	}
	plat.WaitReady(t, ns, "private")
	plat.Join(t, ns, "private", "Ann")
	deadline := time.Now().Add(20 * time.Second)
	for len(lobbyOf(t, ns)) != 1 || lobbyOf(t, ns)[0].Free != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the room never showed in the lobby with one free seat")
		}
		time.Sleep(100 * time.Millisecond)
	}
	patch := client.MergeFrom(gr.DeepCopy())
	gr.Spec.Listed = false
	if err := plat.Client.Patch(context.Background(), gr, patch); err != nil {
		t.Fatal(err)
	}
	for len(lobbyOf(t, ns)) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the unlisted room stayed in the lobby")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The router's watch has seen the change; give the matchmakers' watches
	// the same moment before asking.
	time.Sleep(time.Second)
	seats := playAll(t, []map[string]any{playBody(target, "Bob", fmt.Sprintf("unlisted-%d", time.Now().UnixNano()))})
	if seats[0].Namespace == ns && seats[0].Name == "private" {
		t.Errorf("quick play seated Bob at %s/private after it was unlisted", ns)
	}
}
