package wsserver_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
)

// stepClock is a room's clock that moves only when the test says so.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// A player who sits down and goes away before the match starts closes
// the room to newcomers once gone longer than the grace (the match would
// start without them); back, they open it again. An absence within the
// grace does not count.
func TestARoomWhosePlayerLeftBeforeTheStartTakesNobodyUntilTheyAreBack(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_800_000_000, 0)}
	tb := newTable(t, 4, withRoom(func(c *room.Config) { c.Now = clock.Now }))

	ann := tb.join(`{"name":"ann"}`)
	newBot(t, ann.Seat, ann.Token).connect(tb.wsURL()) // and stays
	clock.add(time.Hour)
	bob := tb.join(`{"name":"bob"}`)
	if bob.status != http.StatusOK {
		t.Fatalf("a room whose players are all there refused a newcomer: %+v", bob)
	}
	b := newBot(t, bob.Seat, bob.Token)
	b.connect(tb.wsURL())
	_ = b.ws.Close()
	waitDisconnected(t, tb, bob.Seat)

	clock.add(room.DefaultAwayGrace)
	if cy := tb.join(`{"name":"cy"}`); cy.status != http.StatusOK {
		t.Fatalf("gone exactly the grace, bob closed the room: %+v", cy)
	}
	clock.add(time.Second)
	dee := tb.join(`{"name":"dee"}`)
	if dee.status != http.StatusConflict || dee.err.Code != "player_away" {
		t.Fatalf("bob gone past the grace: join answered %+v, want 409 player_away", dee)
	}
	if players, err := tb.roomPlayers(); err != nil || len(players) != 3 {
		t.Fatalf("the refused join changed the seats: %d seated, %v", len(players), err)
	}

	b.connect(tb.wsURL()) // bob is back
	dee = tb.join(`{"name":"dee"}`)
	if dee.status != http.StatusOK {
		t.Fatalf("bob back: join answered %+v", dee)
	}
	if f := b.until(func(f frame) bool { return f.Type == "event" }); f.Seq != 1 {
		t.Fatalf("the last seat did not start the match: %s", f.raw)
	}
}

// A seat whose player never connected counts from the join: a page
// closed before it connected leaves a chair as empty as one left later,
// and the next player must not be seated against it.
func TestASeatNeverConnectedClosesTheRoomOnceItsGraceIsOver(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_800_000_000, 0)}
	tb := newTable(t, 3, withRoom(func(c *room.Config) { c.Now = clock.Now }))

	ann := tb.join(`{"name":"ann"}`) // joined, not connected yet
	clock.add(room.DefaultAwayGrace)
	bob := tb.join(`{"name":"bob"}`)
	if bob.status != http.StatusOK {
		t.Fatalf("ann's page still within the grace to connect, bob was refused: %+v", bob)
	}
	newBot(t, bob.Seat, bob.Token).connect(tb.wsURL())
	clock.add(time.Second)
	if cy := tb.join(`{"name":"cy"}`); cy.status != http.StatusConflict || cy.err.Code != "player_away" {
		t.Fatalf("ann never connected, past the grace: join answered %+v, want 409 player_away", cy)
	}
	a := newBot(t, ann.Seat, ann.Token)
	a.connect(tb.wsURL())
	if cy := tb.join(`{"name":"cy"}`); cy.status != http.StatusOK {
		t.Fatalf("ann connected at last: join answered %+v", cy)
	}
	if f := a.until(func(f frame) bool { return f.Type == "event" }); f.Seq != 1 {
		t.Fatalf("the last seat did not start the match: %s", f.raw)
	}
}

