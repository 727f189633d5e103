package cassino

import (
	"encoding/json"
	"testing"
)

func TestParseCard(t *testing.T) {
	for _, tc := range []struct {
		in    string
		rank  int
		suit  Suit
		valid bool
	}{
		{"AS", 1, Spades, true},
		{"TD", 10, Diamonds, true},
		{"kc", 13, Clubs, true},
		{"9H", 9, Hearts, true},
		{"10D", 0, 0, false},
		{"1S", 0, 0, false},
		{"AX", 0, 0, false},
		{"", 0, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := ParseCard(tc.in)
			if (err == nil) != tc.valid {
				t.Fatalf("ParseCard(%q) error %v, want valid %v", tc.in, err, tc.valid)
			}
			if tc.valid && (c.Rank() != tc.rank || c.Suit() != tc.suit) {
				t.Fatalf("ParseCard(%q) = rank %d suit %d", tc.in, c.Rank(), c.Suit())
			}
		})
	}
}

func TestEveryCardRoundTrips(t *testing.T) {
	deck := fullDeck()
	seen := map[string]bool{}
	for _, c := range deck {
		back, err := ParseCard(c.String())
		if err != nil || back != c {
			t.Fatalf("%v does not round trip: %v %v", c, back, err)
		}
		seen[c.String()] = true
		if c.IsCourt() != (c.Value() == 0) || (c.Value() > 10) {
			t.Fatalf("%v: court %v value %d", c, c.IsCourt(), c.Value())
		}
	}
	if len(seen) != deckSize {
		t.Fatalf("%d distinct cards", len(seen))
	}
}

// Card is a byte underneath: a list of cards must still be a JSON list of
// names, never base64.
func TestCardsJSON(t *testing.T) {
	b, err := json.Marshal(MustParseCards("9S TD AH"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `["9S","TD","AH"]` {
		t.Fatalf("cards encode as %s", b)
	}
	var back []Card
	if err := json.Unmarshal(b, &back); err != nil || len(back) != 3 || back[1] != NewCard(10, Diamonds) {
		t.Fatalf("decoded %v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`["ZZ"]`), &back); err == nil {
		t.Fatal("a bad card name decoded")
	}
	if _, err := json.Marshal(Card(0)); err == nil {
		t.Fatal("the zero card encoded")
	}
}
