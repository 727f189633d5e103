package room

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// appendView writes a seat's view as json.Marshal does, byte for byte,
// without reflection: every action sends each seat its view, and
// encoding it was most of the room's own work on an action's way out.
// ok is false when it cannot (a card that is not one of the 52, or view
// types whose layout is not the one written here); the caller then
// encodes the view with encoding/json.
func appendView(b []byte, v *cassino.View) (_ []byte, ok bool) {
	if !viewLayoutKnown {
		return b, false
	}
	start := len(b)
	b = append(b, `{"seat":`...)
	b = strconv.AppendInt(b, int64(v.Seat), 10)
	o := v.Options
	b = append(b, `,"options":{"players":`...)
	b = strconv.AppendInt(b, int64(o.Players), 10)
	b = appendBoolField(b, `,"partnerships":`, o.Partnerships)
	b = appendBoolField(b, `,"sweeps":`, o.Sweeps)
	b = append(b, `,"targetScore":`...)
	b = strconv.AppendInt(b, int64(o.TargetScore), 10)
	b = appendBoolField(b, `,"courtCapturesAll":`, o.CourtCapturesAll)
	b = appendBoolField(b, `,"increaseOwnBuild":`, o.IncreaseOwnBuild)
	b = appendBoolField(b, `,"trailWhenCaptureAvailable":`, o.TrailWhenCaptureAvailable)
	b = append(b, `},"hand":`...)
	b, ok = appendCards(b, v.Hand)
	b = append(b, `,"table":`...)
	b, ok2 := appendCards(b, v.Table)
	ok = ok && ok2
	b = append(b, `,"builds":`...)
	b, ok2 = appendList(b, v.Builds, false, appendBuild)
	ok = ok && ok2
	b = appendIntsField(b, `,"handCounts":`, v.HandCounts)
	b = appendIntsField(b, `,"pileCounts":`, v.PileCounts)
	b = append(b, `,"deckCount":`...)
	b = strconv.AppendInt(b, int64(v.DeckCount), 10)
	b = appendIntsField(b, `,"sweeps":`, v.Sweeps)
	b = appendIntsField(b, `,"scores":`, v.Scores)
	b = append(b, `,"dealer":`...)
	b = strconv.AppendInt(b, int64(v.Dealer), 10)
	b = append(b, `,"turn":`...)
	b = strconv.AppendInt(b, int64(v.Turn), 10)
	b = append(b, `,"deal":`...)
	b = strconv.AppendInt(b, int64(v.Deal), 10)
	b = append(b, `,"handNumber":`...)
	b = strconv.AppendInt(b, int64(v.HandNumber), 10)
	b = appendBoolField(b, `,"lastDeal":`, v.LastDeal)
	b = append(b, `,"lastCapturer":`...)
	b = strconv.AppendInt(b, int64(v.LastCapturer), 10)
	b = appendBoolField(b, `,"finished":`, v.Finished)
	if len(v.Winners) > 0 {
		b = appendIntsField(b, `,"winners":`, v.Winners)
	}
	if len(v.Legal) > 0 {
		b, ok2 = appendList(append(b, `,"legal":`...), v.Legal, true, appendAction)
		ok = ok && ok2
	}
	if !ok {
		return b[:start], false
	}
	return append(b, '}'), true
}

// marshalAction is json.Marshal(a), written by hand when it can be.
func marshalAction(a cassino.Action) ([]byte, error) {
	if viewLayoutKnown {
		if b, ok := appendAction(make([]byte, 0, 96), a); ok {
			return b, nil
		}
	}
	return json.Marshal(a)
}

// appendAction writes a as Action.MarshalJSON does: each type its own
// fields, lists never null.
func appendAction(b []byte, a cassino.Action) ([]byte, bool) {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, string(a.Type))
	b = append(b, `,"card":`...)
	b, ok := appendCard(b, a.Card)
	ok2 := true
	switch a.Type {
	case cassino.Capture:
		b = append(b, `,"cards":`...)
		b, ok2 = appendSets(b, a.Sets, true)
		b = append(b, `,"builds":`...)
		b = appendIDs(b, a.Builds)
	case cassino.Build:
		b = append(b, `,"cards":`...)
		b, ok2 = appendList(b, a.Cards, true, appendCard)
		b = append(b, `,"builds":`...)
		b = appendIDs(b, a.Builds)
		b = append(b, `,"value":`...)
		b = strconv.AppendInt(b, int64(a.Value), 10)
	case cassino.Trail:
	default:
		return b, false // MarshalJSON refuses it
	}
	return append(b, '}'), ok && ok2
}

func appendBuild(b []byte, tb cassino.TableBuild) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, tb.ID)
	b = append(b, `,"value":`...)
	b = strconv.AppendInt(b, int64(tb.Value), 10)
	b = append(b, `,"sets":`...)
	b, ok := appendSets(b, tb.Sets, false)
	b = append(b, `,"owner":`...)
	b = strconv.AppendInt(b, int64(tb.Owner), 10)
	return append(b, '}'), ok
}

func appendBoolField(b []byte, name string, v bool) []byte {
	b = append(b, name...)
	return strconv.AppendBool(b, v)
}

