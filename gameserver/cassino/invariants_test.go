package cassino

import (
	"fmt"
	"slices"
)

// cardsInPlay lists every card the match holds: deck, hands, loose table
// cards, builds and capture piles.
func cardsInPlay(s *state) []Card {
	all := cloneCards(s.Deck)
	all = append(all, s.Table...)
	for i := range s.Hands {
		all = append(all, s.Hands[i]...)
		all = append(all, s.Piles[i]...)
	}
	for _, b := range s.Builds {
		all = append(all, b.Cards()...)
	}
	return all
}

// checkInvariants checks the invariants of CASSINO_RULES.md on a match at
// rest; want is how many cards the match must hold (52 for a real match).
func checkInvariants(m *Match, want int) error {
	_, err := checkedViews(m, want)
	return err
}

// checkedViews checks the invariants and returns every seat's view.
func checkedViews(m *Match, want int) ([]View, error) {
	s := &m.s
	all := cardsInPlay(s)
	if len(all) != want {
		return nil, fmt.Errorf("%d cards in play, want %d", len(all), want)
	}
	var seen [deckSize]bool
	for _, c := range all {
		if !c.Valid() || seen[c.index()] {
			return nil, fmt.Errorf("card %v is invalid or twice in play", c)
		}
		seen[c.index()] = true
	}
	if err := checkBuildsShape(s); err != nil {
		return nil, err
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("state does not validate: %w", err)
	}
	views := make([]View, s.n())
	for seat := range views {
		views[seat] = m.View(seat)
		if err := checkView(s, seat, views[seat]); err != nil {
			return nil, err
		}
	}
	return views, nil
}

// checkBuildsShape: every set sums to the build's value, 2..10, no court.
func checkBuildsShape(s *state) error {
	for _, b := range s.Builds {
		if b.Value < 2 || b.Value > 10 {
			return fmt.Errorf("build %s is worth %d", b.ID, b.Value)
		}
		for _, set := range b.Sets {
			t := 0
			for _, c := range set {
				if c.IsCourt() {
					return fmt.Errorf("build %s holds the court %s", b.ID, c)
				}
				t += c.Rank()
			}
			if t != b.Value {
				return fmt.Errorf("build %s: set %v sums to %d, not %d", b.ID, set, t, b.Value)
			}
		}
		if len(b.Cards()) < 2 {
			return fmt.Errorf("build %s is a single card", b.ID)
		}
	}
	return nil
}

// secretMask marks the cards seat may not see: other hands and the deck.
func secretMask(s *state, seat int) uint64 {
	var m uint64
	for _, c := range s.Deck {
		m |= 1 << c.index()
	}
	for i, h := range s.Hands {
		if i != seat {
			for _, c := range h {
				m |= 1 << c.index()
			}
		}
	}
	return m
}

// cardsOfView and cardsOfEvent list every card a view or an event carries.
// TestRedactionCoversEveryField keeps them in step with the types.
func cardsOfView(v View) []Card {
	out := append(cloneCards(v.Hand), v.Table...)
	for _, b := range v.Builds {
		out = append(out, b.Cards()...)
	}
	for _, a := range v.Legal {
		out = append(out, a.Card)
		out = append(out, a.Cards...)
		for _, set := range a.Sets {
			out = append(out, set...)
		}
	}
	return out
}

func cardsOfEvent(e Event) []Card {
	out := append(cloneCards(e.Table), e.Cards...)
	out = append(out, e.Card)
	for _, h := range e.Hands {
		out = append(out, h...)
	}
	for _, set := range e.Sets {
		out = append(out, set...)
	}
	return out
}

// checkRedacted fails when a view or an event for seat carries a card the
// seat may not see.
func checkRedacted(s *state, seat int, cards []Card, what string) error {
	secret := secretMask(s, seat)
	for _, c := range cards {
		if c.Valid() && secret&(1<<c.index()) != 0 {
			return fmt.Errorf("seat %d can see the hidden %s in a %s", seat, c, what)
		}
	}
	return nil
}

func checkView(s *state, seat int, v View) error {
	if !slices.Equal(v.Hand, s.Hands[seat]) {
		return fmt.Errorf("seat %d view shows hand %v, holds %v", seat, v.Hand, s.Hands[seat])
	}
	return checkRedacted(s, seat, cardsOfView(v), "view")
}

// checkHandPoints checks a handScored event: the points handed out are 11
// plus sweeps, less 3 when most cards is tied and 1 when most spades is.
func checkHandPoints(o Options, e Event) error {
	sides := o.Players
	if o.partnered() {
		sides = 2
	}
	cards, spades, sweeps := make([]int, sides), make([]int, sides), 0
	for seat, t := range e.Tally {
		cards[o.side(seat)] += t.Cards
		spades[o.side(seat)] += t.Spades
		sweeps += t.Sweeps
	}
	want := 11
	if o.Sweeps {
		want += sweeps
	}
	if _, ok := uniqueMax(cards); !ok {
		want -= 3
	}
	if _, ok := uniqueMax(spades); !ok {
		want--
	}
	got := 0
	for seat, p := range e.Points {
		if o.side(seat) == seat {
			got += p
		}
	}
	if got != want {
		return fmt.Errorf("hand %d handed out %d points, want %d (tally %+v)", e.Hand, got, want, e.Tally)
	}
	return nil
}

func mustSnapshot(m *Match) string {
	b, err := m.Snapshot()
	if err != nil {
		panic(err)
	}
	return string(b)
}

// actionKey identifies an action by its outcome: captures that take the
// same cards and builds are the same capture, however they are grouped,
// and loose cards of one rank and scoring role (7H, 7D, 7C) are the same
// card, as LegalActions lists them.
func actionKey(a Action) string {
	var loose []string
	for _, set := range a.Sets {
		for _, c := range set {
			loose = append(loose, looseKey(c))
		}
	}
	for _, c := range a.Cards {
		loose = append(loose, looseKey(c))
	}
	slices.Sort(loose)
	ids := slices.Clone(a.Builds)
	slices.Sort(ids)
	return fmt.Sprintf("%s %s %d %v %v", a.Type, a.Card, a.Value, loose, ids)
}

func looseKey(c Card) string {
	if !c.Valid() {
		return c.String()
	}
	return fmt.Sprintf("%d/%d", c.Rank(), roleOf(c))
}

// sameState compares two states field by field, an empty list equal to a
// missing one. TestSameStateCoversEveryField keeps it complete.
func sameState(a, b *state) bool {
	return a.Options == b.Options && a.Seed == b.Seed && a.Hand == b.Hand && a.Deal == b.Deal &&
		a.Dealer == b.Dealer && a.Turn == b.Turn && a.LastCapturer == b.LastCapturer &&
		a.NextBuild == b.NextBuild && a.HandOver == b.HandOver && a.Finished == b.Finished &&
		slices.Equal(a.Deck, b.Deck) && slices.Equal(a.Table, b.Table) &&
		slices.Equal(a.Sweeps, b.Sweeps) && slices.Equal(a.Scores, b.Scores) && slices.Equal(a.Winners, b.Winners) &&
		slices.EqualFunc(a.Hands, b.Hands, slices.Equal) && slices.EqualFunc(a.Piles, b.Piles, slices.Equal) &&
		slices.EqualFunc(a.Builds, b.Builds, func(x, y TableBuild) bool {
			return x.ID == y.ID && x.Value == y.Value && x.Owner == y.Owner && slices.EqualFunc(x.Sets, y.Sets, slices.Equal)
		})
}
