package quickplay

import (
	"fmt"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// Two hundred players press Play now at once for 2-seat tables, through
// the router and a second matchmaker replica, with a warm pool of 105
// rooms: exactly 100 rooms are claimed and each seats exactly two
// players, at seats 0 and 1; nobody sits alone and no room is made.
func TestTwoHundredPlayersAtOnceFillExactlyOneHundredRooms(t *testing.T) {
	const target, players, warm = 31, 200, 105
	ns := plat.Namespace(t)
	madeBefore := len(roomsIn(t, platformtest.PlayNamespace))
	plat.WarmPool(t, ns, "warm", warm, twoSeats(target))

	bodies := make([]map[string]any, players)
	for i := range bodies {
		bodies[i] = playBody(target, fmt.Sprintf("p%d", i), fmt.Sprintf("race-%04d-%d", i, time.Now().UnixNano()))
	}
	seats := playAll(t, bodies)

	byRoom := map[string][]int{}
	players_ := map[string]bool{}
	for i, s := range seats {
		if s.Namespace != ns {
			t.Fatalf("player %d seated in %s/%s, outside the test's pool", i, s.Namespace, s.Name)
		}
		// Even players came through the router, which adds the websocket path.
		if i%2 == 0 && s.WS != "/v1/rooms/"+ns+"/"+s.Name+"/ws" || s.Token == "" {
			t.Fatalf("player %d: answer without a websocket path or token: %+v", i, s)
		}
		byRoom[s.Name] = append(byRoom[s.Name], s.Seat)
		players_[s.PlayerID] = true
	}
	if len(players_) != players {
		t.Errorf("%d distinct player ids for %d players", len(players_), players)
	}
	if len(byRoom) != players/2 {
		t.Errorf("players sit in %d rooms, want exactly %d", len(byRoom), players/2)
	}
	for room, s := range byRoom {
		if len(s) != 2 || s[0]+s[1] != 1 {
			t.Errorf("room %s seats %v, want seats 0 and 1", room, s)
		}
	}
	// Exactly the rooms players sit in were claimed; the pool refills the
	// rest with fresh unclaimed rooms. The claimed label follows the seat
	// (the claim itself is taken in Redis), so it is waited for: 100 label
	// writes by the matchmaker's four writers take about 4 s with this
	// package alone, 6 to 9 s beside two other packages' platforms, and
	// once took over 30 s in a whole `make test` on 2 cores, where every
	// write waits for an API server short of CPU.
	waitStart := time.Now()
	deadline := waitStart.Add(90 * time.Second)
	for {
		var wrong []string
		claimed := 0
		for name, gr := range roomsIn(t, ns) {
			_, seated := byRoom[name]
			if pool.IsClaimed(&gr) != seated {
				wrong = append(wrong, fmt.Sprintf("%s: claimed %v, seated players %v", name, pool.IsClaimed(&gr), seated))
			}
			if pool.IsClaimed(&gr) {
				claimed++
			}
		}
		if len(wrong) == 0 && claimed == players/2 {
			t.Logf("every claimed label written %v after the last seat", time.Since(waitStart).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rooms claimed, want %d; %v", claimed, players/2, wrong)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if made := len(roomsIn(t, platformtest.PlayNamespace)) - madeBefore; made != 0 {
		t.Errorf("%d rooms made from the template though the pool had rooms to claim", made)
	}
	// The matchmaker counts what it did.
	for _, m := range []string{"croupier_matchmaker_claims_total", `croupier_matchmaker_plays_total{result="seated"}`} {
		if v := metric(t, plat.MatchmakerURLs()[0], m); v < players/2 {
			t.Errorf("%s = %v after %d claims", m, v, players/2)
		}
	}
	// The pods agree: every claimed room reports two seated.
	for room := range byRoom {
		deadline := time.Now().Add(30 * time.Second)
		for {
			f, _ := plat.Facts(t, ns, room)
			if f.Seated == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("room %s reports %d seated, want 2", room, f.Seated)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
