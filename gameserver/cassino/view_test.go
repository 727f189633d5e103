package cassino

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestView(t *testing.T) {
	m, _ := midGame(t, 3, 21, 4)
	turn := m.Turn()
	for seat := 0; seat < 3; seat++ {
		v := m.View(seat)
		if !slices.Equal(v.Hand, m.s.Hands[seat]) || v.Turn != turn || v.Seat != seat {
			t.Fatalf("seat %d: view %+v", seat, v)
		}
		if (len(v.Legal) > 0) != (seat == turn) {
			t.Fatalf("seat %d: %d legal actions, turn %d", seat, len(v.Legal), turn)
		}
		for other, n := range v.HandCounts {
			if n != len(m.s.Hands[other]) {
				t.Fatalf("seat %d sees %d cards in hand %d", seat, n, other)
			}
		}
		if err := checkView(&m.s, seat, v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		var raw map[string]any
		_ = json.Unmarshal(b, &raw)
		if _, ok := raw["deck"]; ok {
			t.Fatal("the view holds the deck")
		}
	}
	spectator := m.View(-1)
	if spectator.Hand != nil || spectator.Legal != nil {
		t.Fatalf("a spectator sees %v and %v", spectator.Hand, spectator.Legal)
	}
}

func TestEventFor(t *testing.T) {
	_, opening, err := New(Setup{Options: DefaultOptions(4), Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	dealt := opening[1]
	for seat := 0; seat < 4; seat++ {
		r := dealt.For(seat)
		for other, h := range r.Hands {
			if (other == seat) != (len(h) == 4) {
				t.Fatalf("seat %d sees hand %d: %v", seat, other, h)
			}
		}
		if !slices.Equal(r.Counts, []int{4, 4, 4, 4}) || len(r.Table) != 4 {
			t.Fatalf("seat %d: counts %v table %v", seat, r.Counts, r.Table)
		}
	}
	if len(dealt.Hands[1]) != 4 {
		t.Fatal("For changed the original event")
	}
	if r := dealt.For(9); slices.ContainsFunc(r.Hands, func(h []Card) bool { return len(h) > 0 }) {
		t.Fatal("a spectator sees a hand")
	}
}
