package cassino

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPropertyActionsOutsideLegalAreRefused throws random and mutated
// actions at random positions: an action is accepted exactly when it is
// one of LegalActions (a capture may group the same cards differently, as
// long as every set is valid), and a refusal is a RuleError that changes
// nothing.
func TestPropertyActionsOutsideLegalAreRefused(t *testing.T) {
	combos := optionCombos()
	for i := 0; i < 400; i++ {
		setup := Setup{Options: combos[i%len(combos)], Seed: int64(i)}
		m, _, err := New(setup)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 5))
		for !m.Finished() {
			seat := m.Turn()
			legal := m.LegalActions(seat)
			keys := map[string]bool{}
			for _, a := range legal {
				keys[actionKey(a)] = true
			}
			if err := checkQuickChecks(&m.s, seat, legal); err != nil {
				t.Fatalf("match %d: %v", i, err)
			}
			before := m.s.clone()
			for k := 0; k < 6; k++ {
				a := randomAction(rng, &m.s, seat, legal)
				_, err := m.Decide(seat, a)
				want := keys[actionKey(a)] && wellFormed(a)
				if (err == nil) != want {
					t.Fatalf("match %d: %v: accepted %v, legal %v (error: %v)\ntable %v builds %+v hand %v",
						i, a, err == nil, want, err, m.s.Table, m.s.Builds, m.s.Hands[seat])
				}
				var re *RuleError
				if err != nil && (!errors.As(err, &re) || re.Code == "" || re.Message == "") {
					t.Fatalf("match %d: %v refused without a rule error: %v", i, a, err)
				}
			}
			if !sameState(before, &m.s) {
				t.Fatalf("match %d: Decide changed the match", i)
			}
			if _, err := m.Apply(seat, legal[rng.IntN(len(legal))]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkQuickChecks: canCapture and canBuild, which decide trailing without
// listing plays, agree with the listed plays card by card.
func checkQuickChecks(s *state, seat int, legal []Action) error {
	for _, c := range s.Hands[seat] {
		captures := slices.ContainsFunc(legal, func(a Action) bool { return a.Type == Capture && a.Card == c })
		builds := slices.ContainsFunc(legal, func(a Action) bool { return a.Type == Build && a.Card == c })
		if s.canCapture(c) != captures || s.canBuild(seat, c) != builds {
			return fmt.Errorf("%s: canCapture %v canBuild %v, but listed captures %v builds %v",
				c, s.canCapture(c), s.canBuild(seat, c), captures, builds)
		}
	}
	return nil
}

// wellFormed checks what the outcome key of an action does not: no card
// is named twice (the key counts 7H and 7D alike), fields of another
// action type are empty, and every capture set is a pair or sums to the
// card's value.
func wellFormed(a Action) bool {
	named := slices.Concat(append(slices.Clone(a.Sets), a.Cards)...)
	slices.Sort(named)
	if len(slices.Compact(named)) != len(slices.Concat(append(slices.Clone(a.Sets), a.Cards)...)) {
		return false
	}
	switch a.Type {
	case Capture:
		if len(a.Cards) > 0 || a.Value != 0 {
			return false
		}
		for _, set := range a.Sets {
			if len(set) == 0 {
				return false
			}
			if a.Card.IsCourt() {
				if len(set) != 1 || set[0].Rank() != a.Card.Rank() {
					return false
				}
			} else if sum(set) != a.Card.Value() || slices.ContainsFunc(set, Card.IsCourt) {
				return false
			}
		}
		return true
	case Build:
		return len(a.Sets) == 0
	case Trail:
		return len(a.Sets)+len(a.Cards)+len(a.Builds) == 0 && a.Value == 0
	}
	return false
}

func randomAction(rng *rand.Rand, s *state, seat int, legal []Action) Action {
	if len(legal) > 0 && rng.IntN(2) == 0 {
		return mutate(rng, s, cloneAction(legal[rng.IntN(len(legal))]))
	}
	a := Action{Type: []ActionType{Capture, Build, Trail, "steal"}[rng.IntN(4)], Card: randomCard(rng, s, seat)}
	var picked []Card
	for _, c := range s.Table {
		if rng.IntN(3) == 0 {
			picked = append(picked, c)
		}
	}
	for _, b := range s.Builds {
		if rng.IntN(3) == 0 {
			a.Builds = append(a.Builds, b.ID)
		}
	}
	switch a.Type {
	case Capture:
		groups := 1 + rng.IntN(3)
		a.Sets = make([][]Card, groups)
		for _, c := range picked {
			g := rng.IntN(groups)
			a.Sets[g] = append(a.Sets[g], c)
		}
	case Build:
		a.Cards = picked
		a.Value = sum(picked) + a.Card.Value()
		if rng.IntN(2) == 0 {
			a.Value = rng.IntN(12)
		}
	}
	return a
}

func randomCard(rng *rand.Rand, s *state, seat int) Card {
	if h := s.Hands[seat]; len(h) > 0 && rng.IntN(10) < 7 {
		return h[rng.IntN(len(h))]
	}
	return Card(rng.IntN(57)) // includes a few non-cards
}

func cloneAction(a Action) Action {
	a.Sets = cloneSets(a.Sets)
	a.Cards = cloneNonEmpty(a.Cards)
	a.Builds = cloneIDs(a.Builds)
	return a
}

// mutate changes one thing in a (often a legal action).
func mutate(rng *rand.Rand, s *state, a Action) Action {
	var tableCard Card
	if len(s.Table) > 0 {
		tableCard = s.Table[rng.IntN(len(s.Table))]
	} else {
		tableCard = Card(4 + rng.IntN(deckSize))
	}
	switch rng.IntN(8) {
	case 0: // drop a card
		if len(a.Sets) > 0 {
			i := rng.IntN(len(a.Sets))
			a.Sets[i] = a.Sets[i][1:]
		} else if len(a.Cards) > 0 {
			a.Cards = a.Cards[1:]
		}
	case 1: // add a card
		if a.Type == Capture && len(a.Sets) > 0 {
			i := rng.IntN(len(a.Sets))
			a.Sets[i] = append(a.Sets[i], tableCard)
		} else if a.Type == Capture {
			a.Sets = [][]Card{{tableCard}}
		} else {
			a.Cards = append(a.Cards, tableCard)
		}
	case 2:
		a.Value += []int{-1, 1}[rng.IntN(2)]
	case 3:
		a.Card = randomCard(rng, s, s.Turn)
	case 4: // add or drop a build
		if len(a.Builds) > 0 {
			a.Builds = a.Builds[1:]
		} else if len(s.Builds) > 0 {
			a.Builds = []string{s.Builds[rng.IntN(len(s.Builds))].ID}
		} else {
			a.Builds = []string{"b99"}
		}
	case 5: // regroup a capture's sets
		if len(a.Sets) > 1 {
			a.Sets = append([][]Card{slices.Concat(a.Sets[0], a.Sets[1])}, a.Sets[2:]...)
		}
	case 6:
		a.Type = []ActionType{Capture, Build, Trail}[rng.IntN(3)]
	}
	return a
}
