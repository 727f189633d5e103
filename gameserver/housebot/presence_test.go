package housebot_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Bots alone are nobody at the table: seated, never connected, no
// activity, so the operator's idle rule collects the room.
func TestBotsAloneAreNeverConnected(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	p := startPod(t, rdb, podConfig{opts: cassino.DefaultOptions(4), bots: housebot.Config{Count: 3}})
	b := p.room.Beat("pod")
	if b.Seated != 3 || b.Connected != 0 || !b.LastActivity.IsZero() || b.Phase != roomcontract.PhaseWaiting {
		t.Fatalf("beat of a room of bots: %+v", b)
	}
	players, err := seating.New(rdb, keys, 4).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, pl := range players {
		if pl.Seat != i+1 || pl.ID != room.BotID(i+1) || pl.Connections != 0 || pl.LastSeen != 0 {
			t.Fatalf("seat record %d: %+v", i, pl)
		}
	}
	if _, err := p.room.Join(context.Background(), "Ada", 3); !errors.Is(err, seating.ErrSeatTaken) {
		t.Fatalf("a person asked for a bot's seat: %v", err)
	}
	me, conn := person(t, p.room, "Ada")
	conn.mu.Lock()
	seated := conn.seated
	conn.mu.Unlock()
	for _, pl := range seated {
		if pl.Bot != (pl.Seat != me.Seat) {
			t.Fatalf("welcome's seat %d (%s): bot %v; the bots hold every seat but Ada's", pl.Seat, pl.Name, pl.Bot)
		}
	}
	if len(seated) != 4 {
		t.Fatalf("welcome lists %d players, want 4", len(seated))
	}
	if err := p.room.PlayBot(context.Background(), me.Seat, p.room.Seq(), "x", cassino.Action{}); !errors.Is(err, room.ErrNotSeated) {
		t.Fatalf("a bot move for a person's seat: %v", err)
	}
	if _, _, ok := p.room.BotTurn(me.Seat); ok {
		t.Fatal("a person's seat reported as a bot's turn")
	}
	// After a restart the new pod finds its bots seated; with the person
	// gone, nobody is connected.
	p.stop()
	p = startPod(t, rdb, podConfig{opts: cassino.DefaultOptions(4), bots: housebot.Config{Count: 3}})
	if b := p.room.Beat("pod"); b.Seated != 4 || b.Connected != 0 || b.Phase != roomcontract.PhasePlaying {
		t.Fatalf("beat after a restart, the person gone: %+v", b)
	}
}

// When the person leaves mid-match, the bot's moves do not count as
// activity: the room's last activity stays the person's leaving.
func TestBotMovesAreNotActivity(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC).UnixMilli())
	tick := func() time.Time { return time.UnixMilli(clock.Add(60_000)) } // a minute passes per reading
	held := newHeldClock()
	p := startPod(t, rdb, podConfig{opts: cassino.DefaultOptions(2), bots: housebot.Config{Count: 1},
		after: held.after, now: tick})
	me, conn := person(t, p.room, "Ada")
	timer := nextBotTimer(t, p.room, me.Seat, conn, held)
	p.room.Detach(context.Background(), me.Seat, conn)
	left := p.room.Beat("pod").LastActivity
	seq := p.room.Seq()
	timer.fire <- time.Now()
	eventually(t, "the bot's move", func() bool { return p.room.Seq() == seq+1 })
	b := p.room.Beat("pod")
	if b.Connected != 0 || b.Seated != 2 || !b.LastActivity.Equal(left) {
		t.Fatalf("beat after the bot moved alone: %+v, want last activity %v", b, left)
	}
	if b.Time.Sub(left) < time.Minute {
		t.Fatalf("the clock did not move (%v to %v): the check proves nothing", left, b.Time)
	}
}