// A seat whose player has been gone longer than the seat hold before the
// match starts is given back at the next join (docs/PROTOCOL.md,
// player_away): one join that never connects closes a waiting room for a
// minute, not for its whole session. The player who left finds their
// token refused.
func TestASeatLeftLongerThanTheHoldIsGivenBack(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_800_000_000, 0)}
	tb := newTable(t, 3, withRoom(func(c *room.Config) { c.Now = clock.Now }))

	ghost := tb.join(`{"name":"ghost"}`) // joined, never connects
	bob := tb.join(`{"name":"bob"}`)
	b := newBot(t, bob.Seat, bob.Token)
	b.connect(tb.wsURL())
	clock.add(room.DefaultSeatHold)
	if cy := tb.join(`{"name":"cy"}`); cy.status != http.StatusConflict || cy.err.Code != "player_away" {
		t.Fatalf("the ghost gone for the hold exactly: join answered %+v, want 409 player_away", cy)
	}
	clock.add(time.Second)
	cy := tb.join(`{"name":"cy"}`)
	if cy.status != http.StatusOK || cy.Seat != ghost.Seat {
		t.Fatalf("the ghost gone past the hold: join answered %+v, want the ghost's seat %d", cy, ghost.Seat)
	}
	if f := b.until(func(f frame) bool { return f.Type == "presence" && f.Seat == ghost.Seat && f.Left }); f.Name != "ghost" {
		t.Fatalf("the table was told of the seat given back as %s", f.raw)
	}
	g := newBot(t, ghost.Seat, ghost.Token)
	ws, _, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	g.ws = ws
	g.write(map[string]any{"v": 1, "type": "hello", "token": ghost.Token})
	if f := g.read(); f.Type != "error" || f.Code != "unauthorized" {
		t.Fatalf("the ghost's hello after its seat was given back: %s, want unauthorized", f.raw)
	}
}

// waitDisconnected waits until the room has recorded seat's disconnect.
func waitDisconnected(t *testing.T, tb *table, seat int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		players, err := tb.roomPlayers()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range players {
			if p.Seat == seat && p.Connections == 0 {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("seat %d still connected", seat)
}

// A house bot is never connected, and never closes a room to newcomers.
func TestAHouseBotNeverClosesARoomBeforeTheStart(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_800_000_000, 0)}
	tb := newTable(t, 3, withRoom(func(c *room.Config) { c.Now = clock.Now }))
	if err := tb.room.SeatBot(context.Background(), 2, "Bot 1 (greedy)"); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Hour)
	if ann := tb.join(`{"name":"ann"}`); ann.status != http.StatusOK {
		t.Fatalf("a bot seated an hour ago refused a newcomer: %+v", ann)
	}
}

// A seat whose session ended before the match started, with nobody
// connected on it, is given back at the next join: the player who joins
// again sits there, instead of starting the match against their own empty
// chair. A player still connected when their session ends keeps the seat.
func TestASeatWhoseSessionEndedBeforeTheStartIsGivenBack(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_800_000_000, 0)}
	tb := newTable(t, 3,
		withRoom(func(c *room.Config) { c.Now, c.SessionTTL = clock.Now, time.Minute }),
		withServer(func(c *wsserver.Config) { c.Now, c.SessionTTL = clock.Now, time.Minute }))

	ann := tb.join(`{"name":"ann"}`)
	a := newBot(t, ann.Seat, ann.Token)
	a.connect(tb.wsURL())
	_ = a.ws.Close()
	waitDisconnected(t, tb, ann.Seat)
	bob := tb.join(`{"name":"bob"}`)
	b := newBot(t, bob.Seat, bob.Token)
	b.connect(tb.wsURL())

	clock.add(time.Minute - time.Second)
	if cy := tb.join(`{"name":"cy"}`); cy.status != http.StatusConflict || cy.err.Code != "player_away" {
		t.Fatalf("ann's session still running, away: join answered %+v, want 409 player_away", cy)
	}
	clock.add(time.Second) // both sessions have ended; bob is still connected
	again := tb.join(`{"name":"ann"}`)
	if again.status != http.StatusOK || again.Seat != ann.Seat {
		t.Fatalf("ann joined again after her session ended: %+v, want her old seat %d", again, ann.Seat)
	}
	if f := b.until(func(f frame) bool { return f.Type == "presence" && f.Seat == ann.Seat && f.Left }); f.Name != "ann" {
		t.Fatalf("the table was told of the seat given back as %s", f.raw)
	}
	players, err := tb.roomPlayers()
	if err != nil || len(players) != 2 || players[0].ID != again.PlayerID || players[1].ID != bob.PlayerID {
		t.Fatalf("seats after the rejoin: %+v, %v; want ann's new session at %d and bob at %d", players, err, ann.Seat, bob.Seat)
	}
	// The record keeps when the session ends (docs/REDIS.md, expires): the
	// token's expires_at, or later.
	if players[0].Expires < again.ExpiresAt {
		t.Fatalf("ann's record ends at %d, before her token's expires_at %d", players[0].Expires, again.ExpiresAt)
	}

	cy := tb.join(`{"name":"cy"}`)
	if cy.status != http.StatusOK {
		t.Fatalf("the last seat: %+v", cy)
	}
	if f := b.until(func(f frame) bool { return f.Type == "event" }); f.Seq != 1 {
		t.Fatalf("the last seat did not start the match: %s", f.raw)
	}
}
