package cassino

import (
	"math/bits"
	"slices"
)

// LegalActions lists every action seat may take now, or nil when it is not
// seat's turn. Captures that take the same cards are listed once, whatever
// the grouping into sets, since they have the same outcome.
func (m *Match) LegalActions(seat int) []Action {
	s := &m.s
	if s.Finished || s.HandOver || seat != s.Turn {
		return nil
	}
	return s.legalActions(seat)
}

func (s *state) legalActions(seat int) []Action {
	g := newGenerator(s)
	var out []Action
	for _, c := range s.Hands[seat] {
		out = g.appendCaptures(out, c)
	}
	for _, c := range s.Hands[seat] {
		out = g.appendBuilds(out, seat, c)
	}
	blocked := s.sideOwnsBuild(seat) && len(out) > 0
	for _, c := range s.Hands[seat] {
		if blocked || (!s.Options.TrailWhenCaptureAvailable && s.canCapture(c)) {
			continue
		}
		out = append(out, TrailAction(c))
	}
	return out
}

// generator enumerates actions on one table, sharing the subset sums of
// the loose cards between the cards of the hand. A crowded table has
// thousands of legal actions, so their lists are carved out of shared
// arenas instead of being allocated one by one.
type generator struct {
	s       *state
	bySum   [11][]uint64 // loose-card subsets by their sum
	reach   [11][]union  // unions of disjoint subsets of one sum, from nothing
	done    [11]bool
	cards   []Card
	sets    [][]Card
	ids     []string
	scratch []uint64
}

// grow is the capacity of an arena's next chunk: doubling from small, so
// that a quiet table allocates little and a crowded one few times.
func grow(prev, need int) int {
	return max(min(2*prev, 4096), need, 32)
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

func newGenerator(s *state) *generator {
	g := &generator{s: s}
	g.bySum = subsetsBySum(s.Table)
	return g
}

// reachFrom0 is every union of disjoint sets summing to v (with the empty
// union first).
func (g *generator) reachFrom0(v int) []union {
	if !g.done[v] {
		g.reach[v] = unions([]union{{parent: -1}}, g.bySum[v])
		g.done[v] = true
	}
	return g.reach[v]
}

// union is a set of loose cards (a mask over s.Table) reached by adding
// the set to the union at index parent (-1: a starting union).
type union struct {
	mask   uint64
	parent int
	set    uint64
}

// unions extends the starting unions by disjoint sets, breadth first, and
// returns every distinct reachable union once.
func unions(starts []union, sets []uint64) []union {
	out := make([]union, 0, len(starts)+len(sets))
	var seen map[uint64]bool
	has := func(m uint64) bool {
		if seen != nil {
			return seen[m]
		}
		for _, u := range out {
			if u.mask == m {
				return true
			}
		}
		return false
	}
	add := func(u union) {
		out = append(out, u)
		if seen == nil && len(out) > 32 {
			seen = make(map[uint64]bool, 2*len(out))
			for _, x := range out {
				seen[x.mask] = true
			}
		} else if seen != nil {
			seen[u.mask] = true
		}
	}
	for _, u := range starts {
		if !has(u.mask) {
			add(u)
		}
	}
	for i := 0; i < len(out); i++ {
		base := out[i].mask
		for _, set := range sets {
			if m := base | set; base&set == 0 && !has(m) {
				add(union{mask: m, parent: i, set: set})
			}
		}
	}
	return out
}

// setsOf follows the parents of union i back to its start and appends the
// sets that make it up (the start's own mask included when not empty).
func setsOf(out []uint64, us []union, i int) []uint64 {
	for ; i >= 0; i = us[i].parent {
		if us[i].parent < 0 {
			if us[i].mask != 0 {
				out = append(out, us[i].mask)
			}
			break
		}
		out = append(out, us[i].set)
	}
	return out
}

func (g *generator) appendCaptures(out []Action, c Card) []Action {
	s := g.s
	if c.IsCourt() {
		return append(out, s.courtCaptures(c)...)
	}
	v := c.Value()
	reach := g.reachFrom0(v)
	var builds []int
	for i, b := range s.Builds {
		if b.Value == v {
			builds = append(builds, i)
		}
	}
	for i, u := range reach {
		for j := 0; j < 1<<len(builds); j++ {
			if u.mask == 0 && j == 0 {
				continue
			}
			g.scratch = setsOf(g.scratch[:0], reach, i)
			out = append(out, CaptureAction(c, g.setCards(g.scratch), g.buildIDs(builds, j, -1)...))
		}
	}
	return out
}

func (s *state) courtCaptures(c Card) []Action {
	take := s.courtTake(c)
	var same []Card
	for _, t := range s.Table {
		if t.Rank() == c.Rank() {
			same = append(same, t)
		}
	}
	if take == 0 {
		return nil
	}
	if take == len(same) {
		sets := make([][]Card, len(same))
		for i, t := range same {
			sets[i] = []Card{t}
		}
		return []Action{CaptureAction(c, sets)}
	}
	out := make([]Action, 0, len(same))
	for _, t := range same {
		out = append(out, CaptureAction(c, [][]Card{{t}}))
	}
	return out
}

// buildActions lists every build seat can make with c.
func (s *state) buildActions(seat int, c Card) []Action {
	return newGenerator(s).appendBuilds(nil, seat, c)
}

// appendBuilds adds every build seat can make with c: for each value it
// still holds a card of, c either joins loose cards into a set or increases
// one single build, and further loose sets and builds of that value join.
func (g *generator) appendBuilds(out []Action, seat int, c Card) []Action {
	s := g.s
	if c.IsCourt() {
		return out
	}
	cv := c.Value()
	for v := max(cv, 2); v <= 10; v++ {
		if !s.holdsValue(seat, c, v) {
			continue
		}
		var joinable []int
		for i, b := range s.Builds {
			if b.Value == v {
				joinable = append(joinable, i)
			}
		}
		reach0 := g.reachFrom0(v)
		plain := reach0
		if v > cv {
			starts := make([]union, 0, len(g.bySum[v-cv]))
			for _, m := range g.bySum[v-cv] {
				starts = append(starts, union{mask: m, parent: -1})
			}
			plain = unions(starts, g.bySum[v])
		}
		out = g.appendBuildsFrom(out, c, v, plain, joinable, -1)
		for i, b := range s.Builds {
			if !b.Multiple() && b.Value+cv == v && (b.Owner != seat || s.Options.IncreaseOwnBuild) {
				out = g.appendBuildsFrom(out, c, v, reach0, joinable, i)
			}
		}
	}
	return out
}

func (g *generator) appendBuildsFrom(out []Action, c Card, v int, reach []union, joinable []int, inc int) []Action {
	for _, u := range reach {
		for j := 0; j < 1<<len(joinable); j++ {
			if u.mask == 0 && j == 0 && inc < 0 {
				continue
			}
			var cards []Card
			if u.mask != 0 {
				cards = g.cardsOf(u.mask)
			}
			out = append(out, BuildAction(c, v, cards, g.buildIDs(joinable, j, inc)...))
		}
	}
	return out
}
