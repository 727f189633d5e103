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
}

func newPacker(cards, lists, ints int) packer {
	var p packer
	if cards > 0 {
		p.cards = make([]Card, 0, cards)
	}
	if lists > 0 {
		p.lists = make([][]Card, 0, lists)
	}
	if ints > 0 {
		p.ints = make([]int, 0, ints)
	}
	return p
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
