package cassino

import (
	"errors"
	"slices"
)

var (
	bigCasino    = NewCard(10, Diamonds)
	littleCasino = NewCard(2, Spades)
)

// tallies counts every seat's capture pile for the hand.
func (s *state) tallies() []Tally {
	out := make([]Tally, s.n())
	for seat, pile := range s.Piles {
		t := &out[seat]
		t.Cards = len(pile)
		for _, c := range pile {
			if c.Suit() == Spades {
				t.Spades++
			}
			if c.Rank() == 1 {
				t.Aces++
			}
			t.BigCasino = t.BigCasino || c == bigCasino
			t.LittleCasino = t.LittleCasino || c == littleCasino
		}
		t.Sweeps = s.Sweeps[seat]
	}
	return out
}

// handPoints scores the tallies by side; a tie for most cards or most
// spades scores nothing. Partners each show their side's points.
func (s *state) handPoints(ts []Tally) []int {
	sides := s.n()
	if s.Options.partnered() {
		sides = 2
	}
	cards := make([]int, sides)
	spades := make([]int, sides)
	pts := make([]int, sides)
	for seat, t := range ts {
		side := s.Options.side(seat)
		cards[side] += t.Cards
		spades[side] += t.Spades
		pts[side] += t.Aces
		if t.BigCasino {
			pts[side] += 2
		}
		if t.LittleCasino {
			pts[side]++
		}
		if s.Options.Sweeps {
			pts[side] += t.Sweeps
		}
	}
	if side, ok := uniqueMax(cards); ok {
		pts[side] += 3
	}
	if side, ok := uniqueMax(spades); ok {
		pts[side]++
	}
	out := make([]int, s.n())
	for seat := range out {
		out[seat] = pts[s.Options.side(seat)]
	}
	return out
}

func uniqueMax(xs []int) (int, bool) {
	best, at, ties := -1, -1, 0
	for i, x := range xs {
		switch {
		case x > best:
			best, at, ties = x, i, 1
		case x == best:
			ties++
		}
	}
	return at, ties == 1
}

func (s *state) scoreEvent() Event {
	ts := s.tallies()
	pts := s.handPoints(ts)
	scores := make([]int, s.n())
	for i := range scores {
		scores[i] = s.Scores[i] + pts[i]
	}
	return Event{Type: EventHandScored, Hand: s.Hand, Tally: ts, Points: pts, Scores: scores}
}

func (s *state) evolveHandScored(e *Event) error {
	if s.Finished || s.HandOver || s.Hand == 0 || !s.allHandsEmpty() || len(s.Deck) > 0 || !s.tableEmpty() {
		return errors.New("the hand is not over")
	}
	want := s.scoreEvent()
	if e.Hand != want.Hand || !slices.Equal(e.Tally, want.Tally) || !slices.Equal(e.Points, want.Points) ||
		!slices.Equal(e.Scores, want.Scores) {
		return errors.New("the hand's score does not match its capture piles")
	}
	s.foldHandScored(&want)
	return nil
}

// foldHandScored folds a score known to be scoreEvent's.
func (s *state) foldHandScored(e *Event) {
	s.Scores = append(s.Scores[:0], e.Scores...)
	s.HandOver = true
}

// winners are the seats of the side that won, or nil while the match goes
// on: nobody reached the target, or the highest total is tied.
func (s *state) winners() []int {
	best, tie := -1, false
	for seat := 0; seat < s.n(); seat++ {
		if s.Options.side(seat) != seat {
			continue // partners share a score; count each side once
		}
		switch sc := s.Scores[seat]; {
		case sc > best:
			best, tie = sc, false
		case sc == best:
			tie = true
		}
	}
	if best < s.Options.TargetScore || tie {
		return nil
	}
	var out []int
	for seat := 0; seat < s.n(); seat++ {
		if s.Scores[seat] == best {
			out = append(out, seat)
		}
	}
	return out
}

func (s *state) evolveMatchWon(e *Event) error {
	w := s.winners()
	if !s.HandOver || s.Finished || w == nil || !slices.Equal(e.Winners, w) {
		return errors.New("the match is not won")
	}
	s.Finished = true
	s.Winners = w
	return nil
}

// lastCardsEvent gives what is left on the table to the last capturer (the
// dealer if nobody captured all hand).
func (s *state) lastCardsEvent() Event {
	cards := cloneCards(s.Table)
	for _, b := range s.Builds {
		cards = append(cards, b.Cards()...)
	}
	return Event{Type: EventLastCards, Seat: s.lastCardsTo(), Cards: cards}
}

func (s *state) lastCardsTo() int {
	if s.LastCapturer >= 0 {
		return s.LastCapturer
	}
	return s.Dealer
}

func (s *state) evolveLastCards(e *Event) error {
	if s.Finished || s.HandOver || !s.allHandsEmpty() || len(s.Deck) > 0 || s.tableEmpty() {
		return errors.New("cards go to the last capturer only at the end of a hand")
	}
	want := s.lastCardsEvent()
	if e.Seat != want.Seat || !slices.Equal(e.Cards, want.Cards) {
		return errors.New("the last cards must all go to the last capturer")
	}
	s.foldLastCards(&want)
	return nil
}

// foldLastCards folds the last cards known to be lastCardsEvent's.
func (s *state) foldLastCards(e *Event) {
	s.Piles[e.Seat] = append(s.Piles[e.Seat], e.Cards...)
	s.Table, s.Builds = nil, nil
}
