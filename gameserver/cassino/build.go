package cassino

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// checkBuild validates a build action and returns its event. The played
// card either joins loose cards into a set of the announced value, or
// increases one single build (the card alone is added to it); any other
// named loose cards must form further sets of that value and named builds
// of that value are joined whole, which makes a multiple build.
func (s *state) checkBuild(seat int, a Action, p *packer) (Event, *RuleError) {
	c, v := a.Card, a.Value
	if c.IsCourt() {
		return Event{}, ruleErr(CodeCourtInBuild, "a %s has no value, so it cannot build", rankName(c.Rank()))
	}
	if v < 2 || v > 10 {
		return Event{}, ruleErr(CodeIllegalBuild, "a build is worth 2 to 10, not %d", v)
	}
	if v < c.Value() {
		return Event{}, ruleErr(CodeIllegalBuild, "your %s is worth more than %d", c, v)
	}
	if err := s.checkLoose(a.Cards, CodeIllegalBuild); err != nil {
		return Event{}, err
	}
	for _, t := range a.Cards {
		if t.IsCourt() {
			return Event{}, ruleErr(CodeCourtInBuild, "the %s is a court card: courts never enter a build", t)
		}
	}
	var buf [8]int
	idx, err := s.checkBuildIDs(a.Builds, CodeIllegalBuild, buf[:0])
	if err != nil {
		return Event{}, err
	}
	if len(a.Cards)+len(idx) == 0 {
		return Event{}, ruleErr(CodeIllegalBuild, "a build joins your card to cards or builds on the table")
	}
	// A build the rules forbid outright is refused for that, before
	// whether the player holds its value.
	inc, joined, err := s.buildRoles(seat, c, v, idx)
	if err != nil {
		return Event{}, err
	}
	if !s.holdsValue(seat, c, v) {
		return Event{}, ruleErr(CodeNoCapturingCard, "you must hold another card worth %d to build %d", v, v)
	}
	sets, err := s.buildSets(c, v, a.Cards, inc, joined, p)
	if err != nil {
		return Event{}, err
	}
	id := s.newBuildID()
	if len(idx) > 0 {
		id = s.Builds[idx[0]].ID
	}
	return Event{Type: EventBuilt, Seat: seat, Card: c, Cards: p.dupCards(a.Cards), Builds: p.dupIDs(a.Builds),
		Value: v, Sets: sets, Build: id}, nil
}

// buildRoles sorts the named builds: those worth v are joined whole; one
// single build worth v minus the card is increased; anything else is refused.
func (s *state) buildRoles(seat int, c Card, v int, idx []int) (inc int, joined []int, err *RuleError) {
	inc = -1
	for _, i := range idx {
		b := s.Builds[i]
		switch {
		case b.Value == v:
			joined = append(joined, i)
		case b.Multiple():
			return 0, nil, ruleErr(CodeMultipleFixed, "build %s is a multiple build of %ds: a multiple build cannot be increased", b.ID, b.Value)
		case b.Value+c.Value() != v:
			return 0, nil, ruleErr(CodeIllegalBuild, "build %s is worth %d: adding your %s makes %d, not %d", b.ID, b.Value, c, b.Value+c.Value(), v)
		case inc >= 0:
			return 0, nil, ruleErr(CodeIllegalBuild, "you can increase only one build at a time")
		case b.Owner == seat && !s.Options.IncreaseOwnBuild:
			return 0, nil, ruleErr(CodeIncreaseOwnBuild, "these rules do not let you increase your own build")
		default:
			inc = i
		}
	}
	return inc, joined, nil
}

