package cassino

import (
	"math/bits"
	"slices"
)

// cardsOf returns the loose cards of mask, in table order, in the scratch.
func (g *generator) cardsOf(mask uint64) []Card {
	start := len(g.cards)
	for mask != 0 {
		i := bits.TrailingZeros64(mask)
		g.cards = append(g.cards, g.s.Table[i])
		mask &^= 1 << i
	}
	return g.cards[start:len(g.cards):len(g.cards)]
}

func (g *generator) oneCard(c Card) []Card {
	g.cards = append(g.cards, c)
	return g.cards[len(g.cards)-1 : len(g.cards) : len(g.cards)]
}

// setCards turns set masks into card sets, ordered by their first card.
func (g *generator) setCards(sets []uint64) [][]Card {
	if len(sets) == 0 {
		return nil
	}
	slices.SortFunc(sets, func(a, b uint64) int { return bits.TrailingZeros64(a) - bits.TrailingZeros64(b) })
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

// legalMem holds a short list of legal actions, which is most of them, in
// one allocation; a longer list gets its own.
type legalMem struct {
	actions [6]Action
	cards   [16]Card
	sets    [6][]Card
	ids     [2]string
}

// export copies the actions out of the scratch into lists of their own:
// one each for the actions, their cards, their sets and their build ids,
// however many actions there are. Each action's slices stay distinct, and
// empty ones nil, as if allocated one by one.
func (g *generator) export(scratch []Action, mem *legalMem) []Action {
	if len(scratch) == 0 {
		return nil
	}
	if mem == nil {
		mem = new(legalMem)
	}
	var nCards, nSets, nIDs int
	for _, a := range scratch {
		nCards += len(a.Cards)
		for _, set := range a.Sets {
			nCards += len(set)
		}
		nSets += len(a.Sets)
		nIDs += len(a.Builds)
	}
	out := within(mem.actions[:], len(scratch))[:len(scratch)]
	cards := within(mem.cards[:], nCards)
	sets := within(mem.sets[:], nSets)
	ids := within(mem.ids[:], nIDs)
	carve := func(cs []Card) []Card {
		start := len(cards)
		cards = append(cards, cs...)
		return cards[start:len(cards):len(cards)]
	}
	for i, a := range scratch {
		if a.Sets != nil {
			start := len(sets)
			for _, set := range a.Sets {
				sets = append(sets, carve(set))
			}
			a.Sets = sets[start:len(sets):len(sets)]
		}
		if a.Cards != nil {
			a.Cards = carve(a.Cards)
		}
		if a.Builds != nil {
			start := len(ids)
			ids = append(ids, a.Builds...)
			a.Builds = ids[start:len(ids):len(ids)]
		}
		out[i] = a
	}
	return out
}
