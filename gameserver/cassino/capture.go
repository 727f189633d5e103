package cassino

import "fmt"

// checkCapture validates a capture and returns its event.
func (s *state) checkCapture(seat int, a Action) (Event, *RuleError) {
	if len(a.Sets) == 0 && len(a.Builds) == 0 {
		return Event{}, ruleErr(CodeIllegalCapture, "name the cards or builds your %s takes", a.Card)
	}
	var named []Card
	for _, set := range a.Sets {
		if len(set) == 0 {
			return Event{}, ruleErr(CodeIllegalCapture, "a set of cards to take cannot be empty")
		}
		named = append(named, set...)
	}
	if err := s.checkLoose(named, CodeIllegalCapture); err != nil {
		return Event{}, err
	}
	if _, err := s.checkBuildIDs(a.Builds, CodeIllegalCapture); err != nil {
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
	return Event{Type: EventCaptured, Seat: seat, Card: a.Card, Sets: cloneSets(a.Sets), Builds: cloneIDs(a.Builds)}, nil
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
	return nil
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

// checkLoose checks that the named cards are distinct loose table cards.
func (s *state) checkLoose(named []Card, code string) *RuleError {
	for i, c := range named {
		if !c.Valid() {
			return ruleErr(code, "%q is not a card", c.String())
		}
		if !contains(s.Table, c) {
			return ruleErr(code, "the %s is not loose on the table", c)
		}
		if contains(named[:i], c) {
			return ruleErr(code, "the %s is named twice", c)
		}
	}
	return nil
}

// checkBuildIDs checks that the ids name distinct builds on the table and
// returns them in table order.
func (s *state) checkBuildIDs(ids []string, code string) ([]int, *RuleError) {
	var idx []int
	for i, id := range ids {
		at, _ := s.build(id)
		if at < 0 {
			return nil, ruleErr(code, "there is no build %q on the table", id)
		}
		for _, prev := range ids[:i] {
			if prev == id {
				return nil, ruleErr(code, "build %s is named twice", id)
			}
		}
		idx = append(idx, at)
	}
	return sortedInts(idx), nil
}

func (s *state) evolveCaptured(e Event) error {
	if err := s.checkPlayEvent(e); err != nil {
		return err
	}
	var loose []Card
	for _, set := range e.Sets {
		loose = append(loose, set...)
	}
	if err := s.checkLoose(loose, ""); err != nil {
		return err
	}
	idx, rerr := s.checkBuildIDs(e.Builds, "")
	if rerr != nil {
		return rerr
	}
	pile := append(s.Piles[e.Seat], e.Card)
	pile = append(pile, loose...)
	for _, i := range idx {
		pile = append(pile, s.Builds[i].Cards()...)
	}
	s.Piles[e.Seat] = pile
	s.Table = without(s.Table, loose)
	s.Builds = removeBuilds(s.Builds, idx)
	s.Hands[e.Seat] = without(s.Hands[e.Seat], []Card{e.Card})
	s.LastCapturer = e.Seat
	s.advanceTurn()
	return nil
}

// checkPlayEvent checks what every play event needs: a hand in play, the
// seat to move, the card in its hand.
func (s *state) checkPlayEvent(e Event) error {
	if s.Finished || s.HandOver || s.Hand == 0 {
		return fmt.Errorf("no hand is in play")
	}
	if e.Seat != s.Turn {
		return fmt.Errorf("it is seat %d's turn, not seat %d's", s.Turn, e.Seat)
	}
	if !contains(s.Hands[e.Seat], e.Card) {
		return fmt.Errorf("seat %d does not hold the %s", e.Seat, e.Card)
	}
	return nil
}

func removeBuilds(bs []TableBuild, idx []int) []TableBuild {
	out := make([]TableBuild, 0, len(bs))
	for i, b := range bs {
		if !containsInt(idx, i) {
			out = append(out, b)
		}
	}
	return out
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func sortedInts(xs []int) []int {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs
}

func cloneIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return append([]string(nil), ids...)
}
