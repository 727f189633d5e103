package room_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// Every event frame a seat receives is, byte for byte, the message of
// docs/PROTOCOL.md encoded whole: the entry's events redacted for the seat
// and the seat's view after it, built here from a reference engine that
// plays the same seeded match. The room encodes shared parts once; this is
// what holds it to the plain encoding, over whole matches of every table
// size, deals, sweeps, builds and the final score included.
func TestEventFramesAreTheWholeMessageEncoded(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts cassino.Options
		seed int64
	}{
		{"2 players", cassino.DefaultOptions(2), 7},
		{"2 players to 61, random play", func() cassino.Options { o := cassino.DefaultOptions(2); o.TargetScore = 61; return o }(), 11},
		{"3 players", cassino.DefaultOptions(3), 20261126},
		{"4 players in partnerships", cassino.DefaultOptions(4), 3},
		{"4 players each for themselves, other rules", func() cassino.Options {
			o := cassino.DefaultOptions(4)
			o.Partnerships, o.Sweeps, o.CourtCapturesAll, o.IncreaseOwnBuild, o.TrailWhenCaptureAvailable = false, false, true, false, false
			return o
		}(), 42},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redisserver.Pick(t).Client(t)
			r := openRoom(t, rdb, tc.opts, func(c *room.Config) { c.Seed = func() (int64, error) { return tc.seed, nil } })
			_, conns := seat(t, r, tc.opts.Players)

			ref, opening, err := cassino.New(cassino.Setup{Options: tc.opts, Seed: tc.seed})
			if err != nil {
				t.Fatal(err)
			}
			// The last seat joined after the match started: it got a view,
			// the others the start entry.
			want := make([][][]byte, tc.opts.Players)
			for s := range tc.opts.Players - 1 {
				want[s] = append(want[s], wholeEvent(s, 1, -1, "", opening, ref))
			}
			rng := rand.New(rand.NewPCG(uint64(tc.seed), 1))
			for n := 0; !ref.Finished(); n++ {
				s := ref.Turn()
				a := cassino.Greedy(ref.View(s))
				if tc.seed == 11 {
					a = cassino.RandomLegal(ref.View(s), rng)
				}
				// Plain ids, and ids with characters JSON escapes and
				// beyond ASCII.
				id := fmt.Sprintf("a-%d", n)
				if n%2 == 1 {
					id = fmt.Sprintf("a<%d>&\"é", n)
				}
				r.Act(context.Background(), s, conns[s], protocol.Act{ActionID: id, Action: a})
				events, err := ref.Apply(s, a)
				if err != nil {
					t.Fatal(err)
				}
				for seat := range tc.opts.Players {
					want[seat] = append(want[seat], wholeEvent(seat, int64(n+2), s, id, events, ref))
				}
			}
			for seat, c := range conns {
				got := eventFrames(c)
				if len(got) != len(want[seat]) {
					t.Fatalf("seat %d got %d event frames, want %d", seat, len(got), len(want[seat]))
				}
				for i := range got {
					if !bytes.Equal(got[i], want[seat][i]) {
						t.Fatalf("seat %d, event frame %d:\n got %s\nwant %s", seat, i, got[i], want[seat][i])
					}
				}
			}
		})
	}
}

// wholeEvent is the event message for seat, encoded in one piece.
func wholeEvent(seat int, seq int64, actor int, actionID string, events []cassino.Event, m *cassino.Match) []byte {
	redacted := make([]cassino.Event, len(events))
	for i, e := range events {
		redacted[i] = e.For(seat)
	}
	v := m.View(seat)
	return protocol.Encode(protocol.Event{
		V: protocol.Version, Type: protocol.TypeEvent, Seq: seq, Seat: actor,
		ActionID: actionID, Events: redacted, View: &v,
	})
}

func eventFrames(c *fakeConn) [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [][]byte
	for _, f := range c.frames {
		var m struct{ Type string }
		if json.Unmarshal(f, &m) == nil && m.Type == protocol.TypeEvent {
			out = append(out, f)
		}
	}
	return out
}