// buildSets splits the played card and the named loose cards into sets of
// v and returns the sets of the resulting build: joined builds first, then
// the set holding the played card, then the other loose sets.
func (s *state) buildSets(c Card, v int, loose []Card, inc int, joined []int, p *packer) ([][]Card, *RuleError) {
	var played []Card
	var rest [][]Card
	var ok bool
	if inc >= 0 {
		b := s.Builds[inc]
		played = p.cards0(listsSize(b.Sets) + 1)
		for _, set := range b.Sets {
			played = append(played, set...)
		}
		played = append(played, c)
		rest, ok = splitSetsIn(loose, v, 0, p)
	} else {
		var parts [][]Card
		parts, ok = splitSetsIn(loose, v, v-c.Value(), p)
		var first []Card
		if ok && v > c.Value() {
			first, rest = parts[0], parts[1:]
		} else {
			rest = parts
		}
		played = append(append(p.cards0(len(first)+1), first...), c)
	}
	if !ok {
		return nil, ruleErr(CodeIllegalBuild, "your %s and %s do not make sets of %d", c, joinCards(loose), v)
	}
	n := 1 + len(rest)
	for _, i := range joined {
		n += len(s.Builds[i].Sets)
	}
	sets := p.lists0(n)[:0]
	for _, i := range joined {
		for _, set := range s.Builds[i].Sets {
			sets = append(sets, p.dupCards(set))
		}
	}
	sets = append(sets, played)
	return append(sets, rest...), nil
}

func (s *state) evolveBuilt(e *Event, rest *packer) error {
	if err := s.checkPlayEvent(e); err != nil {
		return err
	}
	if err := s.checkLoose(e.Cards, ""); err != nil {
		return err
	}
	var idxBuf [8]int
	idx, rerr := s.checkBuildIDs(e.Builds, "", idxBuf[:0])
	if rerr != nil {
		return rerr
	}
	var buf [deckSize]Card
	want := append(append(buf[:0], e.Card), e.Cards...)
	for _, i := range idx {
		for _, set := range s.Builds[i].Sets {
			want = append(want, set...)
		}
	}
	nb := TableBuild{ID: e.Build, Value: e.Value, Sets: rest.copySets(e.Sets), Owner: e.Seat}
	if err := checkBuildShape(nb); err != nil {
		return err
	}
	if !sameCardSets(nb.Sets, want) {
		return errors.New("the build's sets are not the cards played and joined")
	}
	isNew := e.Build == s.newBuildID()
	if (len(idx) > 0 && e.Build != s.Builds[idx[0]].ID) || (len(idx) == 0 && !isNew) {
		return fmt.Errorf("unexpected build id %q", e.Build)
	}
	s.foldBuilt(e, nb, idx, isNew)
	return nil
}

// foldBuilt folds a build nb whose loose cards and builds (their indexes,
// in table order) are known to be on the table; isNew: it takes a new id.
func (s *state) foldBuilt(e *Event, nb TableBuild, idx []int, isNew bool) {
	at := len(s.Builds) - len(idx)
	if len(idx) > 0 {
		at = idx[0]
	}
	s.Builds = slices.Insert(removeBuilds(s.Builds, idx), at, nb)
	if isNew {
		s.NextBuild++
	}
	s.Table = dropCards(s.Table, e.Cards)
	s.Hands[e.Seat] = dropCard(s.Hands[e.Seat], e.Card)
	s.advanceTurn()
}

// checkBuildShape holds the build invariants: value 2..10, every set sums
// to it, no court card, a single build has two cards or more.
func checkBuildShape(b TableBuild) error {
	if b.ID == "" {
		return errors.New("a build needs an id")
	}
	if b.Value < 2 || b.Value > 10 {
		return fmt.Errorf("build %s: value %d is not 2..10", b.ID, b.Value)
	}
	if len(b.Sets) == 0 || (len(b.Sets) == 1 && len(b.Sets[0]) < 2) {
		return fmt.Errorf("build %s: a build holds two cards or more", b.ID)
	}
	for _, set := range b.Sets {
		for _, c := range set {
			if !c.Valid() || c.IsCourt() {
				return fmt.Errorf("build %s: %s cannot be in a build", b.ID, c)
			}
		}
		if len(set) == 0 || sum(set) != b.Value {
			return fmt.Errorf("build %s: set %s does not make %d", b.ID, joinCards(set), b.Value)
		}
	}
	return nil
}

// sameCardSets reports whether the sets hold exactly the cards of want,
// which holds no card twice (they come from a hand, the loose cards and
// builds). Equal masks of len(want) bits then mean equal multisets.
func sameCardSets(sets [][]Card, want []Card) bool {
	n := 0
	var m uint64
	for _, set := range sets {
		n += len(set)
		m |= cardMask(set)
	}
	w := cardMask(want)
	return n == len(want) && m == w && bits.OnesCount64(w) == n
}
