package cassino

// View is what one seat may see: its own hand, the table, counts of the
// other hands, the deck and the capture piles, and the scores. It never
// holds another seat's cards or the order of the deck. Legal lists the
// seat's legal actions when it is its turn, so clients need no rules code.
type View struct {
	Seat         int          `json:"seat"`
	Options      Options      `json:"options"`
	Hand         []Card       `json:"hand"`
	Table        []Card       `json:"table"`
	Builds       []TableBuild `json:"builds"`
	HandCounts   []int        `json:"handCounts"`
	PileCounts   []int        `json:"pileCounts"`
	DeckCount    int          `json:"deckCount"`
	Sweeps       []int        `json:"sweeps"`
	Scores       []int        `json:"scores"`
	Dealer       int          `json:"dealer"`
	Turn         int          `json:"turn"`
	Deal         int          `json:"deal"`
	HandNumber   int          `json:"handNumber"`
	LastDeal     bool         `json:"lastDeal"`
	LastCapturer int          `json:"lastCapturer"` // -1: nobody yet this hand
	Finished     bool         `json:"finished"`
	Winners      []int        `json:"winners,omitempty"`
	Legal        []Action     `json:"legal,omitempty"`
}

// viewBlock is the memory of a view and its legal actions in the common
// case, one allocation per view, sized by the table's builds and the
// length of the legal list: most views list a few plays or none, on a
// table without builds, and the view's memory is most of what a play
// allocates. A list longer than legalMemLarge takes gets allocations of
// its own.
type viewBlock[P, L any] struct {
	pack  P
	legal L
}

// newView allocates a viewBlock and returns its parts.
func newView[P, L any, PP packPtr[P], LP legalPtr[L]]() (viewPack, legalParts) {
	b := new(viewBlock[P, L])
	return PP(&b.pack).parts(), LP(&b.legal).parts()
}

type packPtr[P any] interface {
	*P
	parts() viewPack
}

type legalPtr[L any] interface {
	*L
	parts() legalParts
}

// View returns what seat may see. A seat outside the match gets a
// spectator's view: no hand and no legal actions.
func (m *Match) View(seat int) View {
	var v View
	m.viewIn(&v, seat, nil)
	return v
}

// viewIn fills v with what seat may see. Its lists come from sc when it
// is not nil (the caller's memory, reused from view to view), and
// otherwise from one new block sized for them. It reports whether it
// listed seat's plays.
func (m *Match) viewIn(v *View, seat int, sc *Scratch) bool {
	s := &m.s
	n := s.n()
	seated := seat >= 0 && seat < n
	bCards, bSets := buildsSize(s.Builds)
	cards := len(s.Table) + bCards
	if seated {
		cards += len(s.Hands[seat])
	}
	var g *generator
	var legal legalSize
	if seated && !s.Finished && !s.HandOver && seat == s.Turn {
		if sc != nil {
			g = &sc.gen
		} else {
			g = generators.Get().(*generator)
			defer generators.Put(g)
		}
		s.findLegal(seat, g)
		if sc != nil {
			// A Scratch's lists only need to be long enough.
			legal = g.bound()
		} else {
			legal = g.size()
		}
	}
	ints := 4*n + len(s.Winners)
	var mc []Card
	var ml [][]Card
	var mi []int
	var mb []TableBuild
	var lm legalParts
	if sc != nil {
		mc, ml, mi, mb = sc.pack.parts(cards, bSets, ints, len(s.Builds))
		lm = sc.legal.parts(legal)
	} else {
		var vp viewPack
		vp, lm = newViewMem(legal, len(s.Builds) > 0)
		mc, ml, mi, mb = vp.cards, vp.lists, vp.ints, vp.builds
	}
	// A view's builds need no room for another: nothing is folded into a
	// view, and with none a view of two builds fits its block.
	p, builds := packIn(mc, ml, mi, mb, cards, bSets, ints, len(s.Builds), 0)
	*v = View{
		Seat:         seat,
		Options:      s.Options,
		Table:        p.copyCards(s.Table),
		Builds:       builds,
		HandCounts:   p.zeroInts(n),
		PileCounts:   p.zeroInts(n),
		DeckCount:    len(s.Deck),
		Sweeps:       p.copyInts(s.Sweeps),
		Scores:       p.copyInts(s.Scores),
		Dealer:       s.Dealer,
		Turn:         s.Turn,
		Deal:         s.Deal,
		HandNumber:   s.Hand,
		LastDeal:     len(s.Deck) == 0,
		LastCapturer: s.LastCapturer,
		Finished:     s.Finished,
		Winners:      p.copyInts(s.Winners),
	}
	p.copyBuilds(v.Builds, s.Builds)
	for i := range s.Hands {
		v.HandCounts[i] = len(s.Hands[i])
		v.PileCounts[i] = len(s.Piles[i])
	}
	if seated {
		v.Hand = p.copyCards(s.Hands[seat])
	}
	if g != nil {
		v.Legal = g.export(legal, lm)
		// A Scratch outlives the view: its generator must not keep the
		// match's state reachable.
		g.s, g.ct.table = nil, nil
	}
	return g != nil
}

// newViewMem allocates the block of a view whose legal list takes legal,
// on a table with builds or without.
func newViewMem(legal legalSize, builds bool) (viewPack, legalParts) {
	if !builds {
		return newViewMemOf[viewPackBare](legal)
	}
	return newViewMemOf[viewPackMem](legal)
}

func newViewMemOf[P any, PP packPtr[P]](legal legalSize) (viewPack, legalParts) {
	switch {
	case legal.actions == 0:
		return PP(new(P)).parts(), legalParts{}
	case legal.fits(tinyLegal):
		return newView[P, legalMemTiny, PP]()
	case legal.fits(smallLegal):
		return newView[P, legalMemSmall, PP]()
	case legal.fits(midLegal):
		return newView[P, legalMemMid, PP]()
	case legal.fits(fullLegal):
		return newView[P, legalMem, PP]()
	case legal.fits(largeLegal):
		return newView[P, legalMemLarge, PP]()
	}
	return PP(new(P)).parts(), legalParts{}
}
