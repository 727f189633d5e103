package quickplay

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/platformtest"
)

// With no room to claim, two players at once get one room made from the
// template pool, and sit at it together.
func TestWithoutWarmRoomsTwoPlayersShareOneNewRoom(t *testing.T) {
	const target = 51
	before := roomsIn(t, platformtest.PlayNamespace)
	seats := playAll(t, []map[string]any{
		playBody(target, "Ann", "tmpl-ann-"+t.Name()[:4]+"0001"),
		playBody(target, "Bob", "tmpl-bob-"+t.Name()[:4]+"0001"),
	})
	a, b := seats[0], seats[1]
	if a.Namespace != platformtest.PlayNamespace || a.Name != b.Name || a.Seat == b.Seat {
		t.Fatalf("Ann at %s/%s seat %d, Bob at %s/%s seat %d: want one new room, two seats", a.Namespace, a.Name, a.Seat, b.Namespace, b.Name, b.Seat)
	}
	if _, existed := before[a.Name]; existed || !strings.HasPrefix(a.Name, "play-") {
		t.Errorf("room %s is not a new room from the template", a.Name)
	}
	after := roomsIn(t, platformtest.PlayNamespace)
	if len(after) != len(before)+1 {
		t.Errorf("%d rooms made for two players, want 1", len(after)-len(before))
	}
	gr := after[a.Name]
	if gr.Spec.Rules.TargetScore == nil || *gr.Spec.Rules.TargetScore != target || gr.Spec.MaxPlayers != 2 || gr.Spec.Listed {
		t.Errorf("new room's spec %+v: want 2 seats, target %d, unlisted", gr.Spec, target)
	}
}

// A quick play with a bot gets a room of its own with the bot seated: one
// person is enough to start.
func TestQuickPlayWithABotStartsAtOnce(t *testing.T) {
	body := playBody(61, "Ann", "bot-"+t.Name()[:6]+"01")
	body["bots"] = 1
	seats := playAll(t, []map[string]any{body})
	gr := roomsIn(t, seats[0].Namespace)[seats[0].Name]
	if gr.Spec.Bots == nil || gr.Spec.Bots.Count != 1 {
		t.Fatalf("room %s has bots %+v, want one", gr.Name, gr.Spec.Bots)
	}
}

// A player who gives up while the room made for them starts leaves that
// room to the next player of the table: it is not left empty beside a
// second new room (docs/MATCHMAKER.md).
func TestARoomMadeForAPlayerWhoGaveUpSeatsTheNext(t *testing.T) {
	const target = 53
	tableRooms := func() []string {
		var names []string
		for name, gr := range roomsIn(t, platformtest.PlayNamespace) {
			if r := gr.Spec.Rules.TargetScore; r != nil && *r == target {
				names = append(names, name)
			}
		}
		return names
	}
	// Both replicas run in this process and share its counters.
	count := func(result string) float64 {
		return metric(t, plat.MatchmakerURLs()[0], `croupier_matchmaker_plays_total{result="`+result+`"}`)
	}
	gaveUp, failed := count("gave_up"), count("matchmaker_unavailable")
	raw, _ := json.Marshal(playBody(target, "Quitter", "gaveup-"+t.Name()[:6]+"01"))
	// The player hangs up as soon as a room is being made for them, while
	// its pod starts (a fixed short timeout could end the request before
	// the matchmaker got that far, on a loaded machine).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answered := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, plat.URL()+"/v1/play", bytes.NewReader(raw))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for len(tableRooms()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no room was made for the quick play")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-answered; err == nil {
		t.Fatal("the quick play was answered before its room's pod could start: the player could not give up in time")
	}

	seats := playAll(t, []map[string]any{playBody(target, "Next", "gaveup-"+t.Name()[:6]+"02")})
	rooms := tableRooms()
	if len(rooms) != 1 || seats[0].Name != rooms[0] {
		t.Fatalf("the next player sits in %s; the table's rooms are %v: want the one room made for the player who gave up", seats[0].Name, rooms)
	}
	// The quick play that lost its player ends once the room is offered.
	for deadline := time.Now().Add(10 * time.Second); count("gave_up") == gaveUp && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if g, f := count("gave_up"), count("matchmaker_unavailable"); g != gaveUp+1 || f != failed {
		t.Errorf("the player who hung up counted %v gave_up and %v matchmaker_unavailable; want 1 and 0", g-gaveUp, f-failed)
	}
}
