package cassino

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ActionType names the three ways to play a card.
type ActionType string

// The action types.
const (
	Capture ActionType = "capture"
	Build   ActionType = "build"
	Trail   ActionType = "trail"
)

// Action is one play: exactly one card from the player's hand.
//
// JSON forms (the "cards" field is a list of sets for a capture and a flat
// list of loose cards for a build):
//
//	{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}
//	{"type":"build","card":"3H","cards":["2C"],"builds":["b1"],"value":5}
//	{"type":"trail","card":"AH"}
type Action struct {
	Type ActionType
	Card Card
	// Sets are the loose cards a capture takes, grouped in sets: a set of
	// one is a pair, a larger set sums to the card's value.
	Sets [][]Card
	// Cards are the loose cards a build joins.
	Cards []Card
	// Builds are the ids of the builds taken (capture) or joined (build).
	Builds []string
	// Value is the announced value of a build.
	Value int
}

// CaptureAction takes the given sets of loose cards and builds with card.
func CaptureAction(card Card, sets [][]Card, builds ...string) Action {
	return Action{Type: Capture, Card: card, Sets: sets, Builds: builds}
}

// BuildAction plays card onto loose cards and builds to make a build of value.
func BuildAction(card Card, value int, cards []Card, builds ...string) Action {
	return Action{Type: Build, Card: card, Cards: cards, Builds: builds, Value: value}
}

// TrailAction places card on the table.
func TrailAction(card Card) Action { return Action{Type: Trail, Card: card} }

type captureJSON struct {
	Type   ActionType `json:"type"`
	Card   Card       `json:"card"`
	Cards  [][]Card   `json:"cards"`
	Builds []string   `json:"builds"`
}

type buildJSON struct {
	Type   ActionType `json:"type"`
	Card   Card       `json:"card"`
	Cards  []Card     `json:"cards"`
	Builds []string   `json:"builds"`
	Value  int        `json:"value"`
}

type trailJSON struct {
	Type ActionType `json:"type"`
	Card Card       `json:"card"`
}

// MarshalJSON writes the form of the action's type.
func (a Action) MarshalJSON() ([]byte, error) {
	switch a.Type {
	case Capture:
		return json.Marshal(captureJSON{a.Type, a.Card, nonNilSets(a.Sets), nonNilIDs(a.Builds)})
	case Build:
		return json.Marshal(buildJSON{a.Type, a.Card, nonNilCards(a.Cards), nonNilIDs(a.Builds), a.Value})
	case Trail:
		return json.Marshal(trailJSON{a.Type, a.Card})
	}
	return nil, fmt.Errorf("action type %q is not capture, build or trail", a.Type)
}

// UnmarshalJSON reads an action strictly: unknown fields and fields that do
// not belong to the action's type are errors, because a client that sends
// them meant something the engine would otherwise silently ignore.
func (a *Action) UnmarshalJSON(b []byte) error {
	var raw struct {
		Type   ActionType      `json:"type"`
		Card   *Card           `json:"card"`
		Cards  json.RawMessage `json:"cards"`
		Builds []string        `json:"builds"`
		Value  *int            `json:"value"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("action: %w", err)
	}
	if raw.Card == nil {
		return errors.New("action: name the card you play in \"card\"")
	}
	out := Action{Type: raw.Type, Card: *raw.Card}
	switch raw.Type {
	case Capture:
		if raw.Value != nil {
			return errors.New("action: a capture has no \"value\"")
		}
		if err := decodeCards(raw.Cards, &out.Sets); err != nil {
			return fmt.Errorf("action: capture cards must be a list of sets of cards: %w", err)
		}
		out.Builds = raw.Builds
	case Build:
		if raw.Value == nil {
			return errors.New("action: a build announces its \"value\"")
		}
		if err := decodeCards(raw.Cards, &out.Cards); err != nil {
			return fmt.Errorf("action: build cards must be a list of cards: %w", err)
		}
		out.Builds, out.Value = raw.Builds, *raw.Value
	case Trail:
		if len(raw.Cards) > 0 || raw.Builds != nil || raw.Value != nil {
			return errors.New("action: a trail names only its card")
		}
	default:
		return fmt.Errorf("action: type must be capture, build or trail, not %q", raw.Type)
	}
	if len(out.Sets) == 0 {
		out.Sets = nil
	}
	if len(out.Cards) == 0 {
		out.Cards = nil
	}
	if len(out.Builds) == 0 {
		out.Builds = nil
	}
	*a = out
	return nil
}

func decodeCards(raw json.RawMessage, dst any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, dst)
}

func nonNilSets(s [][]Card) [][]Card {
	if s == nil {
		return [][]Card{}
	}
	return s
}

func nonNilCards(s []Card) []Card {
	if s == nil {
		return []Card{}
	}
	return s
}

func nonNilIDs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (a Action) String() string {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Sprintf("invalid action (%v)", err)
	}
	return string(b)
}
