package cassino

import "fmt"

// TableBuild is a build on the table: one or more sets of cards, each
// totalling Value. It is single with one set and multiple with more.
type TableBuild struct {
	ID    string   `json:"id"`
	Value int      `json:"value"`
	Sets  [][]Card `json:"sets"`
	Owner int      `json:"owner"`
}

// Multiple reports a build of two or more sets; it can never be increased.
func (b TableBuild) Multiple() bool { return len(b.Sets) > 1 }

// Cards lists every card of the build.
func (b TableBuild) Cards() []Card {
	var out []Card
	for _, s := range b.Sets {
		out = append(out, s...)
	}
	return out
}

func (b TableBuild) clone() TableBuild {
	b.Sets = cloneSets(b.Sets)
	return b
}

// state is the whole match; it is what Snapshot serializes.
type state struct {
	Options Options `json:"options"`
	Seed    int64   `json:"seed"`
	Hand    int     `json:"hand"` // 1-based hand number
	Deal    int     `json:"deal"` // deals made in this hand
	Dealer  int     `json:"dealer"`
	Turn    int     `json:"turn"`
	Deck    []Card  `json:"deck"`
	// Hands, Piles and Sweeps are per seat; Piles and Sweeps are this hand's.
	Hands        [][]Card     `json:"hands"`
	Table        []Card       `json:"table"` // loose cards
	Builds       []TableBuild `json:"builds"`
	Piles        [][]Card     `json:"piles"`
	Sweeps       []int        `json:"sweeps"`
	LastCapturer int          `json:"lastCapturer"` // -1: nobody yet this hand
	Scores       []int        `json:"scores"`       // per seat; partners show their side's total
	NextBuild    int          `json:"nextBuild"`    // counter behind build ids
	HandOver     bool         `json:"handOver"`     // the hand is scored, the next not started
	Finished     bool         `json:"finished"`
	Winners      []int        `json:"winners"`
}

func (s *state) n() int { return s.Options.Players }

// stateCopy is a state and the memory of its lists, for a copy that
// folds no play (Evolve, snapshots).
type stateCopy struct {
	s   state
	mem packMem
}

func (s *state) clone() *state {
	c := &stateCopy{}
	s.copyInto(&c.s, c.mem.cards[:], c.mem.lists[:], c.mem.ints[:], c.mem.builds[:], false)
	return &c.s
}

// copyInto makes c a deep copy of s whose lists live in the given memory
// when they fit, and returns what is left of it, for the lists of a
// build folded into c. A roomy copy leaves room in its lists for the
// plays of a deal or so to be folded into it in place.
func (s *state) copyInto(c *state, mc []Card, ml [][]Card, mi []int, mb []TableBuild, roomy bool) packer {
	*c = *s
	bCards, bSets := buildsSize(s.Builds)
	// The copy is usually made to fold a play of the seat to move: room
	// for a trail on the table, a capture of everything into its pile and
	// the next deal into the hands makes those appends allocation-free.
	tableRoom, pileRoom, otherRoom, handRoom, buildRoom := 1, len(s.Table)+bCards+1, 0, 0, 1
	if roomy {
		tableRoom, pileRoom, otherRoom, buildRoom = roomyTable, max(pileRoom, roomyPile), roomyPile, roomyBuilds
	}
	if len(s.Deck) > 0 {
		handRoom = cardsPerDeal
	}
	cards := len(s.Deck) + len(s.Table) + tableRoom + listsSize(s.Hands) + len(s.Hands)*handRoom +
		listsSize(s.Piles) + pileRoom + max(len(s.Piles)-1, 0)*otherRoom + bCards
	p, builds := packIn(mc, ml, mi, mb,
		cards, len(s.Hands)+len(s.Piles)+bSets, len(s.Sweeps)+len(s.Scores)+len(s.Winners), len(s.Builds), buildRoom)
	c.Deck = p.copyCards(s.Deck)
	c.Hands = make([][]Card, 0)
	if s.Hands != nil {
		c.Hands = p.takeLists(len(s.Hands))
		for i, h := range s.Hands {
			c.Hands[i] = p.copyCardsRoom(h, max(handRoom-len(h), 0))
		}
	}
	c.Table = p.copyCardsRoom(s.Table, tableRoom)
	c.Builds = builds
	p.copyBuilds(c.Builds, s.Builds)
	c.Piles = make([][]Card, 0)
	if s.Piles != nil {
		c.Piles = p.takeLists(len(s.Piles))
		for i, pile := range s.Piles {
			room := otherRoom
			if i == s.Turn {
				room = pileRoom
			}
			c.Piles[i] = p.copyCardsRoom(pile, room)
		}
	}
	c.Sweeps = p.copyInts(s.Sweeps)
	c.Scores = p.copyInts(s.Scores)
	c.Winners = p.copyInts(s.Winners)
	return p
}

