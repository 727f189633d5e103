package cassino

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// A match reuses its own memory from play to play; what it has handed out
// must not change with it. Every view, legal list, event list and
// snapshot taken during whole matches still reads as it did when it was
// taken, once the match is over.
func TestWhatAMatchHandsOutKeepsItsContent(t *testing.T) {
	type kept struct {
		what string
		json []byte
		get  func() any
	}
	for i, o := range optionCombos() {
		m, opening, err := New(Setup{Options: o, Seed: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 9))
		var all []kept
		keep := func(what string, v any) {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, kept{what, b, func() any { return v }})
		}
		keep("opening events", opening)
		for plays := 0; !m.Finished(); plays++ {
			for seat := -1; seat < o.Players; seat++ {
				keep("view", m.View(seat))
			}
			keep("legal list", m.LegalActions(m.Turn()))
			a := RandomLegal(m.View(m.Turn()), rng)
			decided, err := m.Decide(m.Turn(), a)
			if err != nil {
				t.Fatal(err)
			}
			keep("decided events", decided)
			// A refused play in between must not disturb anything either.
			if _, err := m.Apply(m.Turn(), Action{Type: Trail}); err == nil {
				t.Fatal("a trail naming no card was accepted")
			}
			events, err := m.Apply(m.Turn(), a)
			if err != nil {
				t.Fatal(err)
			}
			keep("events", events)
			if plays%25 == 0 {
				snap, err := m.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				keep("snapshot", string(snap))
			}
		}
		for k, x := range all {
			b, err := json.Marshal(x.get())
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != string(x.json) {
				t.Fatalf("options %d: the %s handed out %d items before the end changed:\nthen %s\nnow  %s", i, x.what, len(all)-k, x.json, b)
			}
		}
	}
}
