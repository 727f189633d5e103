package cassino

import (
	"math/bits"
	"slices"
)

// span is the part [start, end) of one of the generator's lists; an empty
// span stands for a nil list.
type span struct{ start, end int32 }

func spanFrom(start, end int) span { return span{int32(start), int32(end)} }

func (sp span) len() int { return int(sp.end - sp.start) }

const (
	kindCapture = iota
	kindBuild
	kindTrail
)

var kindTypes = [...]ActionType{kindCapture: Capture, kindBuild: Build, kindTrail: Trail}

// rawAction is an Action in the generator's scratch: cards is a span of
// the generator's cards, sets a span of its sets, ids a span of its ids.
type rawAction struct {
	kind  uint8
	card  Card
	value int8
	cards span
	sets  span
	ids   span
}

// cardsOf adds the loose cards of mask, in table order, to the scratch.
func (g *generator) cardsOf(mask uint64) span {
	start := len(g.cards)
	for mask != 0 {
		i := bits.TrailingZeros64(mask)
		g.cards = append(g.cards, g.s.Table[i])
		mask &^= 1 << i
	}
	return spanFrom(start, len(g.cards))
}

func (g *generator) oneCard(c Card) span {
	g.cards = append(g.cards, c)
	return spanFrom(len(g.cards)-1, len(g.cards))
}

// setCards turns set masks into card sets, ordered by their first card.
func (g *generator) setCards(sets []uint64) span {
	slices.SortFunc(sets, func(a, b uint64) int { return bits.TrailingZeros64(a) - bits.TrailingZeros64(b) })
	start := len(g.sets)
	for _, m := range sets {
		g.sets = append(g.sets, g.cardsOf(m))
	}
	return spanFrom(start, len(g.sets))
}

// buildIDs adds, in table order, the builds picked by the bits of pick,
// plus the build at index extra (if >= 0).
func (g *generator) buildIDs(idx []int, pick int, extra int) span {
	start := len(g.ids)
	if pick == 0 && extra < 0 {
		return spanFrom(start, start)
	}
	for i := range g.s.Builds {
		chosen := i == extra
		for k, at := range idx {
			if at == i && pick&(1<<k) != 0 {
				chosen = true
			}
		}
		if chosen {
			g.ids = append(g.ids, uint8(i))
		}
	}
	return spanFrom(start, len(g.ids))
}

// legalMem holds a short list of legal actions, which is most of them, in
// one allocation; a longer list gets its own.
type legalMem struct {
	actions [8]Action
	cards   [24]Card
	sets    [8][]Card
	ids     [4]string
}

// legalMemLarge is legalMem for a crowded table's list, one view in
// ten: lists beyond it get four allocations of their own.
type legalMemLarge struct {
	actions [16]Action
	cards   [48]Card
	sets    [16][]Card
	ids     [8]string
}

// legalMemSmall is legalMem for the lists of a hand's trails and a few
// more plays, the usual view.
type legalMemSmall struct {
	actions [4]Action
	cards   [12]Card
	sets    [4][]Card
	ids     [2]string
}

// legalMemTiny is legalMem for lists of one or two plays, a third of
// the views.
type legalMemTiny struct {
	actions [2]Action
	cards   [6]Card
	sets    [2][]Card
	ids     [1]string
}

// legalMemMid is legalMem for lists of five or six plays.
type legalMemMid struct {
	actions [6]Action
	cards   [18]Card
	sets    [6][]Card
	ids     [3]string
}

// legalCaps are the capacities of the legalMem types.
type legalCaps struct{ actions, cards, sets, ids int }