func appendIntsField(b []byte, name string, s []int) []byte {
	b = append(b, name...)
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, n := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, ']')
}

// appendIDs writes build ids, an empty list for none (nonNilIDs).
func appendIDs(b []byte, ids []string) []byte {
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, id)
	}
	return append(b, ']')
}

// appendSets writes sets of cards; nonNil writes no sets as [] rather
// than null, as an action does.
func appendSets(b []byte, sets [][]cassino.Card, nonNil bool) ([]byte, bool) {
	return appendList(b, sets, nonNil, appendCards)
}

func appendCards(b []byte, cards []cassino.Card) ([]byte, bool) {
	return appendList(b, cards, false, appendCard)
}

// appendList writes items as a JSON array, a nil slice as null unless
// nonNil; ok is false when an item cannot be written.
func appendList[T any](b []byte, items []T, nonNil bool, each func([]byte, T) ([]byte, bool)) ([]byte, bool) {
	if items == nil && !nonNil {
		return append(b, "null"...), true
	}
	ok := true
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		var itemOK bool
		b, itemOK = each(b, it)
		ok = ok && itemOK
	}
	return append(b, ']'), ok
}

// appendCard writes the card's two-letter form, as its MarshalText.
func appendCard(b []byte, c cassino.Card) ([]byte, bool) {
	if !c.Valid() {
		return b, false // MarshalText refuses it
	}
	b = append(b, '"')
	b = append(b, c.String()...)
	return append(b, '"'), true
}

// viewLayoutKnown reports that the view's types are laid out as
// appendView writes them: the same fields, types and JSON names, no
// marshalers of their own, and cards and actions that encode as written
// here. Otherwise every view goes through encoding/json.
var viewLayoutKnown = func() bool {
	type field struct{ name, typ, tag string }
	layouts := map[reflect.Type][]field{
		reflect.TypeFor[cassino.View](): {
			{"Seat", "int", "seat"}, {"Options", "cassino.Options", "options"},
			{"Hand", "[]cassino.Card", "hand"}, {"Table", "[]cassino.Card", "table"},
			{"Builds", "[]cassino.TableBuild", "builds"}, {"HandCounts", "[]int", "handCounts"},
			{"PileCounts", "[]int", "pileCounts"}, {"DeckCount", "int", "deckCount"},
			{"Sweeps", "[]int", "sweeps"}, {"Scores", "[]int", "scores"},
			{"Dealer", "int", "dealer"}, {"Turn", "int", "turn"}, {"Deal", "int", "deal"},
			{"HandNumber", "int", "handNumber"}, {"LastDeal", "bool", "lastDeal"},
			{"LastCapturer", "int", "lastCapturer"}, {"Finished", "bool", "finished"},
			{"Winners", "[]int", "winners,omitempty"}, {"Legal", "[]cassino.Action", "legal,omitempty"},
		},
		reflect.TypeFor[cassino.Options](): {
			{"Players", "int", "players"}, {"Partnerships", "bool", "partnerships"},
			{"Sweeps", "bool", "sweeps"}, {"TargetScore", "int", "targetScore"},
			{"CourtCapturesAll", "bool", "courtCapturesAll"}, {"IncreaseOwnBuild", "bool", "increaseOwnBuild"},
			{"TrailWhenCaptureAvailable", "bool", "trailWhenCaptureAvailable"},
		},
		reflect.TypeFor[cassino.TableBuild](): {
			{"ID", "string", "id"}, {"Value", "int", "value"},
			{"Sets", "[][]cassino.Card", "sets"}, {"Owner", "int", "owner"},
		},
	}
	marshaler := reflect.TypeFor[json.Marshaler]()
	textMarshaler := reflect.TypeFor[encoding.TextMarshaler]()
	for t, want := range layouts {
		if t.NumField() != len(want) || reflect.PointerTo(t).Implements(marshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
			return false
		}
		for i, w := range want {
			f := t.Field(i)
			if f.Name != w.name || f.Type.String() != w.typ || f.Tag.Get("json") != w.tag {
				return false
			}
		}
	}
	// Cards and actions encode through methods of their own: compare.
	var cards []cassino.Card
	for c := range cassino.Card(64) {
		if c.Valid() {
			cards = append(cards, c)
		}
	}
	ah, kd := cards[0], cards[len(cards)-1]
	samples := []any{cards, []cassino.Action{
		cassino.TrailAction(ah),
		cassino.CaptureAction(ah, nil), cassino.CaptureAction(ah, [][]cassino.Card{{kd}, {ah, kd}}, "b<1>", "b2"),
		cassino.BuildAction(ah, 7, nil), cassino.BuildAction(ah, 9, []cassino.Card{kd}, "b1"),
	}}
	for _, s := range samples {
		want, err := json.Marshal(s)
		if err != nil {
			return false
		}
		var got []byte
		var ok bool
		switch s := s.(type) {
		case []cassino.Card:
			got, ok = appendCards(nil, s)
		case []cassino.Action:
			got, ok = appendList(nil, s, true, appendAction)
		}
		if !ok || !bytes.Equal(got, want) {
			return false
		}
	}
	return true
}()
