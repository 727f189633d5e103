package cassino

// nextState is where a match builds the state that follows a play. A play
// used to copy the state into a fresh block of about 2 KB; the runtime's
// zeroing, allocation and collection of those blocks cost more than the
// play itself. The match now keeps two blocks and copies into the one its
// state does not live in: nothing outside the match holds a pointer into
// either (views, events and snapshots are copies), so the older one is
// free again once a play has been folded.
type nextState struct {
	s     state
	mem   [2]packMem
	cur   int           // the block m.s lives in; -1: neither
	p     packer        // carves the lists of the play's events
	rest  packer        // what the copy left of its block: a new build's sets
	split valueSplitter // scratch of splitSetsIn
}

// next copies m's state into the block it does not live in and returns
// the copy, for a play or events to be folded into; m is unchanged until
// commit.
func (m *Match) next() *nextState {
	if m.spare == nil {
		m.spare = &nextState{cur: -1}
		m.spare.p.split = &m.spare.split
	}
	ns := m.spare
	ns.rest = m.s.copyInto(&ns.s, &ns.mem[ns.other()])
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
	ns.cur = ns.other()
	ns.s = state{}
	ns.p = packer{split: &ns.split}
	ns.rest = packer{}
}
