package cassino

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
	var g generator
	g.init(s)
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

// MaxLegalPlays bounds the captures and builds LegalActions lists. Real
// play stays far below it (random matches peak under a thousand); a table
// made pathological on purpose, by trailing card after card, could
// otherwise have millions of distinct plays. Beyond it the list holds the
// captures and builds found first (fewest sets first), and every trail.
const MaxLegalPlays = 4096

// generator enumerates actions on one table, sharing the class sums of the
// loose cards between the cards of the hand. A crowded table has thousands
// of legal actions, so their lists are carved out of shared arenas instead
// of being allocated one by one.
type generator struct {
	s       *state
	ct      classTable
	bySum   [11][]classSet // multisets of loose cards by their sum
	reach   [11][]union    // unions of disjoint sets of one sum, from nothing
	done    [11]bool
	cards   []Card
	sets    [][]Card
	ids     []string
	scratch []uint64
}

func (g *generator) init(s *state) {
	g.s = s
	g.ct.init(s.Table)
	g.bySum = g.ct.setsBySum()
}

// reachFrom0 is every union of disjoint sets summing to v (with the empty
// union first).
func (g *generator) reachFrom0(v int) []union {
	if !g.done[v] {
		g.reach[v] = unions(&g.ct, []union{{parent: -1}}, g.bySum[v], MaxLegalPlays)
		g.done[v] = true
	}
	return g.reach[v]
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
		for j := 0; j < 1<<len(builds) && len(out) < MaxLegalPlays; j++ {
			if u.vec == 0 && j == 0 {
				continue
			}
			g.scratch = setsOf(g.scratch[:0], reach, i)
			out = append(out, CaptureAction(c, g.setCards(g.ct.split(g.scratch)), g.buildIDs(builds, j, -1)...))
		}
	}
	return out
}

// courtCaptures: a court pairs with one card of its rank (one action per
// class of card: QH and QD are the same play), or takes all it must.
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
	var out []Action
	seen := map[int]bool{}
	for _, t := range same {
		if !seen[roleOf(t)] {
			seen[roleOf(t)] = true
			out = append(out, CaptureAction(c, [][]Card{{t}}))
		}
	}
	return out
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
	for v := max(cv, 2); v <= 10 && len(out) < MaxLegalPlays; v++ {
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
			for _, set := range g.bySum[v-cv] {
				starts = append(starts, union{vec: set.vec, parent: -1})
			}
			plain = unions(&g.ct, starts, g.bySum[v], MaxLegalPlays-len(out))
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
		for j := 0; j < 1<<len(joinable) && len(out) < MaxLegalPlays; j++ {
			if u.vec == 0 && j == 0 && inc < 0 {
				continue
			}
			var cards []Card
			if u.vec != 0 {
				cards = g.cardsOf(g.ct.mask(u.vec))
			}
			out = append(out, BuildAction(c, v, cards, g.buildIDs(joinable, j, inc)...))
		}
	}
	return out
}