func cloneCards(cs []Card) []Card { return append([]Card(nil), cs...) }

func cloneHands(h [][]Card) [][]Card {
	out := make([][]Card, len(h))
	for i, cs := range h {
		out[i] = cloneCards(cs)
	}
	return out
}

// packSets is cloneSets in two allocations whatever the number of sets.
func packSets(s [][]Card) [][]Card {
	if s == nil {
		return nil
	}
	p := packer{cards: make([]Card, 0, listsSize(s)), lists: make([][]Card, 0, len(s))}
	return p.copyLists(s)
}

func cloneSets(s [][]Card) [][]Card {
	if s == nil {
		return nil
	}
	return cloneHands(s)
}

func (s *state) build(id string) (int, *TableBuild) {
	for i := range s.Builds {
		if s.Builds[i].ID == id {
			return i, &s.Builds[i]
		}
	}
	return -1, nil
}

// newBuildID is the id the next new build gets.
func (s *state) newBuildID() string {
	if s.NextBuild >= 0 && s.NextBuild < len(smallBuildIDs) {
		return smallBuildIDs[s.NextBuild]
	}
	return fmt.Sprintf("b%d", s.NextBuild)
}

// smallBuildIDs are the ids of the first builds of a match, made once.
var smallBuildIDs = func() (ids [256]string) {
	for i := range ids {
		ids[i] = fmt.Sprintf("b%d", i)
	}
	return ids
}()

func (s *state) allHandsEmpty() bool {
	for _, h := range s.Hands {
		if len(h) > 0 {
			return false
		}
	}
	return true
}

func (s *state) tableEmpty() bool { return len(s.Table) == 0 && len(s.Builds) == 0 }

// sideOwnsBuild reports whether seat (or its partnership) owns a build.
func (s *state) sideOwnsBuild(seat int) bool {
	for _, b := range s.Builds {
		if s.Options.side(b.Owner) == s.Options.side(seat) {
			return true
		}
	}
	return false
}

// holdsValue reports whether seat holds a card of value v other than c.
func (s *state) holdsValue(seat int, c Card, v int) bool {
	for _, h := range s.Hands[seat] {
		if h != c && h.Value() == v {
			return true
		}
	}
	return false
}

// advanceTurn passes the turn to the next seat that holds cards. Normally
// that is simply the next seat; positions set up by hand may be uneven.
func (s *state) advanceTurn() {
	for k := 1; k <= s.n(); k++ {
		seat := (s.Turn + k) % s.n()
		if len(s.Hands[seat]) > 0 {
			s.Turn = seat
			return
		}
	}
}

// leadAfterDeal is the first seat left of the dealer that holds cards.
func (s *state) leadAfterDeal() int {
	for k := 1; k <= s.n(); k++ {
		seat := (s.Dealer + k) % s.n()
		if len(s.Hands[seat]) > 0 {
			return seat
		}
	}
	return (s.Dealer + 1) % s.n()
}
