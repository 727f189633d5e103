package playerclient

import (
	"fmt"
	"testing"
)

// Table is the players of one room, seated and connected.
type Table []*Player

// Seat joins n players (P0, P1, ...) to the room and connects them; the
// match starts when the last seat is taken, and Seat returns once every
// player holds its first deal.
func Seat(t testing.TB, opts Options, ns, room string, n int) Table {
	t.Helper()
	var tb Table
	for i := range n {
		tb = append(tb, Join(t, opts, ns, room, fmt.Sprintf("P%d", i)))
	}
	for _, p := range tb {
		p.Connect()
	}
	for _, p := range tb {
		p.CatchUp(1)
	}
	return tb
}

// Close hangs every player up.
func (tb Table) Close() {
	for _, p := range tb {
		p.Close()
	}
}

// Play makes at most moves moves (the whole match when moves < 0), every
// player catching up after each, and says whether the match is over.
// Before each move, between(turn), when set, may break things.
func (tb Table) Play(t testing.TB, moves int, between func(turn int)) bool {
	t.Helper()
	for _, p := range tb {
		p.SetT(t)
	}
	for turn := 0; moves < 0 || turn < moves; turn++ {
		if between != nil {
			between(turn)
		}
		var mover *Player
		for _, p := range tb {
			if p.MyTurn() {
				mover = p
			}
		}
		if mover == nil {
			for _, p := range tb {
				if p.View == nil || !p.View.Finished {
					t.Fatalf("nobody can move but the match is not over")
				}
			}
			return true
		}
		seq := mover.Play()
		for _, p := range tb {
			p.CatchUp(seq)
		}
	}
	return tb[0].View.Finished
}
