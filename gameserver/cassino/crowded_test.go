package cassino

import (
	"math/rand/v2"
	"testing"
)

// fullTable is the worst table two players trailing on purpose could
// build: every number card but the two in hand lies loose.
func fullTable(t testing.TB) *Match {
	t.Helper()
	hand := MustParseCards("9S TS")
	var table []Card
	for _, c := range fullDeck() {
		if !c.IsCourt() && !contains(hand, c) {
			table = append(table, c)
		}
	}
	m, err := FromPosition(Setup{Options: DefaultOptions(2)}, Position{Table: table,
		Hands: [][]Card{hand, MustParseCards("KD")}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCrowdedTableStaysTractable: on a table with millions of distinct
// plays, LegalActions stops at MaxLegalPlays (plus the trails), every
// listed play is accepted, and builds naming any number of loose cards are
// decided (a search over every grouping would not finish).
func TestCrowdedTableStaysTractable(t *testing.T) {
	m := fullTable(t)
	legal := m.LegalActions(0)
	if len(legal) > MaxLegalPlays+2 || len(legal) < MaxLegalPlays {
		t.Fatalf("%d legal actions, want the cap %d plus trails", len(legal), MaxLegalPlays)
	}
	for i, a := range legal {
		if i%16 != 0 && a.Type != Trail {
			continue
		}
		if _, err := m.Decide(0, a); err != nil {
			t.Fatalf("listed %v refused: %v", a, err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for i := 0; i < 300; i++ {
		var named []Card
		for _, c := range m.s.Table {
			if rng.IntN(4) != 0 {
				named = append(named, c)
			}
		}
		if _, err := m.Decide(0, BuildAction(NewCard(9, Spades), 10, named)); err == nil {
			accepted++
		}
	}
	if accepted == 0 {
		t.Fatal("no large build was accepted: the check refuses what it cannot search")
	}
}
