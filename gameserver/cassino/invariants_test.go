package cassino

import (
	"bytes"
	"encoding/json"
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
	s := &m.s
	all := cardsInPlay(s)
	if len(all) != want {
		return fmt.Errorf("%d cards in play, want %d", len(all), want)
	}
	seen := map[Card]bool{}
	for _, c := range all {
		if !c.Valid() || seen[c] {
			return fmt.Errorf("card %v is invalid or twice in play", c)
		}
		seen[c] = true
	}
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
	if err := s.validate(); err != nil {
		return fmt.Errorf("state does not validate: %w", err)
	}
	for seat := 0; seat < s.n(); seat++ {
		if err := checkRedacted(s, seat, m.View(seat)); err != nil {
			return err
		}
	}
	return nil
}

// secretsFor lists the cards seat may not see: other hands and the deck.
func secretsFor(s *state, seat int) []Card {
	secret := cloneCards(s.Deck)
	for i, h := range s.Hands {
		if i != seat {
			secret = append(secret, h...)
		}
	}
	return secret
}

// checkRedacted fails when a view or an event for seat mentions a card the
// seat may not see. It scans the JSON, so a field added later is covered.
func checkRedacted(s *state, seat int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, c := range secretsFor(s, seat) {
		if bytes.Contains(b, []byte(`"`+c.String()+`"`)) {
			return fmt.Errorf("seat %d can see the hidden %s in %s", seat, c, b)
		}
	}
	if vw, ok := v.(View); ok && !slices.Equal(vw.Hand, s.Hands[seat]) {
		return fmt.Errorf("seat %d view shows hand %v, holds %v", seat, vw.Hand, s.Hands[seat])
	}
	return nil
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
// same cards and builds are the same capture, however they are grouped.
func actionKey(a Action) string {
	var loose []Card
	for _, set := range a.Sets {
		loose = append(loose, set...)
	}
	loose = append(loose, a.Cards...)
	slices.Sort(loose)
	ids := slices.Clone(a.Builds)
	slices.Sort(ids)
	return fmt.Sprintf("%s %s %d %v %v", a.Type, a.Card, a.Value, loose, ids)
}
