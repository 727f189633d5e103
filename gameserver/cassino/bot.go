package cassino

import "math/rand/v2"

// Greedy picks the action of the view with the best immediate gain: points
// and cards captured, sweeps, then builds (it only builds what it holds the
// card to take), and trails its least valuable card. It sees only the view.
func Greedy(v View) Action {
	best, bestScore := Action{}, -1<<31
	for _, a := range v.Legal {
		if sc := greedyScore(v, a); sc > bestScore {
			best, bestScore = a, sc
		}
	}
	return best
}

// RandomLegal picks one of the view's legal actions uniformly.
func RandomLegal(v View, rng *rand.Rand) Action {
	if len(v.Legal) == 0 {
		return Action{}
	}
	return v.Legal[rng.IntN(len(v.Legal))]
}

func greedyScore(v View, a Action) int {
	switch a.Type {
	case Capture:
		taken := []Card{a.Card}
		loose := 0
		for _, set := range a.Sets {
			taken = append(taken, set...)
			loose += len(set)
		}
		for _, id := range a.Builds {
			for _, b := range v.Builds {
				if b.ID == id {
					taken = append(taken, b.Cards()...)
				}
			}
		}
		sc := 100 + 10*len(taken)
		for _, c := range taken {
			sc += 40 * cardPoints(c)
			if c.Suit() == Spades {
				sc += 5
			}
		}
		if v.Options.Sweeps && loose == len(v.Table) && len(a.Builds) == len(v.Builds) {
			sc += 300
		}
		return sc
	case Build:
		return 80 + len(a.Cards)*10 + 40*pointsIn(a.Cards)
	default:
		// Trail what is worth least to the others: no points, low value.
		return -40*cardPoints(a.Card) - a.Card.Value()
	}
}

// cardPoints is what a card scores on its own.
func cardPoints(c Card) int {
	switch {
	case c == bigCasino:
		return 2
	case c == littleCasino, c.Rank() == 1:
		return 1
	}
	return 0
}

func pointsIn(cs []Card) int {
	p := 0
	for _, c := range cs {
		p += cardPoints(c)
	}
	return p
}
