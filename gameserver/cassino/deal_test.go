package cassino

import (
	"slices"
	"testing"
)

func TestFirstDeal(t *testing.T) {
	for _, players := range []int{2, 3, 4} {
		m, opening, err := New(Setup{Options: DefaultOptions(players), Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		if len(opening) != 2 || opening[0].Type != EventHandStarted || opening[1].Type != EventDealt {
			t.Fatalf("%d players: opening %+v", players, opening)
		}
		for seat, h := range m.s.Hands {
			if len(h) != 4 {
				t.Fatalf("%d players: seat %d holds %d cards", players, seat, len(h))
			}
		}
		if len(m.s.Table) != 4 || len(m.s.Deck) != deckSize-4*players-4 {
			t.Fatalf("%d players: table %d, deck %d", players, len(m.s.Table), len(m.s.Deck))
		}
		if m.Turn() != 0 || m.s.Dealer != players-1 {
			t.Fatalf("%d players: seat %d plays first, dealer %d", players, m.Turn(), m.s.Dealer)
		}
	}
}

// TestDealsPerHand counts the deals of whole hands: 6 with 2 players, 4
// with 3, 3 with 4; only the last is marked last; nothing more goes to the
// table after the first deal; the dealer moves one seat each hand.
func TestDealsPerHand(t *testing.T) {
	for _, tc := range []struct{ players, deals int }{{2, 6}, {3, 4}, {4, 3}} {
		setup := Setup{Options: DefaultOptions(tc.players), Seed: 9}
		m, events, err := New(setup)
		if err != nil {
			t.Fatal(err)
		}
		hands := 0
		deals := 1
		dealer := m.s.Dealer
		for hands < 2 && !m.Finished() {
			evs, err := m.Apply(m.Turn(), Greedy(m.View(m.Turn())))
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, evs...)
			for _, e := range evs {
				switch e.Type {
				case EventDealt:
					deals++
					if e.Deal != deals || e.Last != (deals == tc.deals) {
						t.Fatalf("%d players: deal %d of %d marked last=%v", tc.players, e.Deal, tc.deals, e.Last)
					}
					if e.Table != nil && deals > 1 {
						t.Fatalf("%d players: a later deal gave the table %v", tc.players, e.Table)
					}
				case EventHandScored:
					if deals != tc.deals {
						t.Fatalf("%d players: a hand of %d deals, want %d", tc.players, deals, tc.deals)
					}
					hands++
				case EventHandStarted:
					deals = 0
					if e.Dealer != (dealer+1)%tc.players {
						t.Fatalf("%d players: dealer %d after %d", tc.players, e.Dealer, dealer)
					}
					dealer = e.Dealer
				}
			}
		}
	}
}

func TestSeedDecidesTheShuffle(t *testing.T) {
	a, _, _ := New(Setup{Options: DefaultOptions(2), Seed: 5})
	b, _, _ := New(Setup{Options: DefaultOptions(2), Seed: 5})
	c, _, _ := New(Setup{Options: DefaultOptions(2), Seed: 6})
	if mustSnapshot(a) != mustSnapshot(b) {
		t.Fatal("the same seed dealt two different games")
	}
	if slices.Equal(a.s.Deck, c.s.Deck) {
		t.Fatal("two seeds dealt the same game")
	}
	if slices.Equal(shuffled(5, 1), shuffled(5, 2)) {
		t.Fatal("two hands of a match have the same shuffle")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	if _, _, err := New(Setup{Options: Options{Players: 7, TargetScore: 21}}); err == nil {
		t.Fatal("7 players accepted")
	}
}
