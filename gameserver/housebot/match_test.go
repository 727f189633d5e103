package housebot_test

import (
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// One person plays a whole match over the websocket protocol against a
// bot in the last seat; the bot's moves reach the person like anyone's.
func TestPersonPlaysABotToTheEnd(t *testing.T) {
	for _, level := range []housebot.Level{housebot.LevelGreedy, housebot.LevelRandom} {
		t.Run(string(level), func(t *testing.T) {
			rdb := redisserver.Start(t).Client(t)
			opts := cassino.DefaultOptions(2)
			p := startPod(t, rdb, podConfig{opts: opts, bots: housebot.Config{Count: 1, Level: level}, serve: true})
			me := join(t, p.http.URL, "Ada")
			if me.seat != 0 {
				t.Fatalf("the person got seat %d; bots take the last seats", me.seat)
			}
			bot := me.players[1]
			if bot.Name != "Bot 1 ("+string(level)+")" || bot.Connected {
				t.Fatalf("the bot's seat as the person sees it: %+v", bot)
			}
			botEvents := me.play()
			if len(botEvents) == 0 {
				t.Fatal("the bot never moved")
			}
			for _, f := range botEvents {
				if f.Seat != 1 || f.ActionID != housebot.ActionID(1, f.Seq-1) {
					t.Fatalf("a bot move reached the person as seat %d, action %q at %d", f.Seat, f.ActionID, f.Seq)
				}
			}
			entries := logEntries(t, rdb, []int{1})
			if last := entries[len(entries)-1].Seq; me.view.Finished != true || p.room.Seq() != last {
				t.Fatalf("match over %v at %d, log ends at %d", me.view.Finished, p.room.Seq(), last)
			}
			if b := p.room.Beat("pod"); b.Seated != 2 || b.Connected != 1 {
				t.Fatalf("beat %+v: want 2 seated, the person alone connected", b)
			}
		})
	}
}
