package room

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// The hand-written ack is the Ack message encoded.
func TestAckFrameIsTheAckEncoded(t *testing.T) {
	for _, id := range []string{"a-1", "s0-12", "A.b_c:d-9", "a<1>&\"é", "tab\there", "\u2028", strings.Repeat("z", 64)} {
		for _, seq := range []int64{1, 42, 1 << 40} {
			for _, dup := range []bool{false, true} {
				want := protocol.Encode(protocol.Ack{V: protocol.Version, Type: protocol.TypeAck, ActionID: id, Seq: seq, Duplicate: dup})
				if got := ackFrame(id, seq, dup); !bytes.Equal(got, want) {
					t.Errorf("ackFrame(%q, %d, %v):\n got %s\nwant %s", id, seq, dup, got, want)
				}
			}
		}
	}
}

// Strings written without escaping are exactly those encoding/json
// writes unchanged; every byte is tried alone and inside a string.
func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	ids := []string{"", "event", "a-1", "é", "\u2028", "a\x7fb", "<", ">", "&", `"`, `\`}
	for c := range 256 {
		ids = append(ids, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	for _, s := range ids {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}

// Views and the logged actions written by hand are what encoding/json
// writes, over whole random matches of every table size and rule set:
// hands, tables, builds, plays listed for the seat to move, the final
// scores and winners. A change to the view's types turns the hand-written encoding
// off (viewLayoutKnown) and fails here until it is brought along.
func TestAppendViewIsTheViewEncoded(t *testing.T) {
	if !viewLayoutKnown {
		t.Fatal("the view's types changed: appendView no longer writes them and every view goes through encoding/json")
	}
	options := []cassino.Options{cassino.DefaultOptions(2), cassino.DefaultOptions(3), cassino.DefaultOptions(4)}
	o := cassino.DefaultOptions(4)
	o.Partnerships, o.Sweeps, o.CourtCapturesAll, o.IncreaseOwnBuild, o.TrailWhenCaptureAvailable = false, false, true, false, false
	options = append(options, o)
	views := 0
	for i, opts := range options {
		for seed := range int64(3) {
			m, _, err := cassino.New(cassino.Setup{Options: opts, Seed: seed + 1})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
			for !m.Finished() {
				for s := range opts.Players {
					v := m.View(s)
					want := protocol.Encode(&v)
					got, ok := appendView(nil, &v)
					if !ok || !bytes.Equal(got, want) {
						t.Fatalf("view of seat %d:\n got %s (%v)\nwant %s", s, got, ok, want)
					}
					views++
				}
				a := cassino.RandomLegal(m.View(m.Turn()), rng)
				want, _ := json.Marshal(a)
				if got, err := marshalAction(a); err != nil || !bytes.Equal(got, want) {
					t.Fatalf("action %v:\n got %s (%v)\nwant %s", a, got, err, want)
				}
				events, err := m.Decide(m.Turn(), a)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Evolve(events...); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("%d views compared", views)
}

// A view holding a card that is not one of the 52 is left to
// encoding/json, which refuses it.
func TestAppendViewLeavesABadCardToEncodingJSON(t *testing.T) {
	v := cassino.View{Hand: []cassino.Card{0}}
	if b, ok := appendView([]byte("x"), &v); ok || string(b) != "x" {
		t.Fatalf("appendView wrote %q, %v", b, ok)
	}
}
