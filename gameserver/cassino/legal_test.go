package cassino

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLegalActionsMatchBruteForce compares LegalActions with every play
// Decide accepts, found by trying every subset of the loose cards and the
// builds with every hand card, type and value, on positions from random
// matches with small tables. Plays that differ only by which of two cards
// of one rank and scoring role they take, or by their grouping, are one
// play (actionKey): it is listed once, and every form of it tried is
// accepted (docs/CASSINO_RULES.md).
func TestLegalActionsMatchBruteForce(t *testing.T) {
	combos := optionCombos()
	checked := 0
	for i := 0; i < 30; i++ {
		m, _, err := New(Setup{Options: combos[(i*7)%len(combos)], Seed: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		for !m.Finished() {
			seat := m.Turn()
			legal := m.LegalActions(seat)
			if len(m.s.Table)+len(m.s.Builds) <= 7 {
				want, refused := bruteForceKeys(m, seat)
				got := map[string]bool{}
				for _, a := range legal {
					if got[actionKey(a)] {
						t.Fatalf("match %d: %v listed twice", i, a)
					}
					got[actionKey(a)] = true
				}
				for k := range want {
					if !got[k] {
						t.Fatalf("match %d: accepted play %s is not listed\ntable %v builds %+v hand %v", i, k, m.s.Table, m.s.Builds, m.s.Hands[seat])
					}
				}
				for k := range got {
					if !want[k] || refused[k] {
						t.Fatalf("match %d: listed play %s is refused in some form\ntable %v builds %+v hand %v", i, k, m.s.Table, m.s.Builds, m.s.Hands[seat])
					}
				}
				checked++
			}
			if _, err := m.Apply(seat, legal[rng.IntN(len(legal))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if checked < 250 {
		t.Fatalf("only %d positions checked", checked)
	}
}

// bruteForceKeys is the outcome key of every play Decide accepts, and of
// every one it refuses.
func bruteForceKeys(m *Match, seat int) (keys, refused map[string]bool) {
	s := &m.s
	keys, refused = map[string]bool{}, map[string]bool{}
	try := func(a Action) {
		if _, err := m.Decide(seat, a); err == nil {
			keys[actionKey(a)] = true
		} else {
			refused[actionKey(a)] = true
		}
	}
	n, nb := len(s.Table), len(s.Builds)
	for _, c := range s.Hands[seat] {
		try(TrailAction(c))
		for mask := 0; mask < 1<<n; mask++ {
			var loose []Card
			for i := 0; i < n; i++ {
				if mask&(1<<i) != 0 {
					loose = append(loose, s.Table[i])
				}
			}
			for bm := 0; bm < 1<<nb; bm++ {
				var ids []string
				for i := 0; i < nb; i++ {
					if bm&(1<<i) != 0 {
						ids = append(ids, s.Builds[i].ID)
					}
				}
				try(CaptureAction(c, captureSets(c, loose), ids...))
				for v := 2; v <= 10; v++ {
					try(BuildAction(c, v, slices.Clone(loose), ids...))
				}
			}
		}
	}
	return keys, refused
}

// captureSets groups loose cards for a capture with c: pairs for a court,
// otherwise any grouping into sets of c's value (nil when there is none;
// an empty capture is refused anyway).
func captureSets(c Card, loose []Card) [][]Card {
	if c.IsCourt() {
		sets := make([][]Card, len(loose))
		for i, l := range loose {
			sets[i] = []Card{l}
		}
		return sets
	}
	if len(loose) == 0 {
		return nil
	}
	sets, ok := splitSets(loose, c.Value(), 0)
	if !ok {
		return [][]Card{loose}
	}
	return sets
}
