package cassino

import (
	"math/rand/v2"
	"testing"
)

func TestGreedyPrefersPointsAndSweeps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table string
		hand  string
		want  string
	}{
		{"sweep over trail", "2S 8H", "TD 4C", `{"type":"capture","card":"TD","cards":[["2S","8H"]],"builds":[]}`},
		{"big casino over a plain pair", "TD 5H", "TC 5C", `{"type":"capture","card":"TC","cards":[["TD"]],"builds":[]}`},
		{"trail a worthless card", "KH", "AS 7C", `{"type":"trail","card":"7C"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FromPosition(Setup{Options: DefaultOptions(2)}, Position{
				Table: MustParseCards(tc.table), Hands: [][]Card{MustParseCards(tc.hand), MustParseCards("9D")}})
			if err != nil {
				t.Fatal(err)
			}
			if got := Greedy(m.View(0)).String(); got != tc.want {
				t.Fatalf("Greedy = %s, want %s", got, tc.want)
			}
		})
	}
}

// Greedy should beat a random player clearly over many matches.
func TestGreedyBeatsRandom(t *testing.T) {
	wins := 0
	const matches = 100
	for seed := int64(0); seed < matches; seed++ {
		m, _, err := New(Setup{Options: DefaultOptions(2), Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(seed), 3))
		greedySeat := int(seed % 2)
		for !m.Finished() {
			v := m.View(m.Turn())
			a := RandomLegal(v, rng)
			if m.Turn() == greedySeat {
				a = Greedy(v)
			}
			if _, err := m.Apply(m.Turn(), a); err != nil {
				t.Fatal(err)
			}
		}
		if m.View(0).Winners[0] == greedySeat {
			wins++
		}
	}
	if wins < matches*7/10 {
		t.Fatalf("greedy won %d of %d matches against random", wins, matches)
	}
	t.Logf("greedy won %d of %d", wins, matches)
}

func TestRandomLegalWithoutMoves(t *testing.T) {
	if a := RandomLegal(View{}, rand.New(rand.NewPCG(1, 1))); a.Type != "" {
		t.Fatalf("RandomLegal with no legal actions = %v", a)
	}
}
