package cassino

import (
	"math/rand/v2"
	"testing"
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
	m := crowded(b)
	n := 0
	for b.Loop() {
		n = len(m.LegalActions(0))
	}
	b.ReportMetric(float64(n), "actions")
}

// BenchmarkStateCopy is the floor of Apply: every Apply works on a copy.
func BenchmarkStateCopy(b *testing.B) {
	m, _ := midGame(b, 2, 7, 9)
	for b.Loop() {
		_ = m.s.clone()
	}
}

// BenchmarkApply applies one legal capture to a fresh copy of a mid-game
// match; the copy is BenchmarkStateCopy.
func BenchmarkApply(b *testing.B) {
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

// BenchmarkNew is the floor of a match: shuffle and first deal.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, _, err := New(Setup{Options: DefaultOptions(2), Seed: 3}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLegalActionsFullTable is the worst table possible: every number
// card loose but the two in hand. The list stops at MaxLegalPlays.
func BenchmarkLegalActionsFullTable(b *testing.B) {
	m := fullTable(b)
	n := 0
	for b.Loop() {
		n = len(m.LegalActions(0))
	}
	b.ReportMetric(float64(n), "actions")
}
