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
