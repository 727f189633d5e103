package cassino

import (
	"math/rand/v2"
	"testing"
)

// playRandom plays a whole match with RandomLegal bots and fails the test
// on any refused legal action.
func playRandom(t testing.TB, setup Setup) *Match {
	t.Helper()
	m, _, err := New(setup)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(setup.Seed), 7))
	for steps := 0; !m.Finished(); steps++ {
		if steps > 5000 {
			t.Fatalf("seed %d: match did not end", setup.Seed)
		}
		a := RandomLegal(m.View(m.Turn()), rng)
		if _, err := m.Apply(m.Turn(), a); err != nil {
			t.Fatalf("seed %d: legal action %v refused: %v", setup.Seed, a, err)
		}
	}
	return m
}

func TestRandomMatchesFinish(t *testing.T) {
	for _, players := range []int{2, 3, 4} {
		for seed := int64(0); seed < 20; seed++ {
			m := playRandom(t, Setup{Options: DefaultOptions(players), Seed: seed})
			if len(m.View(0).Winners) == 0 {
				t.Fatalf("%d players, seed %d: finished without a winner", players, seed)
			}
		}
	}
}
