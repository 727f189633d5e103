package cassino

import (
	"slices"
	"strings"
)

// checkCapture validates a capture and returns its event.
func (s *state) checkCapture(seat int, a Action, p *packer) (Event, *RuleError) {
	if len(a.Sets) == 0 && len(a.Builds) == 0 {
		return Event{}, ruleErr(CodeIllegalCapture, "name the cards or builds your %s takes", a.Card)
	}
	var buf [deckSize]Card
	named := buf[:0]
	for _, set := range a.Sets {
		if len(set) == 0 {
			return Event{}, ruleErr(CodeIllegalCapture, "a set of cards to take cannot be empty")
		}
		named = append(named, set...)
	}
	if err := s.checkLoose(named, CodeIllegalCapture); err != nil {
		return Event{}, err
	}
	var idxBuf [8]int
	if _, err := s.checkBuildIDs(a.Builds, CodeIllegalCapture, idxBuf[:0]); err != nil {
		return Event{}, err
	}
	var err *RuleError
	if a.Card.IsCourt() {
		err = s.checkCourtCapture(a)
	} else {
		err = s.checkNumberCapture(a)
	}
	if err != nil {
		return Event{}, err
	}
	return Event{Type: EventCaptured, Seat: seat, Card: a.Card, Sets: p.copySets(a.Sets), Builds: p.dupIDs(a.Builds)}, nil
}

func (s *state) checkNumberCapture(a Action) *RuleError {
	v := a.Card.Value()
	for _, set := range a.Sets {
		for _, c := range set {
			if c.IsCourt() && len(set) > 1 {
				return ruleErr(CodeIllegalCapture, "the %s has no value: a court is only taken by pairing", c)
			}
		}
		if t := sum(set); t != v {
			if len(set) == 1 {
				return ruleErr(CodeIllegalCapture, "a %s cannot take the %s", rankName(a.Card.Rank()), set[0])
			}
			return ruleErr(CodeIllegalCapture, "%s makes %d, not %d", joinCards(set), t, v)
		}
	}
	for _, id := range a.Builds {
		if _, b := s.build(id); b.Value != v {
			return ruleErr(CodeIllegalCapture, "build %s is worth %d: only a card of that value takes it", id, b.Value)
		}
	}
	return s.checkTakesEvery(a)
}

// checkTakesEvery: a number card that captures takes every loose card of
// its rank and every build of its value with it, whatever else it takes
// (sets that sum to its value stay the player's choice). Named cards of
// its rank are distinct loose cards in sets of one, and named builds are
// distinct builds of its value: counting them is enough.
func (s *state) checkTakesEvery(a Action) *RuleError {
	var buf [3]Card
	left := buf[:0]
	for _, t := range s.Table {
		if t.Rank() == a.Card.Rank() && !namesCard(a.Sets, t) {
			left = append(left, t)
		}
	}
	if len(left) > 0 {
		return ruleErr(CodeIllegalCapture, "a capture with the %s takes every loose %s on the table: name %s too",
			a.Card, rankName(a.Card.Rank()), strings.ReplaceAll(joinCards(left), "+", ", "))
	}
	for _, b := range s.Builds {
		if b.Value == a.Card.Value() && !slices.Contains(a.Builds, b.ID) {
			return ruleErr(CodeIllegalCapture, "a capture with the %s takes every build worth %d: name %s too", a.Card, b.Value, b.ID)
		}
	}
	return nil
}

func namesCard(sets [][]Card, c Card) bool {
	for _, set := range sets {
		if slices.Contains(set, c) {
			return true
		}
	}
	return false
}

// checkCourtCapture: a court only pairs, taking exactly one card of its
// rank, or all three when the other three lie on the table (every card of
// its rank with courtCapturesAll).
func (s *state) checkCourtCapture(a Action) *RuleError {
	name := rankName(a.Card.Rank())
	if len(a.Builds) > 0 {
		return ruleErr(CodeIllegalCapture, "a %s has no value and cannot take a build", name)
	}
	for _, set := range a.Sets {
		if len(set) != 1 || set[0].Rank() != a.Card.Rank() {
			return ruleErr(CodeIllegalCapture, "a %s only takes a %s", name, name)
		}
	}
	want := s.courtTake(a.Card)
	if len(a.Sets) == want {
		return nil
	}
	switch {
	case s.Options.CourtCapturesAll:
		return ruleErr(CodeIllegalCapture, "a %s takes every %s on the table (%d)", name, name, want)
	case want == 3:
		return ruleErr(CodeIllegalCapture, "the other three %ss are on the table: a %s takes all three", name, name)
	default:
		return ruleErr(CodeIllegalCapture, "a %s takes exactly one %s", name, name)
	}
}

// courtTake is how many loose cards of its rank a court must take.
func (s *state) courtTake(c Card) int {
	onTable := 0
	for _, t := range s.Table {
		if t.Rank() == c.Rank() {
			onTable++
		}
	}
	if s.Options.CourtCapturesAll || onTable == 3 {
		return onTable
	}
	return min(onTable, 1)
}

func (s *state) evolveCaptured(e *Event) error {
	if err := s.checkPlayEvent(e); err != nil {
		return err
	}
	var buf [deckSize]Card
	loose := buf[:0]
	for _, set := range e.Sets {
		loose = append(loose, set...)
	}
	if err := s.checkLoose(loose, ""); err != nil {
		return err
	}
	var idxBuf [8]int
	idx, rerr := s.checkBuildIDs(e.Builds, "", idxBuf[:0])
	if rerr != nil {
		return rerr
	}
	s.foldCaptured(e, loose, idx)
	return nil
}

// foldCaptured folds a capture whose loose cards and builds (their
// indexes, in table order) are known to be on the table.
func (s *state) foldCaptured(e *Event, loose []Card, idx []int) {
	pile := append(s.Piles[e.Seat], e.Card)
	pile = append(pile, loose...)
	for _, i := range idx {
		for _, set := range s.Builds[i].Sets {
			pile = append(pile, set...)
		}
	}
	s.Piles[e.Seat] = pile
	s.Table = dropCards(s.Table, loose)
	s.Builds = removeBuilds(s.Builds, idx)
	s.Hands[e.Seat] = dropCard(s.Hands[e.Seat], e.Card)
	s.LastCapturer = e.Seat
	s.advanceTurn()
}
