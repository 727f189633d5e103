package cassino

// eventMem holds the events of a play and their lists in one allocation,
// when the play may end a deal or sweep (several events follow it).
type eventMem struct {
	events [2]Event
	cards  [40]Card
	lists  [12][]Card
	ints   [4]int
	ids    [2]string
}

// playMem holds a play that is its own only event, the common case, in an
// allocation less than half the size of eventMem.
type playMem struct {
	events [1]Event
	cards  [16]Card
	lists  [5][]Card
	ids    [2]string
}

// newEventMem returns the events list of seat's play of a, and sets p
// up for their lists, sized for what the play can cause. A list that does
// not fit is allocated on its own, so the guess only ever costs
// allocations.
func newEventMem(s *state, seat int, a Action, p *packer) []Event {
	*p = packer{split: p.split}
	if s.playStaysAlone(seat, a) {
		if a.Type == Trail {
			// A trail's event has no lists: a third of the plays
			// allocate just it.
			return new([1]Event)[:0]
		}
		mem := new(playMem)
		p.cards, p.lists, p.ids = mem.cards[:0], mem.lists[:0], mem.ids[:0]
		return mem.events[:0]
	}
	mem := new(eventMem)
	p.cards, p.lists, p.ints, p.ids = mem.cards[:0], mem.lists[:0], mem.ints[:0], mem.ids[:0]
	return mem.events[:0]
}

// playStaysAlone reports that a (not yet validated) is followed by no
// other event, neither a sweep nor a deal nor the end of a hand, and that
// its lists fit a playMem.
func (s *state) playStaysAlone(seat int, a Action) bool {
	if !s.cardsLeftAfter(seat) {
		return false
	}
	cards, lists := 0, 0
	switch a.Type {
	case Capture:
		for _, set := range a.Sets {
			cards += len(set)
		}
		lists = len(a.Sets)
		if cards >= len(s.Table) && len(a.Builds) >= len(s.Builds) {
			return false // a sweep, perhaps
		}
	case Build:
		// The build's sets: the named builds' sets, the played card's set
		// and the other loose sets; and the loose cards named once more.
		cards, lists = 2*len(a.Cards)+1, len(a.Cards)+1
		for _, id := range a.Builds {
			if _, b := s.build(id); b != nil {
				cards += listsSize(b.Sets)
				lists += len(b.Sets)
			}
		}
	}
	return cards <= 16 && lists <= 5 && len(a.Builds) <= 2
}

// cardsLeftAfter reports that some hand still holds cards once seat has
// played one.
func (s *state) cardsLeftAfter(seat int) bool {
	for i, h := range s.Hands {
		if len(h) > 1 || (len(h) == 1 && i != seat) {
			return true
		}
	}
	return false
}
