package cassino

// packer carves many short lists out of one allocation per element type.
// A state, a view or an event is copied for every play; one list per hand,
// pile, build set and counter made most of the engine's garbage. Each
// carved list has its capacity cut to its length, so appending to one
// never writes into its neighbour.
type packer struct {
	cards []Card
	lists [][]Card
	ints  []int
	ids   []string
	split *valueSplitter // scratch of splitSetsIn (nil: allocate)
}

// packMem holds a packer's lists in the common case: the lists of a state
// or a view fit, and one allocation serves them all. A list that does not
// fit gets an allocation of its own.
type packMem struct {
	cards  [96]Card // the 52 cards and room to grow (see state.clone)
	lists  [8][]Card
	ints   [10]int
	builds [3]TableBuild
}

// viewPackMem is packMem for a view: the table, a hand and the builds.
type viewPackMem struct {
	cards  [20]Card
	lists  [4][]Card
	ints   [10]int
	builds [2]TableBuild
}

// viewPackBare is viewPackMem for a table without builds, two views in
// three: a third of the size.
type viewPackBare struct {
	cards [20]Card
	ints  [10]int
}

// viewPack are the lists a view is carved from.
type viewPack struct {
	cards  []Card
	lists  [][]Card
	ints   []int
	builds []TableBuild
}

func (m *viewPackMem) parts() viewPack {
	return viewPack{m.cards[:], m.lists[:], m.ints[:], m.builds[:]}
}

// parts gives an empty, not nil, list of builds: a view's Builds is
// never nil.
func (m *viewPackBare) parts() viewPack {
	return viewPack{m.cards[:], nil, m.ints[:], []TableBuild{}}
}

// packIn returns a packer for that many cards, lists and ints, carved from
// the given memory when they fit, and the list of builds it will copy
// into (never nil, as make gives), with room for buildRoom more. The
// packer keeps the room its memory has beyond that many cards and lists,
// for lists made later (a new build's sets).
func packIn(mc []Card, ml [][]Card, mi []int, mb []TableBuild, cards, lists, ints, builds, buildRoom int) (packer, []TableBuild) {
	return packer{
		cards: withinAll(mc, cards),
		lists: withinAll(ml, lists),
		ints:  within(mi, ints),
	}, within(mb, builds+buildRoom)[:builds]
}

// withinAll is within with all of inline's room when n fits.
func withinAll[T any](inline []T, n int) []T {
	if n <= len(inline) {
		return inline[:0]
	}
	return make([]T, 0, n)
}

// within is an empty list of capacity n in inline when it fits, or else
// newly allocated.
func within[T any](inline []T, n int) []T {
	if n <= len(inline) {
		return inline[:0:n]
	}
	return make([]T, 0, n)
}

// copyCards is cloneCards out of the pack: nil when cs is empty.
func (p *packer) copyCards(cs []Card) []Card {
	if len(cs) == 0 {
		return nil
	}
	start := len(p.cards)
	p.cards = append(p.cards, cs...)
	return p.cards[start:len(p.cards):len(p.cards)]
}

// copyCardsRoom is copyCards with room for extra more cards, so that
// appending them allocates nothing.
func (p *packer) copyCardsRoom(cs []Card, extra int) []Card {
	if len(cs)+extra == 0 {
		return nil
	}
	start := len(p.cards)
	p.cards = append(p.cards, cs...)
	end := len(p.cards)
	p.cards = p.cards[:end+extra]
	return p.cards[start : end : end+extra]
}

// fits reports whether the pack has room for that many more cards, lists
// and ints (a nil packer has none).
func (p *packer) fits(cards, lists, ints int) bool {
	return p != nil && cap(p.cards)-len(p.cards) >= cards && cap(p.lists)-len(p.lists) >= lists &&
		cap(p.ints)-len(p.ints) >= ints
}

// copySets is packSets out of the pack when it fits.
func (p *packer) copySets(s [][]Card) [][]Card {
	if s == nil {
		return nil
	}
	if !p.fits(listsSize(s), len(s), 0) {
		return packSets(s)
	}
	return p.copyLists(s)
}

// cards0 is an empty list with room for n cards, from the pack when it
// has room (p may be nil) and allocated otherwise.
func (p *packer) cards0(n int) []Card {
	if !p.fits(n, 0, 0) {
		return make([]Card, 0, n)
	}
	start := len(p.cards)
	p.cards = p.cards[:start+n]
	return p.cards[start : start : start+n]
}

// lists0 is make([][]Card, n), from the pack when it has room.
func (p *packer) lists0(n int) [][]Card {
	if !p.fits(0, n, 0) {
		return make([][]Card, n)
	}
	return p.takeLists(n)
}

// dupCards is cloneNonEmpty, from the pack when it has room.
func (p *packer) dupCards(cs []Card) []Card {
	if len(cs) == 0 {
		return nil
	}
	return append(p.cards0(len(cs)), cs...)
}

// dupIDs is cloneIDs, from the pack when it has room.
func (p *packer) dupIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	if p == nil || cap(p.ids)-len(p.ids) < len(ids) {
		return cloneIDs(ids)
	}
	start := len(p.ids)
	p.ids = append(p.ids, ids...)
	return p.ids[start:len(p.ids):len(p.ids)]
}

// takeLists carves n empty lists out of the pack.
func (p *packer) takeLists(n int) [][]Card {
	start := len(p.lists)
	p.lists = p.lists[:start+n]
	return p.lists[start : start+n : start+n]
}

// copyLists is cloneHands out of the pack: a list of n lists, never nil.
func (p *packer) copyLists(ls [][]Card) [][]Card {
	if len(ls) == 0 {
		return [][]Card{}
	}
	start := len(p.lists)
	for _, cs := range ls {
		p.lists = append(p.lists, p.copyCards(cs))
	}
	return p.lists[start:len(p.lists):len(p.lists)]
}

// copyInts is append([]int(nil), xs...) out of the pack.
func (p *packer) copyInts(xs []int) []int {
	if len(xs) == 0 {
		return nil
	}
	start := len(p.ints)
	p.ints = append(p.ints, xs...)
	return p.ints[start:len(p.ints):len(p.ints)]
}

// zeroInts is make([]int, n) out of the pack.
func (p *packer) zeroInts(n int) []int {
	start := len(p.ints)
	p.ints = p.ints[:start+n]
	clear(p.ints[start:])
	return p.ints[start : start+n : start+n]
}

func listsSize(ls [][]Card) (cards int) {
	for _, cs := range ls {
		cards += len(cs)
	}
	return cards
}

// buildsSize counts the cards and sets of builds.
func buildsSize(bs []TableBuild) (cards, sets int) {
	for _, b := range bs {
		cards += listsSize(b.Sets)
		sets += len(b.Sets)
	}
	return cards, sets
}

// copyBuilds is a deep copy of builds out of the pack; a build without
// sets keeps nil, as TableBuild.clone does.
func (p *packer) copyBuilds(dst, bs []TableBuild) {
	for i, b := range bs {
		if b.Sets != nil {
			b.Sets = p.copyLists(b.Sets)
		}
		dst[i] = b
	}
}
