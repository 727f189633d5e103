package cassino

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

const cardsPerDeal = 4

// shuffled is the deck of a hand: a function of the seed and hand number
// only, so a logged seed replays every deal exactly.
func shuffled(seed int64, hand int) []Card {
	d := fullDeck()
	r := rand.New(rand.NewPCG(uint64(seed), uint64(hand)))
	r.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
	return d
}

// startHandEvent opens the next hand with the dealer moved one seat on.
func (s *state) startHandEvent() Event {
	return Event{Type: EventHandStarted, Hand: s.Hand + 1, Dealer: s.expectedDealer()}
}

func (s *state) expectedDealer() int {
	if s.Hand == 0 {
		return s.Dealer
	}
	return (s.Dealer + 1) % s.n()
}

// emptyLists is n empty lists, ls emptied in place when it has n (evolve
// runs on a state of its own).
func emptyLists(ls [][]Card, n int) [][]Card {
	if len(ls) != n {
		return make([][]Card, n)
	}
	for i := range ls {
		ls[i] = ls[i][:0]
	}
	return ls
}

func (s *state) evolveHandStarted(e *Event) error {
	switch {
	case s.Finished:
		return errors.New("the match is over")
	case e.Hand != s.Hand+1:
		return fmt.Errorf("hand %d cannot follow hand %d", e.Hand, s.Hand)
	case s.Hand > 0 && !s.HandOver:
		return fmt.Errorf("hand %d is not over", s.Hand)
	case e.Dealer != s.expectedDealer():
		return fmt.Errorf("dealer must be seat %d, not %d", s.expectedDealer(), e.Dealer)
	}
	n := s.n()
	s.Hand, s.Dealer, s.Deal = e.Hand, e.Dealer, 0
	s.Deck = shuffled(s.Seed, s.Hand)
	s.Hands = emptyLists(s.Hands, n)
	s.Table, s.Builds = s.Table[:0], nil
	s.Piles = emptyLists(s.Piles, n)
	if len(s.Sweeps) == n {
		clear(s.Sweeps)
	} else {
		s.Sweeps = make([]int, n)
	}
	s.LastCapturer = -1
	s.HandOver = false
	s.Turn = (s.Dealer + 1) % n
	return nil
}

// dealEvent deals the top of the deck: four to each seat from the dealer's
// left, then, on the first deal of a hand, four to the table.
// Its lists come from p when they fit there (p may be nil).
func (s *state) dealEvent(p *packer) Event {
	n := s.n()
	cards := min(len(s.Deck), (n+1)*cardsPerDeal)
	if !p.fits(cards, n, n) {
		p = &packer{cards: make([]Card, 0, cards), lists: make([][]Card, 0, n), ints: make([]int, 0, n)}
	}
	e := Event{Type: EventDealt, Deal: s.Deal + 1, Hands: p.takeLists(n), Counts: p.zeroInts(n)}
	i := 0
	for k := 1; k <= n; k++ {
		seat := (s.Dealer + k) % n
		take := min(cardsPerDeal, len(s.Deck)-i)
		if take > 0 {
			e.Hands[seat] = p.copyCards(s.Deck[i : i+take])
		}
		e.Counts[seat] = take
		i += take
	}
	if s.Deal == 0 {
		take := min(cardsPerDeal, len(s.Deck)-i)
		if take > 0 {
			e.Table = p.copyCards(s.Deck[i : i+take])
		}
		i += take
	}
	e.Last = i == len(s.Deck)
	return e
}

// isDealEvent reports whether e is exactly dealEvent(), without building
// it: every play that empties the hands folds a deal.
func (s *state) isDealEvent(e *Event) bool {
	n := s.n()
	if e.Deal != s.Deal+1 || len(e.Hands) != n || len(e.Counts) != n {
		return false
	}
	i := 0
	for k := 1; k <= n; k++ {
		seat := (s.Dealer + k) % n
		take := min(cardsPerDeal, len(s.Deck)-i)
		if take > 0 {
			if !slices.Equal(e.Hands[seat], s.Deck[i:i+take]) {
				return false
			}
		} else if len(e.Hands[seat]) != 0 {
			return false
		}
		if e.Counts[seat] != take {
			return false
		}
		i += take
	}
	var table []Card
	if s.Deal == 0 {
		take := min(cardsPerDeal, len(s.Deck)-i)
		if take > 0 {
			table = s.Deck[i : i+take]
		}
		i += take
	}
	return slices.Equal(e.Table, table) && e.Last == (i == len(s.Deck))
}

func (s *state) evolveDealt(e *Event) error {
	if s.Finished || s.HandOver {
		return errors.New("no hand is in play")
	}
	if !s.allHandsEmpty() {
		return errors.New("cards are dealt only when every hand is empty")
	}
	if !s.isDealEvent(e) {
		return errors.New("the dealt cards are not the top of the deck")
	}
	s.foldDealt(e)
	return nil
}

// foldDealt folds a deal known to be dealEvent's.
func (s *state) foldDealt(e *Event) {
	taken := 0
	for seat, h := range e.Hands {
		s.Hands[seat] = append(s.Hands[seat][:0], h...)
		taken += len(h)
	}
	s.Table = append(s.Table, e.Table...)
	taken += len(e.Table)
	s.Deck = s.Deck[taken:]
	s.Deal = e.Deal
	s.Turn = s.leadAfterDeal()
}
