package cassino

// Scratch is memory that a caller playing move after move (a bot's
// playouts, a load test) lends the engine, so that views allocate
// nothing once it has grown to the largest table seen, and plays little,
// mostly when one ends a hand (its scoring, the next shuffle and deal): what
// ViewInto and ApplyInto return lives in it and is overwritten by the
// next call with the same Scratch. View and Apply hand out lists of the
// caller's own instead; they are the ones to use for anything kept, sent
// or compared later. The zero Scratch is ready to use; one Scratch serves
// one goroutine.
type Scratch struct {
	view   View
	pack   packBuf
	legal  legalBuf
	events eventScratch
	gen    generator // finds the plays of ViewInto's views
	stamp  uint64    // the stamp of the state gen.raw lists the plays of
}

// ViewInto is View with its lists in sc: the view is valid until the
// next ViewInto with sc.
func (m *Match) ViewInto(seat int, sc *Scratch) *View {
	if m.viewIn(&sc.view, seat, sc) {
		sc.listedFor(m)
	}
	return &sc.view
}

// ApplyInto is Apply with the events' lists in sc: they are valid until
// the next ApplyInto with sc, and a must not hold lists of them. An
// action of a view from ViewInto is fine: the two live apart.
func (m *Match) ApplyInto(seat int, a Action, sc *Scratch) ([]Event, error) {
	return m.apply(seat, a, &sc.events, sc.lists(m, seat, a))
}

// packBuf is the memory of a Scratch's view; it grows to the largest
// view seen.
type packBuf struct {
	cards  []Card
	lists  [][]Card
	ints   []int
	builds []TableBuild
}

// parts returns the buffer's lists, long enough for that many cards,
// lists, ints and builds; the builds' never nil, since a view's Builds is
// an empty list rather than nil when the table has none.
func (b *packBuf) parts(cards, lists, ints, builds int) ([]Card, [][]Card, []int, []TableBuild) {
	b.cards = grown(b.cards, cards)
	b.lists = grown(b.lists, lists)
	b.ints = grown(b.ints, ints)
	b.builds = grown(b.builds, max(builds, 1))
	return b.cards, b.lists, b.ints, b.builds
}

// legalBuf is the memory of a Scratch's legal lists; it grows to the
// longest list seen.
type legalBuf struct {
	actions []Action
	cards   []Card
	sets    [][]Card
	ids     []string
}

// parts returns the buffer's lists, long enough for n; export writes
// every field of the actions.
func (b *legalBuf) parts(n legalSize) legalParts {
	b.actions = grown(b.actions, n.actions)
	b.cards = grown(b.cards, n.cards)
	b.sets = grown(b.sets, n.sets)
	b.ids = grown(b.ids, n.ids)
	return legalParts{b.actions, b.cards, b.sets, b.ids}
}

func grown[T any](xs []T, n int) []T {
	if n <= len(xs) {
		return xs
	}
	return make([]T, max(n, 2*len(xs)))
}

// eventScratch holds the events of any play and their lists, a hand's
// end included, but for the scores of a hand's end and its last cards,
// which are allocated once a hand.
type eventScratch struct {
	events [8]Event
	cards  [64]Card
	lists  [16][]Card
	ints   [8]int
	ids    [4]string
}

// take returns the empty events list and sets p up for their lists, as
// newEventMem does with new memory.
func (em *eventScratch) take(p *packer) []Event {
	*p = packer{split: p.split}
	p.cards, p.lists, p.ints, p.ids = em.cards[:0], em.lists[:0], em.ints[:0], em.ids[:0]
	return em.events[:0]
}
