package housebot_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// A pod dies while its bot thinks; the pod that replaces it resumes the
// bot, which moves once, and the match goes on to the end.
func TestReplacedPodResumesTheBot(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	bots := housebot.Config{Count: 1, Level: housebot.LevelGreedy}
	opts := cassino.DefaultOptions(2)
	clockA := newHeldClock()
	a := startPod(t, rdb, podConfig{opts: opts, bots: bots, after: clockA.after})
	me, conn := person(t, a.room, "Ada")
	for range 6 {
		nextBotTimer(t, a.room, me.Seat, conn, clockA).fire <- time.Now()
	}
	nextBotTimer(t, a.room, me.Seat, conn, clockA) // the bot thinks, and its pod dies
	a.stop()
	at := a.room.Seq()

	clockB := newHeldClock()
	b := startPod(t, rdb, podConfig{opts: opts, bots: bots, after: clockB.after})
	if b.room.Seq() != at {
		t.Fatalf("new pod at %d, the old one died at %d", b.room.Seq(), at)
	}
	clockB.next(t).fire <- time.Now()
	eventually(t, "the resumed bot's move", func() bool { return b.room.Seq() == at+1 })
	autoFire(t, clockB)
	playOut(t, b.room, me.Seat, connect(t, b.room, me))
	logEntries(t, rdb, []int{1})
	if b.room.Phase() != roomcontract.PhaseFinished {
		t.Fatalf("phase %s after the match", b.room.Phase())
	}
}

// The old pod is not dead yet when the new one starts (a partition): both
// bots answer the same turn, one move is logged, and both pods agree on
// it. The random level shows that the repeat decides the very same move.
func TestOldAndNewPodBotsAnswerTheSameTurnOnce(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	bots := housebot.Config{Count: 1, Level: housebot.LevelRandom}
	opts := cassino.DefaultOptions(2)
	clockA, clockB := newHeldClock(), newHeldClock()
	a := startPod(t, rdb, podConfig{opts: opts, bots: bots, after: clockA.after})
	me, connA := person(t, a.room, "Ada")
	for range 3 {
		nextBotTimer(t, a.room, me.Seat, connA, clockA).fire <- time.Now()
	}
	timerA := nextBotTimer(t, a.room, me.Seat, connA, clockA) // A's bot thinks about the turn at seq
	seq := a.room.Seq()

	b := startPod(t, rdb, podConfig{opts: opts, bots: bots, after: clockB.after})
	connB := connect(t, b.room, me)
	timerB := clockB.next(t) // and so does B's
	timerB.fire <- time.Now()
	eventually(t, "B's bot move", func() bool { return b.room.Seq() == seq+1 })
	timerA.fire <- time.Now()
	eventually(t, "A's bot move answered", func() bool { return a.room.Seq() == seq+1 })

	if entries := logEntries(t, rdb, []int{1}); len(entries) != int(seq+1) {
		t.Fatalf("log holds %d entries after the bot's turn at %d", len(entries), seq)
	}
	if va, vb := connA.latest(), connB.latest(); !reflect.DeepEqual(va, vb) {
		t.Fatalf("the pods disagree after the repeated move:\nA %+v\nB %+v", va, vb)
	}

	a.stop()
	autoFire(t, clockB)
	playOut(t, b.room, me.Seat, connB)
	logEntries(t, rdb, []int{1})
	if b.room.Phase() != roomcontract.PhaseFinished {
		t.Fatalf("phase %s after the match", b.room.Phase())
	}
}
