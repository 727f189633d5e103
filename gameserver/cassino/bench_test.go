package cassino

import (
	"math/rand/v2"
	"testing"

	"github.com/croupier-dev/croupier/internal/benchcpu"
)

// crowded is a table late in a hand where nobody has been capturing: 14
// loose number cards, a court and two builds, with a hand that can
// capture, build and increase in many ways.
func crowded(tb testing.TB) *Match {
	tb.Helper()
	m, err := FromPosition(Setup{Options: DefaultOptions(2), Seed: 1}, Position{
		Table: MustParseCards("AH 2D 3C 4S 5H 6D 7C 8S 9H AS 2C 3D 4H 5C KD"),
		Builds: []PositionBuild{
			{ID: "b1", Sets: [][]Card{MustParseCards("2H 5D")}, Owner: 1},
			{ID: "b2", Sets: [][]Card{MustParseCards("4D"), MustParseCards("AC 3S")}, Owner: 1},
		},
		Hands: [][]Card{MustParseCards("7H 4C TS 9C"), MustParseCards("6S 8D")},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func BenchmarkLegalActionsCrowded(b *testing.B) {
	defer benchcpu.Report(b)()
	m := crowded(b)
	n := 0
	for b.Loop() {
		n = len(m.LegalActions(0))
	}
	b.ReportMetric(float64(n), "actions")
}

// BenchmarkLegalActionsCrowdedScratch lists the crowded table's plays
// into a Scratch (ViewInto), as a bot's playouts would: finding them, with
// no lists of the caller's own to hand out.
func BenchmarkLegalActionsCrowdedScratch(b *testing.B) {
	defer benchcpu.Report(b)()
	m := crowded(b)
	var sc Scratch
	n := 0
	for b.Loop() {
		n = len(m.ViewInto(0, &sc).Legal)
	}
	b.ReportMetric(float64(n), "actions")
}

// BenchmarkLegalListCopy is the floor of BenchmarkLegalActionsCrowded:
// handing out its 3,128 plays as lists of the caller's own, copied into one
// allocation per element type, without finding them.
func BenchmarkLegalListCopy(b *testing.B) {
	defer benchcpu.Report(b)()
	list := crowded(b).LegalActions(0)
	for b.Loop() {
		_ = copyActions(list)
	}
}

func copyActions(list []Action) []Action {
	nCards, nSets, nIDs := 0, 0, 0
	for _, a := range list {
		nCards += len(a.Cards)
		for _, set := range a.Sets {
			nCards += len(set)
		}
		nSets += len(a.Sets)
		nIDs += len(a.Builds)
	}
	out := make([]Action, len(list))
	cards := make([]Card, 0, nCards)
	sets := make([][]Card, 0, nSets)
	ids := make([]string, 0, nIDs)
	for i, a := range list {
		start := len(sets)
		for _, set := range a.Sets {
			cards = append(cards, set...)
			sets = append(sets, cards[len(cards)-len(set):])
		}
		a.Sets = sets[start:]
		cards = append(cards, a.Cards...)
		a.Cards = cards[len(cards)-len(a.Cards):]
		ids = append(ids, a.Builds...)
		a.Builds = ids[len(ids)-len(a.Builds):]
		out[i] = a
	}
	return out
}

// BenchmarkStateCopy is the floor of Apply: every Apply works on a copy.
func BenchmarkStateCopy(b *testing.B) {
	defer benchcpu.Report(b)()
	m, _ := midGame(b, 2, 7, 9)
	for b.Loop() {
		_ = m.s.clone()
	}
}

// BenchmarkApply applies one legal capture to a fresh copy of a mid-game
// match; the copy is BenchmarkStateCopy.
func BenchmarkApply(b *testing.B) {
	defer benchcpu.Report(b)()
	base, _ := midGame(b, 2, 7, 9)
	a := base.LegalActions(base.Turn())[0]
	for b.Loop() {
		m := &Match{s: *base.s.clone()}
		if _, err := m.Apply(m.Turn(), a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshotRestore(b *testing.B) {
	defer benchcpu.Report(b)()
	m, _ := midGame(b, 2, 7, 9)
	for b.Loop() {
		s, err := m.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Restore(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRandomMatch2P plays whole 2-player matches to 21 with
// RandomLegal bots reading their View, as a load test would.
func BenchmarkRandomMatch2P(b *testing.B) {
	defer benchcpu.Report(b)()
	rng := rand.New(rand.NewPCG(1, 2))
	seed := int64(0)
	plays := 0
	for b.Loop() {
		seed++
		m, _, err := New(Setup{Options: DefaultOptions(2), Seed: seed})
		if err != nil {
			b.Fatal(err)
		}
		for !m.Finished() {
			if _, err := m.Apply(m.Turn(), RandomLegal(m.View(m.Turn()), rng)); err != nil {
				b.Fatal(err)
			}
			plays++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
	b.ReportMetric(float64(plays)/float64(b.N), "plays/match")
}

// BenchmarkRandomMatch2PScratch is BenchmarkRandomMatch2P for a caller
// that lends the engine a Scratch (ViewInto, ApplyInto), as playouts
// would: the same matches, plays and choices.
func BenchmarkRandomMatch2PScratch(b *testing.B) {
	defer benchcpu.Report(b)()
	rng := rand.New(rand.NewPCG(1, 2))
	seed := int64(0)
	plays := 0
	var sc Scratch
	for b.Loop() {
		seed++
		m, _, err := New(Setup{Options: DefaultOptions(2), Seed: seed})
		if err != nil {
			b.Fatal(err)
		}
		for !m.Finished() {
			if _, err := m.ApplyInto(m.Turn(), RandomLegal(*m.ViewInto(m.Turn(), &sc), rng), &sc); err != nil {
				b.Fatal(err)
			}
			plays++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
	b.ReportMetric(float64(plays)/float64(b.N), "plays/match")
}

// BenchmarkNew is the floor of a match: shuffle and first deal.
func BenchmarkNew(b *testing.B) {
	defer benchcpu.Report(b)()
	for b.Loop() {
		if _, _, err := New(Setup{Options: DefaultOptions(2), Seed: 3}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLegalActionsFullTable is the worst table possible: every number
// card loose but the two in hand. The list stops at MaxLegalPlays.
func BenchmarkLegalActionsFullTable(b *testing.B) {
	defer benchcpu.Report(b)()
	m := fullTable(b)
	n := 0
	for b.Loop() {
		n = len(m.LegalActions(0))
	}
	b.ReportMetric(float64(n), "actions")
}
