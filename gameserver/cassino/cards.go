package cassino

import (
	"fmt"
	"strings"
)

// Suit is one of the four suits; only spades score on their own.
type Suit uint8

// The suits, in the order of their letters in a card's text form.
const (
	Spades Suit = iota
	Hearts
	Diamonds
	Clubs
)

const (
	rankLetters = "A23456789TJQK"
	suitLetters = "SHDC"
	deckSize    = 52
)

// Card is a playing card. Its text (and JSON) form is rank then suit, e.g.
// "9S", "TD", "AH". The zero Card is not a card, which lets validation catch
// an action that names none.
type Card uint8

// NewCard returns the card of rank 1 (ace) .. 13 (king) in suit s.
func NewCard(rank int, s Suit) Card { return Card(rank*4 + int(s)) }

// ParseCard reads the text form of a card ("9S", "td" is accepted too).
func ParseCard(s string) (Card, error) {
	if len(s) != 2 {
		return 0, fmt.Errorf("%q is not a card: write rank then suit, like 9S or TD", s)
	}
	up := strings.ToUpper(s)
	r := strings.IndexByte(rankLetters, up[0])
	su := strings.IndexByte(suitLetters, up[1])
	if r < 0 || su < 0 {
		return 0, fmt.Errorf("%q is not a card: ranks are %s and suits are %s", s, rankLetters, suitLetters)
	}
	return NewCard(r+1, Suit(su)), nil
}

// MustParseCards parses space-separated cards and panics on a bad one; it
// exists for tests and examples written by hand.
func MustParseCards(s string) []Card {
	var out []Card
	for _, f := range strings.Fields(s) {
		c, err := ParseCard(f)
		if err != nil {
			panic(err)
		}
		out = append(out, c)
	}
	return out
}

// Valid reports whether c is one of the 52 cards.
func (c Card) Valid() bool { return c >= 4 && c < 56 }

// Rank is 1 (ace) .. 13 (king).
func (c Card) Rank() int { return int(c) / 4 }

// Suit of the card.
func (c Card) Suit() Suit { return Suit(c % 4) }

// IsCourt reports a jack, queen or king: they only pair and never build.
func (c Card) IsCourt() bool { return c.Rank() > 10 }

// Value is the numeric value used in sums and builds (ace 1 .. ten 10);
// courts have none and return 0.
func (c Card) Value() int {
	if c.IsCourt() {
		return 0
	}
	return c.Rank()
}

// index is the card's position 0..51 in a fresh deck.
func (c Card) index() int { return int(c) - 4 }

func (c Card) String() string {
	if !c.Valid() {
		return "??"
	}
	return string([]byte{rankLetters[c.Rank()-1], suitLetters[c.Suit()]})
}

// MarshalText gives the two-letter form; it is what JSON uses.
func (c Card) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("card %d is not one of the 52 cards", uint8(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText parses the two-letter form.
func (c *Card) UnmarshalText(b []byte) error {
	p, err := ParseCard(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// rankName is used in messages to players.
func rankName(rank int) string {
	names := [...]string{"", "ace", "two", "three", "four", "five", "six", "seven",
		"eight", "nine", "ten", "jack", "queen", "king"}
	if rank < 1 || rank > 13 {
		return "card"
	}
	return names[rank]
}

// fullDeck returns the 52 cards in a fixed order.
func fullDeck() []Card {
	d := make([]Card, 0, deckSize)
	for i := 0; i < deckSize; i++ {
		d = append(d, Card(i+4))
	}
	return d
}

func indexOf(cs []Card, c Card) int {
	for i, x := range cs {
		if x == c {
			return i
		}
	}
	return -1
}

func contains(cs []Card, c Card) bool { return indexOf(cs, c) >= 0 }

// dropCards removes the cards of drop from cs in place, keeping order. Only
// evolve uses it, always on a state of its own (a fresh copy), so nothing
// else sees the list change.
func dropCards(cs []Card, drop []Card) []Card {
	out := cs[:0]
	for _, c := range cs {
		if !contains(drop, c) {
			out = append(out, c)
		}
	}
	return out
}

// dropCard removes c from cs in place, keeping order (see dropCards).
func dropCard(cs []Card, c Card) []Card {
	if i := indexOf(cs, c); i >= 0 {
		return append(cs[:i], cs[i+1:]...)
	}
	return cs
}

// cardMask has bit c set for each card of cs.
func cardMask(cs []Card) uint64 {
	var m uint64
	for _, c := range cs {
		m |= 1 << (c & 63)
	}
	return m
}

func sum(cs []Card) int {
	t := 0
	for _, c := range cs {
		t += c.Value()
	}
	return t
}

func joinCards(cs []Card) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "+")
}
