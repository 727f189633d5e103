package cassino

import (
	"math/bits"
	"slices"
)

// grow is the capacity of an arena's next chunk: doubling from small, so
// that a quiet table allocates little and a crowded one few times.
func grow(prev, need int) int {
	return max(min(2*prev, 4096), need, 8)
}

// cardsOf returns the loose cards of mask, in table order.
func (g *generator) cardsOf(mask uint64) []Card {
	n := bits.OnesCount64(mask)
	if cap(g.cards)-len(g.cards) < n {
		g.cards = make([]Card, 0, grow(cap(g.cards), n))
	}
	start := len(g.cards)
	for mask != 0 {
		i := bits.TrailingZeros64(mask)
		g.cards = append(g.cards, g.s.Table[i])
		mask &^= 1 << i
	}
	return g.cards[start:len(g.cards):len(g.cards)]
}

// setCards turns set masks into card sets, ordered by their first card.
func (g *generator) setCards(sets []uint64) [][]Card {
	if len(sets) == 0 {
		return nil
	}
	slices.SortFunc(sets, func(a, b uint64) int { return bits.TrailingZeros64(a) - bits.TrailingZeros64(b) })
	if cap(g.sets)-len(g.sets) < len(sets) {
		g.sets = make([][]Card, 0, grow(cap(g.sets), len(sets)))
	}
	start := len(g.sets)
	for _, m := range sets {
		g.sets = append(g.sets, g.cardsOf(m))
	}
	return g.sets[start:len(g.sets):len(g.sets)]
}

// buildIDs returns, in table order, the ids of the builds picked by the
// bits of pick, plus the build at index extra (if >= 0).
func (g *generator) buildIDs(idx []int, pick int, extra int) []string {
	if pick == 0 && extra < 0 {
		return nil
	}
	if cap(g.ids)-len(g.ids) < len(g.s.Builds) {
		g.ids = make([]string, 0, grow(cap(g.ids), len(g.s.Builds)))
	}
	start := len(g.ids)
	for i, b := range g.s.Builds {
		chosen := i == extra
		for k, at := range idx {
			if at == i && pick&(1<<k) != 0 {
				chosen = true
			}
		}
		if chosen {
			g.ids = append(g.ids, b.ID)
		}
	}
	return g.ids[start:len(g.ids):len(g.ids)]
}
