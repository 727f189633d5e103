package cassino

import "slices"

// sameCards reports whether a and b hold the same cards, in any order.
func sameCards(a, b []Card) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// cloneNonEmpty copies cs, nil when it is empty.
func cloneNonEmpty(cs []Card) []Card {
	if len(cs) == 0 {
		return nil
	}
	return cloneCards(cs)
}
