package housebot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

const standIn = 300 * time.Millisecond

// seatedTwo is a 2-seat room with stand-ins, where Ann and Bob have
// joined and connected: the match is on.
func seatedTwo(t *testing.T) (rdb redis.UniversalClient, p *pod, ann, bob seating.Player, annConn, bobConn *fakeConn) {
	t.Helper()
	rdb = redisserver.Start(t).Client(t)
	p = startPod(t, rdb, podConfig{opts: cassino.DefaultOptions(2), standIn: standIn})
	ann, annConn = person(t, p.room, "Ann")
	bob, bobConn = person(t, p.room, "Bob")
	return rdb, p, ann, bob, annConn, bobConn
}

// docs/GAMESERVER.md, Stand-ins: a player who leaves mid-match has their
// turns played for them once they have been gone StandInAfter, so the
// player still at the table plays the match to its end. The stand-in's
// moves are logged under standin-<seat>-<seq>, and are not the away
// player's activity.
func TestAnAwayPlayersTurnsArePlayedForThem(t *testing.T) {
	rdb, p, ann, bob, annConn, bobConn := seatedTwo(t)
	p.room.Detach(context.Background(), bob.Seat, bobConn)
	left := time.Now()
	beatBefore := p.room.Beat("pod")

	playOut(t, p.room, ann.Seat, annConn)

	entries := logEntries(t, rdb, nil)
	played := 0
	for _, e := range entries {
		if e.Seat != bob.Seat {
			continue
		}
		if want := room.StandInActionID(bob.Seat, e.Seq-1); e.ActionID != want {
			t.Fatalf("Bob's move at %d has id %q, want the stand-in's %q", e.Seq, e.ActionID, want)
		}
		played++
	}
	if played == 0 || !annConn.finished() {
		t.Fatalf("%d of Bob's moves played for him; match finished: %v", played, annConn.finished())
	}
	if since := time.Since(left); since < standIn {
		t.Fatalf("the match ended %s after Bob left, before he had been away %s", since, standIn)
	}
	// Bob is as away as when he left: his seat's last_seen is his
	// disconnect, and the room's last activity is Ann's.
	players, err := seating.New(rdb, keys, 2).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if seen := players[bob.Seat].LastSeen; players[bob.Seat].Seat != bob.Seat || seen > left.UnixMilli() {
		t.Fatalf("Bob last seen %d, after he left at %d: the stand-in's moves counted as his", seen, left.UnixMilli())
	}
	if b := p.room.Beat("pod"); !b.LastActivity.After(beatBefore.LastActivity) {
		t.Fatalf("last activity %v, not after Ann's moves began (%v)", b.LastActivity, beatBefore.LastActivity)
	}
}

// Nobody is played for while nobody is at the table: a room that everyone
// has left stays as it was, to be collected.
func TestNobodyIsPlayedForAtAnEmptyTable(t *testing.T) {
	_, p, ann, bob, annConn, bobConn := seatedTwo(t)
	p.room.Detach(context.Background(), ann.Seat, annConn)
	p.room.Detach(context.Background(), bob.Seat, bobConn)
	seq := p.room.Seq()
	time.Sleep(4 * standIn)
	if now := p.room.Seq(); now != seq {
		t.Fatalf("the room moved from %d to %d with nobody at the table", seq, now)
	}
}

// A player who comes back takes their seat back: the stand-in plays no
// more of their turns, and their own move is played.
func TestAPlayerWhoComesBackPlaysAgain(t *testing.T) {
	rdb, p, ann, bob, annConn, bobConn := seatedTwo(t)
	p.room.Detach(context.Background(), bob.Seat, bobConn)
	// Ann plays until a move has been played for Bob.
	eventually(t, "a stand-in move for Bob", func() bool {
		if v, mine := annConn.turn(ann.Seat); mine {
			move(t, p.room, ann.Seat, annConn, v)
		}
		for _, e := range logEntries(t, rdb, nil) {
			if e.Seat == bob.Seat && strings.HasPrefix(e.ActionID, "standin-") {
				return true
			}
		}
		return false
	})
	bobConn = connect(t, p.room, bob)
	v, mine := waitTurn(t, annConn, ann.Seat)
	if !mine {
		t.Fatal("the match ended before Bob came back")
	}
	move(t, p.room, ann.Seat, annConn, v)
	v, mine = waitTurn(t, bobConn, bob.Seat)
	if !mine {
		t.Fatal("the match ended before Bob's turn")
	}
	at := p.room.Seq()
	time.Sleep(4 * standIn)
	if now := p.room.Seq(); now != at {
		t.Fatalf("Bob's turn at %d was played while he was back (room at %d)", at, now)
	}
	move(t, p.room, bob.Seat, bobConn, v)
}
