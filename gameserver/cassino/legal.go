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
	var out []Action
	for _, c := range s.Hands[seat] {
		out = append(out, s.captureActions(c)...)
	}
	for _, c := range s.Hands[seat] {
		out = append(out, s.buildActions(seat, c)...)
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

// union is a set of loose cards (a mask over s.Table) that splits into the
// listed sets.
type union struct {
	mask uint64
	sets []uint64
}

// unions extends the starting unions by disjoint sets, breadth first, and
// returns every distinct reachable union once.
func unions(starts []union, sets []uint64) []union {
	seen := make(map[uint64]bool, len(starts))
	var out []union
	for _, u := range starts {
		if !seen[u.mask] {
			seen[u.mask] = true
			out = append(out, u)
		}
	}
	for i := 0; i < len(out); i++ {
		u := out[i]
		for _, set := range sets {
			m := u.mask | set
			if u.mask&set != 0 || seen[m] {
				continue
			}
			seen[m] = true
			out = append(out, union{m, append(slices.Clone(u.sets), set)})
		}
	}
	return out
}

func (s *state) captureActions(c Card) []Action {
	if c.IsCourt() {
		return s.courtCaptures(c)
	}
	v := c.Value()
	reach := unions([]union{{}}, sumSubsets(s.Table, v))
	var builds []int
	for i, b := range s.Builds {
		if b.Value == v {
			builds = append(builds, i)
		}
	}
	var out []Action
	for _, u := range reach {
		for j := 0; j < 1<<len(builds); j++ {
			if u.mask == 0 && j == 0 {
				continue
			}
			out = append(out, CaptureAction(c, s.setCards(u.sets), s.buildIDs(builds, j, -1)...))
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

// buildActions lists every build seat can make with c: for each value it
// still holds a card of, c either joins loose cards into a set or increases
// one single build, and further loose sets and builds of that value join.
func (s *state) buildActions(seat int, c Card) []Action {
	if c.IsCourt() {
		return nil
	}
	cv := c.Value()
	var out []Action
	for v := max(cv, 2); v <= 10; v++ {
		if !s.holdsValue(seat, c, v) {
			continue
		}
		setsV := sumSubsets(s.Table, v)
		var joinable []int
		for i, b := range s.Builds {
			if b.Value == v {
				joinable = append(joinable, i)
			}
		}
		reach0 := unions([]union{{}}, setsV)
		plain := reach0
		if v > cv {
			var starts []union
			for _, m := range sumSubsets(s.Table, v-cv) {
				starts = append(starts, union{mask: m})
			}
			plain = unions(starts, setsV)
		}
		out = s.appendBuilds(out, c, v, plain, joinable, -1)
		for i, b := range s.Builds {
			if !b.Multiple() && b.Value+cv == v && (b.Owner != seat || s.Options.IncreaseOwnBuild) {
				out = s.appendBuilds(out, c, v, reach0, joinable, i)
			}
		}
	}
	return out
}

func (s *state) appendBuilds(out []Action, c Card, v int, reach []union, joinable []int, inc int) []Action {
	for _, u := range reach {
		for j := 0; j < 1<<len(joinable); j++ {
			if u.mask == 0 && j == 0 && inc < 0 {
				continue
			}
			var cards []Card
			if u.mask != 0 {
				cards = maskCards(s.Table, u.mask)
			}
			out = append(out, BuildAction(c, v, cards, s.buildIDs(joinable, j, inc)...))
		}
	}
	return out
}

// buildIDs returns, in table order, the ids of the builds picked by the
// bits of pick, plus the build at index extra (if >= 0).
func (s *state) buildIDs(idx []int, pick int, extra int) []string {
	if pick == 0 && extra < 0 {
		return nil
	}
	var out []string
	for i := range s.Builds {
		chosen := i == extra
		for k, at := range idx {
			if at == i && pick&(1<<k) != 0 {
				chosen = true
			}
		}
		if chosen {
			out = append(out, s.Builds[i].ID)
		}
	}
	return out
}

// setCards turns set masks into card sets, ordered by their first card.
func (s *state) setCards(sets []uint64) [][]Card {
	if len(sets) == 0 {
		return nil
	}
	sorted := slices.Clone(sets)
	slices.SortFunc(sorted, func(a, b uint64) int { return bits.TrailingZeros64(a) - bits.TrailingZeros64(b) })
	out := make([][]Card, len(sorted))
	for i, m := range sorted {
		out[i] = maskCards(s.Table, m)
	}
	return out
}
