package cassino

import (
	"math/bits"
	"sync"
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

// generators keeps the scratch of move generation between calls: listing
// runs for every view, and its working lists would otherwise be garbage
// each time.
var generators = sync.Pool{New: func() any { return new(generator) }}

// legalActions lists seat's actions in lists of their own.
func (s *state) legalActions(seat int) []Action {
	g := generators.Get().(*generator)
	defer generators.Put(g)
	s.findLegal(seat, g)
	n := g.size()
	var mem legalParts
	switch {
	case n.fits(tinyLegal):
		mem = new(legalMemTiny).parts()
	case n.fits(smallLegal):
		mem = new(legalMemSmall).parts()
	case n.fits(midLegal):
		mem = new(legalMemMid).parts()
	case n.fits(fullLegal):
		mem = new(legalMem).parts()
	case n.fits(largeLegal):
		mem = new(legalMemLarge).parts()
	}
	return g.export(n, mem)
}

// findLegal finds seat's actions into g's scratch (g.raw), for the
// caller to export.
func (s *state) findLegal(seat int, g *generator) {
	g.init(s)
	g.held, g.heldValues = [11]uint8{}, 0
	for _, c := range s.Hands[seat] {
		g.held[c.Value()]++
		g.heldValues |= 1 << c.Value()
	}
	g.heldValues &^= 1 // courts
	out := g.plays(seat, false)
	if g.capped || len(out) >= MaxLegalPlays {
		// Too many plays to list: each card's captures, then its builds,
		// get a fair share of the list, so that no card's simplest plays
		// are crowded out by another card's more complex ones.
		g.raw = out
		g.init(s)
		out = g.plays(seat, true)
	}
	blocked := s.sideOwnsBuild(seat) && len(out) > 0
	for _, c := range s.Hands[seat] {
		if blocked || (!s.Options.TrailWhenCaptureAvailable && s.canCapture(c)) {
			continue
		}
		out = append(out, rawAction{kind: kindTrail, card: c})
	}
	g.raw = out
}

// plays lists seat's captures, then its builds, card by card: each card's
// captures are a group, and its builds another. Without shares the list
// stops at MaxLegalPlays. With them each group is first counted alone,
// and the groups are cut to an equal share of the list, the largest
// first, so that no card's simplest plays are crowded out by another
// card's more complex ones.
func (g *generator) plays(seat int, shares bool) []rawAction {
	hand := g.s.Hands[seat]
	out := g.raw[:0]
	g.capped = false
	var quota []int
	if shares {
		quota = make([]int, 2*len(hand))
		for i := range quota {
			cards, sets, ids := len(g.cards), len(g.sets), len(g.ids)
			g.limit, g.counting = MaxLegalPlays, true
			quota[i] = len(g.group(out[:0], seat, hand, i))
			g.counting = false
			g.cards, g.sets, g.ids = g.cards[:cards], g.sets[:sets], g.ids[:ids]
		}
		fairShares(quota, MaxLegalPlays)
	}
	for i := range 2 * len(hand) {
		g.limit = MaxLegalPlays
		if shares {
			g.limit = len(out) + quota[i]
		}
		out = g.group(out, seat, hand, i)
	}
	return out
}

// group appends group i of plays: the captures of hand[i], then (from
// len(hand) on) the builds of hand[i-len(hand)].
func (g *generator) group(out []rawAction, seat int, hand []Card, i int) []rawAction {
	if i < len(hand) {
		return g.appendCaptures(out, hand[i])
	}
	return g.appendBuilds(out, seat, hand[i-len(hand)])
}

// fairShares lowers counts so that they sum to at most total, cutting the
// largest down to one level and leaving those under it whole.
func fairShares(counts []int, total int) {
	level := func(l int) (sum int) {
		for _, c := range counts {
			sum += min(c, l)
		}
		return sum
	}
	lo, hi := 0, total
	for lo < hi {
		if mid := (lo + hi + 1) / 2; level(mid) <= total {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	for i := range counts {
		counts[i] = min(counts[i], lo)
	}
}

// MaxLegalPlays bounds the captures and builds LegalActions lists. Real
// play stays far below it (random matches peak under a thousand); a table
// made pathological on purpose, by trailing card after card, could
// otherwise have millions of distinct plays. Beyond it the captures of
// each card of the hand, and its builds, are cut to an equal share of the
// list (those with fewer keep them all), each keeping its plays of fewest
// sets first, and every trail is listed.
const MaxLegalPlays = 4096

// generator enumerates actions on one table, sharing the class sums of the
// loose cards between the cards of the hand. Its lists are scratch reused
// from call to call; export copies the result out in four allocations.
type generator struct {
	s      *state
	ct     classTable
	bySum  [11][]classSet // multisets of loose cards by their sum
	reach  [11][]union    // unions of disjoint sets of one sum, from nothing
	done   [11]bool
	plain  []union // unions a build starts from
	seen   maskSet
	hashed bool      // unions dedups through seen, not by comparing
	fit    setFit    // scratch of unionsFitting
	held   [11]uint8 // the seat's cards by value (courts at 0)
	// limit is the length the list may grow to for the card at hand;
	// capped records that some enumeration stopped at a bound.
	limit  int
	capped bool
	// counting lists placeholders, for the length of a group alone.
	counting bool
	taking   []union // unions a capture that must take cards starts from
	// heldValues has bit v set when the seat holds a card of value v.
	heldValues uint16
	// The plays found, without pointers (so that filling them costs no
	// write barrier): their cards, sets and build ids are spans of cards,
	// sets and ids, which export turns into actions.
	raw     []rawAction
	cards   []Card
	sets    []span  // spans of cards
	ids     []uint8 // indexes of builds
	scratch []uint64
	split   []uint64
	picks   []int
	// sharedCards counts the cards of builds' spans once per play that
	// names them: the builds of one union share its span of cards.
	sharedCards int
}

func (g *generator) init(s *state) {
	g.s = s
	g.ct.init(s.Table)
	g.done = [11]bool{}
	g.cards, g.sets, g.ids = g.cards[:0], g.sets[:0], g.ids[:0]
	g.sharedCards = 0
	g.fillSetsBySum()
}

// reachFrom0 is every union of disjoint sets summing to v (with the empty
// union first).
func (g *generator) reachFrom0(v int) []union {
	if !g.done[v] {
		g.reach[v] = append(g.reach[v][:0], union{parent: -1})
		if len(g.bySum[v]) > 0 {
			g.reach[v] = g.unions(g.reach[v], g.bySum[v], MaxLegalPlays)
			g.capped = g.capped || len(g.reach[v]) >= MaxLegalPlays
		}
		g.done[v] = true
	}
	return g.reach[v]
}

func (g *generator) appendCaptures(out []rawAction, c Card) []rawAction {
	s := g.s
	if c.IsCourt() {
		return g.appendCourtCaptures(out, c)
	}
	v := c.Value()
	builds := g.picks[:0]
	for i, b := range s.Builds {
		if b.Value == v {
			builds = append(builds, i)
		}
	}
	g.picks = builds
	// Every loose card of its rank and every build of its value go with
	// any capture (checkTakesEvery): only the unions holding all of those
	// cards, with all of those builds. When the unions of v were cut at
	// the bound, those holding all of them may be among the ones left
	// out, so they are found apart, starting from those cards (each a set
	// of its own, since it alone sums to v).
	every, mask := g.ct.ofValue(v)
	reach := g.reachFrom0(v)
	start := false
	if every != 0 && len(reach) >= MaxLegalPlays {
		g.taking = g.unions(append(g.taking[:0], union{vec: every, parent: -1}), g.bySum[v], MaxLegalPlays)
		reach, start = g.taking, true
	}
	all := 1<<len(builds) - 1
	for i, u := range reach {
		if len(out) >= g.limit {
			g.capped = true
			break
		}
		if u.vec&mask != every || u.vec == 0 && all == 0 {
			continue
		}
		if g.counting {
			out = append(out, rawAction{})
			continue
		}
		g.scratch = setsOf(g.scratch[:0], reach, i)
		if start {
			// The start is the rank's cards together: one set each.
			g.scratch = g.ct.singles(g.scratch[:len(g.scratch)-1], every)
		}
		g.split = g.ct.split(g.split[:0], g.scratch)
		out = append(out, rawAction{kind: kindCapture, card: c, sets: g.setCards(g.split), ids: g.buildIDs(builds, all, -1)})
	}
	return out
}

// appendCourtCaptures: a court pairs with one card of its rank (one action
// per class of card: QH and QD are the same play), or takes all it must.
func (g *generator) appendCourtCaptures(out []rawAction, c Card) []rawAction {
	s := g.s
	take := s.courtTake(c)
	if take == 0 {
		return out
	}
	same := 0
	for _, t := range s.Table {
		if t.Rank() == c.Rank() {
			same++
		}
	}
	if take == same {
		start := len(g.sets)
		for _, t := range s.Table {
			if t.Rank() == c.Rank() {
				g.sets = append(g.sets, g.oneCard(t))
			}
		}
		return append(out, rawAction{kind: kindCapture, card: c, sets: spanFrom(start, len(g.sets))})
	}
	var seen [3]bool
	for _, t := range s.Table {
		if t.Rank() == c.Rank() && !seen[roleOf(t)] {
			seen[roleOf(t)] = true
			g.sets = append(g.sets, g.oneCard(t))
			out = append(out, rawAction{kind: kindCapture, card: c, sets: spanFrom(len(g.sets)-1, len(g.sets))})
		}
	}
	return out
}

// appendBuilds adds every build seat can make with c: for each value it
// still holds a card of, c either joins loose cards into a set or increases
// one single build, and further loose sets and builds of that value join.
func (g *generator) appendBuilds(out []rawAction, seat int, c Card) []rawAction {
	s := g.s
	if c.IsCourt() {
		return out
	}
	cv := c.Value()
	// The values of 2 and up that the seat holds another card of, from
	// cv up: state.holdsValue for each (c is in the hand, once).
	values := g.heldValues
	if g.held[cv] == 1 {
		values &^= 1 << cv
	}
	values &^= 1<<max(cv, 2) - 1
	for ; values != 0 && len(out) < g.limit; values &= values - 1 {
		v := bits.TrailingZeros16(values)
		joinable := g.picks[:0]
		for i, b := range s.Builds {
			if b.Value == v {
				joinable = append(joinable, i)
			}
		}
		g.picks = joinable
		var plain []union
		if v > cv {
			starts := g.plain[:0]
			for _, set := range g.bySum[v-cv] {
				starts = append(starts, union{vec: set.vec, parent: -1})
			}
			plain = g.unions(starts, g.bySum[v], g.limit-len(out))
			g.plain = plain
		} else {
			plain = g.reachFrom0(v)
		}
		out = g.appendBuildsFrom(out, c, v, plain, joinable, -1)
		for i, b := range s.Builds {
			if !b.Multiple() && b.Value+cv == v && (b.Owner != seat || s.Options.IncreaseOwnBuild) {
				out = g.appendBuildsFrom(out, c, v, g.reachFrom0(v), joinable, i)
			}
		}
	}
	return out
}

func (g *generator) appendBuildsFrom(out []rawAction, c Card, v int, reach []union, joinable []int, inc int) []rawAction {
	for _, u := range reach {
		var cards span
		if u.vec != 0 && !g.counting {
			cards = g.cardsOf(g.ct.mask(u.vec))
		}
		for j := 0; j < 1<<len(joinable) && len(out) < g.limit; j++ {
			if u.vec == 0 && j == 0 && inc < 0 {
				continue
			}
			if g.counting {
				out = append(out, rawAction{})
				continue
			}
			out = append(out, rawAction{kind: kindBuild, card: c, value: int8(v), cards: cards, ids: g.buildIDs(joinable, j, inc)})
			g.sharedCards += cards.len()
		}
	}
	return out
}