var (
	largeLegal = legalCaps{len(legalMemLarge{}.actions), len(legalMemLarge{}.cards), len(legalMemLarge{}.sets), len(legalMemLarge{}.ids)}
	fullLegal  = legalCaps{len(legalMem{}.actions), len(legalMem{}.cards), len(legalMem{}.sets), len(legalMem{}.ids)}
	smallLegal = legalCaps{len(legalMemSmall{}.actions), len(legalMemSmall{}.cards), len(legalMemSmall{}.sets), len(legalMemSmall{}.ids)}
	tinyLegal  = legalCaps{len(legalMemTiny{}.actions), len(legalMemTiny{}.cards), len(legalMemTiny{}.sets), len(legalMemTiny{}.ids)}
	midLegal   = legalCaps{len(legalMemMid{}.actions), len(legalMemMid{}.cards), len(legalMemMid{}.sets), len(legalMemMid{}.ids)}
)

// legalParts are the lists an export carves its actions from.
type legalParts struct {
	actions []Action
	cards   []Card
	sets    [][]Card
	ids     []string
}

func (m *legalMem) parts() legalParts {
	return legalParts{m.actions[:], m.cards[:], m.sets[:], m.ids[:]}
}

func (m *legalMemLarge) parts() legalParts {
	return legalParts{m.actions[:], m.cards[:], m.sets[:], m.ids[:]}
}

func (m *legalMemSmall) parts() legalParts {
	return legalParts{m.actions[:], m.cards[:], m.sets[:], m.ids[:]}
}

func (m *legalMemTiny) parts() legalParts {
	return legalParts{m.actions[:], m.cards[:], m.sets[:], m.ids[:]}
}

func (m *legalMemMid) parts() legalParts {
	return legalParts{m.actions[:], m.cards[:], m.sets[:], m.ids[:]}
}

// legalSize counts what the plays found take once exported.
type legalSize legalCaps

func (g *generator) size() legalSize {
	n := legalSize{actions: len(g.raw)}
	for _, r := range g.raw {
		n.cards += r.cards.len()
		for _, sp := range g.sets[r.sets.start:r.sets.end] {
			n.cards += sp.len()
		}
		n.sets += r.sets.len()
		n.ids += r.ids.len()
	}
	return n
}

// bound is at least size, found without a pass over the plays: every
// span of sets and ids belongs to one play, and every span of cards but
// the builds' (counted apart) too.
func (g *generator) bound() legalSize {
	return legalSize{actions: len(g.raw), cards: len(g.cards) + g.sharedCards, sets: len(g.sets), ids: len(g.ids)}
}

func (n legalSize) fits(c legalCaps) bool {
	return n.actions <= c.actions && n.cards <= c.cards && n.sets <= c.sets && n.ids <= c.ids
}

// export turns the plays found into actions with lists of their own: one
// list each for the actions, their cards, their sets and their build ids,
// however many actions there are (in mem when they fit). Each action's
// slices stay distinct, and empty ones nil, as if allocated one by one.
func (g *generator) export(n legalSize, mem legalParts) []Action {
	raw := g.raw
	if len(raw) == 0 {
		return nil
	}
	out := within(mem.actions, len(raw))[:len(raw)]
	cards := within(mem.cards, n.cards)
	sets := within(mem.sets, n.sets)
	ids := within(mem.ids, n.ids)
	carve := func(sp span) []Card {
		start := len(cards)
		cards = append(cards, g.cards[sp.start:sp.end]...)
		return cards[start:len(cards):len(cards)]
	}
	for i, r := range raw {
		a := &out[i]
		*a = Action{Type: kindTypes[r.kind], Card: r.card, Value: int(r.value)}
		if r.sets.len() > 0 {
			start := len(sets)
			for _, sp := range g.sets[r.sets.start:r.sets.end] {
				sets = append(sets, carve(sp))
			}
			a.Sets = sets[start:len(sets):len(sets)]
		}
		if r.cards.len() > 0 {
			a.Cards = carve(r.cards)
		}
		if r.ids.len() > 0 {
			start := len(ids)
			for _, b := range g.ids[r.ids.start:r.ids.end] {
				ids = append(ids, g.s.Builds[b].ID)
			}
			a.Builds = ids[start:len(ids):len(ids)]
		}
	}
	return out
}
