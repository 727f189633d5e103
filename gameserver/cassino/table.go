package cassino

import "fmt"

// checkLoose checks that the named cards are distinct loose table cards.
func (s *state) checkLoose(named []Card, code string) *RuleError {
	for i, c := range named {
		if !c.Valid() {
			return ruleErr(code, "%q is not a card", c.String())
		}
		if !contains(s.Table, c) {
			return ruleErr(code, "the %s is not loose on the table", c)
		}
		if contains(named[:i], c) {
			return ruleErr(code, "the %s is named twice", c)
		}
	}
	return nil
}

// checkBuildIDs checks that the ids name distinct builds on the table and
// returns them in table order, appended to idx (an empty buffer).
func (s *state) checkBuildIDs(ids []string, code string, idx []int) ([]int, *RuleError) {
	for i, id := range ids {
		at, _ := s.build(id)
		if at < 0 {
			return nil, ruleErr(code, "there is no build %q on the table", id)
		}
		for _, prev := range ids[:i] {
			if prev == id {
				return nil, ruleErr(code, "build %s is named twice", id)
			}
		}
		idx = append(idx, at)
	}
	return sortedInts(idx), nil
}

// checkPlayEvent checks what every play event needs: a hand in play, the
// seat to move, the card in its hand.
func (s *state) checkPlayEvent(e *Event) error {
	if s.Finished || s.HandOver || s.Hand == 0 {
		return fmt.Errorf("no hand is in play")
	}
	if e.Seat != s.Turn {
		return fmt.Errorf("it is seat %d's turn, not seat %d's", s.Turn, e.Seat)
	}
	if !contains(s.Hands[e.Seat], e.Card) {
		return fmt.Errorf("seat %d does not hold the %s", e.Seat, e.Card)
	}
	return nil
}

// removeBuilds removes the builds at idx in place (see dropCards).
func removeBuilds(bs []TableBuild, idx []int) []TableBuild {
	out := bs[:0]
	for i, b := range bs {
		if !containsInt(idx, i) {
			out = append(out, b)
		}
	}
	clear(bs[len(out):])
	return out
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func sortedInts(xs []int) []int {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs
}

func cloneIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return append([]string(nil), ids...)
}
