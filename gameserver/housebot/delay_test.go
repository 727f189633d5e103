package housebot_test

import (
	"testing"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// A bot moves only once its think time is over, and asks for exactly the
// configured delay, for every move.
func TestBotWaitsItsDelayBeforeEachMove(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	const delay = 1500 * time.Millisecond
	held := newHeldClock()
	p := startPod(t, rdb, podConfig{opts: cassino.DefaultOptions(3), after: held.after,
		bots: housebot.Config{Count: 2, Level: housebot.LevelGreedy, Delay: delay}})
	me, conn := person(t, p.room, "Ada")
	for range 10 {
		timer := nextBotTimer(t, p.room, me.Seat, conn, held)
		if timer.d != delay {
			t.Fatalf("a bot asked to think %v, want %v", timer.d, delay)
		}
		seq := p.room.Seq()
		turn := conn.latest().Turn
		// Still thinking: nothing is played until the timer fires, however
		// long the test looks.
		select {
		case tm := <-held.timers:
			t.Fatalf("another timer (%v) while the first is held", tm.d)
		default:
		}
		if p.room.Seq() != seq {
			t.Fatalf("seat %d moved at %d before its think time was over", turn, seq)
		}
		timer.fire <- time.Now()
		eventually(t, "the bot's move", func() bool { return p.room.Seq() == seq+1 })
		if e := logEntries(t, rdb, []int{1, 2}); e[seq].Seat != turn || e[seq].ActionID != housebot.ActionID(turn, seq) {
			t.Fatalf("entry %d: %+v, want seat %d's move", seq+1, e[seq], turn)
		}
	}
}
