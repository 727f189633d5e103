package cassino

// nextState is where a match builds the state that follows a play. A play
// used to copy the state into a fresh block of about 2 KB; the runtime's
// zeroing, allocation and collection of those blocks cost more than the
// play itself. The match now keeps two blocks and copies into the one its
// state does not live in: nothing outside the match holds a pointer into
// either (views, events and snapshots are copies), so the older one is
// free again once a play has been folded.
//
// Most plays need no copy at all: a play that passed its checks cannot
// fail to fold, so Apply folds it into the match's own state whenever
// that state's lists have room for it (see foldsInPlace), and copies only
// for the plays that end a hand, or when the room has run out. A copy
// leaves room for the plays of a deal or so.
type nextState struct {
	s     state
	mem   [2]liveMem
	cur   int           // the block m.s lives in; -1: neither
	p     packer        // carves the lists of the play's events
	rest  packer        // what the copy left of its block: a new build's sets
	live  packer        // what the copy m.s lives in left of its block
	split valueSplitter // scratch of splitSetsIn
}

// liveMem is the block a match's state lives in: its lists with the
// room a roomy copy leaves, and what is left for the sets of builds
// folded in place.
type liveMem struct {
	cards  [256]Card
	lists  [16][]Card
	ints   [10]int
	builds [2 + roomyBuilds]TableBuild
}

// The room a roomy copy leaves: trails onto the table, captures into
// each pile, new builds.
const (
	roomyTable  = 8
	roomyPile   = 16
	roomyBuilds = 2
)

// spareState returns the match's nextState, made at its first play.
func (m *Match) spareState() *nextState {
	if m.spare == nil {
		m.spare = &nextState{cur: -1}
		m.spare.p.split = &m.spare.split
	}
	return m.spare
}

// next copies m's state into the block it does not live in and returns
// the copy, for a play or events to be folded into; m is unchanged until
// commit.
func (m *Match) next() *nextState {
	ns := m.spareState()
	mem := &ns.mem[ns.other()]
	ns.rest = m.s.copyInto(&ns.s, mem.cards[:], mem.lists[:], mem.ints[:], mem.builds[:], true)
	return ns
}

func (ns *nextState) other() int {
	if ns.cur == 0 {
		return 1
	}
	return 0
}

// commit makes the copy m's state; the block m.s lived in becomes the
// spare.
func (m *Match) commit(ns *nextState) {
	m.s = ns.s
	m.stamp = 0
	ns.cur = ns.other()
	ns.s = state{}
	ns.p = packer{split: &ns.split}
	ns.live, ns.rest = ns.rest, packer{}
}

// foldsInPlace reports whether the play event e of seat, checked against
// s, can be folded into s itself: it does not end the hand (whose events
// replace lists wholesale), and s's lists have room for what it adds, so
// that folding it allocates nothing and cannot fail half-way.
func (s *state) foldsInPlace(seat int, e *Event, live *packer) bool {
	if s.HandOver || s.Finished || s.Hand == 0 || s.Deal == 0 {
		return false
	}
	if !s.cardsLeftAfter(seat) {
		if len(s.Deck) == 0 {
			return false // the hand ends
		}
		for _, h := range s.Hands {
			if cap(h) < cardsPerDeal {
				return false
			}
		}
	}
	switch e.Type {
	case EventTrailed:
		return cap(s.Table) > len(s.Table)
	case EventCaptured:
		pile := s.Piles[seat]
		bCards, _ := buildsSize(s.Builds)
		return cap(pile)-len(pile) >= 1+listsSize(e.Sets)+bCards
	case EventBuilt:
		return cap(s.Builds) > len(s.Builds) && live.fits(listsSize(e.Sets), len(e.Sets), 0)
	}
	return false
}
