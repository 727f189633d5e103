package cassino

import (
	"slices"
	"sync/atomic"
)

// A play taken from the legal list that a Scratch has just found for the
// match, unchanged since, is legal by construction: ApplyInto then skips
// the checks of the play and of its event, which cost about as much as
// folding it. A Scratch knows which state its list belongs to by a stamp
// the match takes when it is listed, and drops when its state changes;
// the play itself is compared with the list's own copy, not the one the
// caller holds, whose memory the caller may have written to.

// stamps numbers the states listed through a Scratch, over all matches.
var stamps atomic.Uint64

// listedFor stamps m's state (a new stamp once it has changed) and
// records that sc's list belongs to it.
func (sc *Scratch) listedFor(m *Match) {
	if m.stamp == 0 {
		m.stamp = stamps.Add(1)
	}
	sc.stamp = m.stamp
}

// lists reports whether sc's legal list is m's and holds a for seat.
func (sc *Scratch) lists(m *Match, seat int, a Action) bool {
	return m.stamp != 0 && sc.stamp == m.stamp && seat == m.s.Turn && sc.gen.holds(a, &m.s)
}

// holds reports whether the plays found on s (g.raw) include a.
func (g *generator) holds(a Action, s *state) bool {
	var kind uint8
	switch a.Type {
	case Capture:
		kind = kindCapture
	case Build:
		kind = kindBuild
	case Trail:
		kind = kindTrail
	default:
		return false
	}
	for i := range g.raw {
		r := &g.raw[i]
		if r.kind == kind && r.card == a.Card && int(r.value) == a.Value && g.same(r, a, s) {
			return true
		}
	}
	return false
}

// same reports whether r, exported, would equal a.
func (g *generator) same(r *rawAction, a Action, s *state) bool {
	if r.sets.len() != len(a.Sets) || r.ids.len() != len(a.Builds) ||
		!slices.Equal(g.cards[r.cards.start:r.cards.end], a.Cards) {
		return false
	}
	for k, sp := range g.sets[r.sets.start:r.sets.end] {
		if !slices.Equal(g.cards[sp.start:sp.end], a.Sets[k]) {
			return false
		}
	}
	for k, b := range g.ids[r.ids.start:r.ids.end] {
		if int(b) >= len(s.Builds) || s.Builds[b].ID != a.Builds[k] {
			return false
		}
	}
	return true
}

// listedPlay makes in e checkPlay's event for a legal play, without its
// checks; false when it cannot (then checkPlay decides).
func (s *state) listedPlay(e *Event, seat int, a Action, p *packer) bool {
	switch a.Type {
	case Trail:
		*e = Event{Type: EventTrailed, Seat: seat, Card: a.Card}
		return true
	case Capture:
		*e = Event{Type: EventCaptured, Seat: seat, Card: a.Card, Sets: p.copySets(a.Sets), Builds: p.dupIDs(a.Builds)}
		return true
	case Build:
		c, v := a.Card, a.Value
		var buf [8]int
		idx, err := s.checkBuildIDs(a.Builds, CodeIllegalBuild, buf[:0])
		if err != nil {
			return false
		}
		inc, joined, err := s.buildRoles(seat, c, v, idx)
		if err != nil {
			return false
		}
		sets, err := s.buildSets(c, v, a.Cards, inc, joined, p)
		if err != nil {
			return false
		}
		id := s.newBuildID()
		if len(idx) > 0 {
			id = s.Builds[idx[0]].ID
		}
		*e = Event{Type: EventBuilt, Seat: seat, Card: c, Cards: p.dupCards(a.Cards), Builds: p.dupIDs(a.Builds),
			Value: v, Sets: sets, Build: id}
		return true
	}
	return false
}

// foldListed is evolveIn for the event of a legal play, without its
// checks.
func (s *state) foldListed(e *Event, rest *packer) {
	var ib [8]int
	switch e.Type {
	case EventTrailed:
		s.foldTrailed(e)
	case EventCaptured:
		var buf [deckSize]Card
		loose := buf[:0]
		for _, set := range e.Sets {
			loose = append(loose, set...)
		}
		idx, _ := s.checkBuildIDs(e.Builds, "", ib[:0])
		s.foldCaptured(e, loose, idx)
	case EventBuilt:
		idx, _ := s.checkBuildIDs(e.Builds, "", ib[:0])
		nb := TableBuild{ID: e.Build, Value: e.Value, Sets: rest.copySets(e.Sets), Owner: e.Seat}
		s.foldBuilt(e, nb, idx, e.Build == s.newBuildID())
	}
}
