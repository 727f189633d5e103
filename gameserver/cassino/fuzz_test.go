package cassino

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzApply throws arbitrary actions (JSON, or raw bytes read as picks of
// cards and builds) at positions reached by play: nothing panics, a
// refused action changes nothing, an accepted one keeps every invariant
// and folds from its events alone.
func FuzzApply(f *testing.F) {
	for seed := uint64(0); seed < 6; seed++ {
		m, _ := fuzzPosition(seed, uint8(seed*7))
		for _, a := range m.LegalActions(m.Turn()) {
			b, _ := json.Marshal(a)
			f.Add(seed, uint8(seed*7), uint8(m.Turn()), b)
		}
	}
	f.Add(uint64(1), uint8(0), uint8(0), []byte{0, 1, 2, 3})
	f.Add(uint64(2), uint8(9), uint8(1), []byte{1, 5, 0, 3, 2, 7, 7})
	f.Add(uint64(3), uint8(30), uint8(200), []byte(`{"type":"trail","card":"AS"}`))
	f.Fuzz(func(t *testing.T, seed uint64, steps, seat uint8, data []byte) {
		m, n := fuzzPosition(seed, steps)
		var a Action
		if err := json.Unmarshal(data, &a); err != nil {
			a = actionFromBytes(data, &m.s)
		}
		before := m.s.clone()
		events, err := m.Apply(int(int8(seat))%(n+2), a)
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) || re.Code == "" || re.Message == "" {
				t.Fatalf("%v: refused without a rule error: %v", a, err)
			}
			if !sameState(before, &m.s) {
				t.Fatalf("%v: a refused action changed the match", a)
			}
			return
		}
		if err := checkInvariants(m, deckSize); err != nil {
			t.Fatalf("%v: %v", a, err)
		}
		shadow := &Match{s: *before}
		if err := shadow.Evolve(events...); err != nil || !sameState(&shadow.s, &m.s) {
			t.Fatalf("%v: the events do not fold to the live match: %v", a, err)
		}
	})
}

// fuzzPosition plays steps greedy moves of the match with that seed over
// the option combinations.
func fuzzPosition(seed uint64, steps uint8) (*Match, int) {
	combos := optionCombos()
	m, _, err := New(Setup{Options: combos[seed%uint64(len(combos))], Seed: int64(seed)})
	if err != nil {
		panic(err)
	}
	for i := 0; i < int(steps) && !m.Finished(); i++ {
		if _, err := m.Apply(m.Turn(), Greedy(m.View(m.Turn()))); err != nil {
			panic(err)
		}
	}
	return m, m.s.n()
}

// actionFromBytes reads bytes as an action's type, card, sets of table
// cards, builds and value, so the fuzzer reaches the rule checks without
// having to write JSON.
func actionFromBytes(b []byte, s *state) Action {
	next := func() int {
		if len(b) == 0 {
			return 0
		}
		x := int(b[0])
		b = b[1:]
		return x
	}
	a := Action{Type: []ActionType{Capture, Build, Trail, ""}[next()%4]}
	pool := append(cloneCards(s.Hands[s.Turn]), s.Table...)
	if k := next(); k < len(pool) {
		a.Card = pool[k]
	} else {
		a.Card = Card(k % 60)
	}
	var set []Card
	for len(b) > 0 {
		switch x := next(); {
		case x < 100 && len(s.Table) > 0:
			set = append(set, s.Table[x%len(s.Table)])
		case x < 150:
			a.Sets, set = append(a.Sets, set), nil
		case x < 200 && len(s.Builds) > 0:
			a.Builds = append(a.Builds, s.Builds[x%len(s.Builds)].ID)
		default:
			a.Value = x % 12
		}
	}
	switch a.Type {
	case Capture:
		if set != nil {
			a.Sets = append(a.Sets, set)
		}
	case Build:
		for _, s := range a.Sets {
			a.Cards = append(a.Cards, s...)
		}
		a.Cards, a.Sets = append(a.Cards, set...), nil
	}
	return a
}

// FuzzActionJSON: decoding never panics, and what decodes encodes and
// decodes back to the same action.
func FuzzActionJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}`,
		`{"type":"build","card":"3H","cards":["2C"],"builds":["b1"],"value":5}`,
		`{"type":"trail","card":"AH"}`,
		`{"type":"capture","card":"9S","cards":[[]],"builds":[]}`,
		`{"type":"build","card":"3H","cards":null,"value":-4}`,
		`{"type":"trail","card":"ah"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Action
		if err := json.Unmarshal(data, &a); err != nil {
			return
		}
		if !a.Card.Valid() {
			t.Fatalf("%s decoded to a non-card %d", data, a.Card)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("%s decoded to %+v, which does not encode: %v", data, a, err)
		}
		var back Action
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, a) {
			t.Fatalf("%s -> %+v -> %s -> %+v (%v)", data, a, b, back, err)
		}
	})
}

// FuzzSnapshotJSON: Restore never panics; what it accepts is a sound
// match that snapshots to itself and can be played on.
func FuzzSnapshotJSON(f *testing.F) {
	for _, steps := range []uint8{0, 5, 33} {
		m, _ := fuzzPosition(uint64(steps), steps)
		f.Add([]byte(mustSnapshot(m)))
	}
	done, _ := fuzzPosition(4, 255)
	f.Add([]byte(mustSnapshot(done)))
	f.Add([]byte(`{"version":1,"state":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Restore(data)
		if err != nil {
			return
		}
		snap := mustSnapshot(m)
		back, err := Restore([]byte(snap))
		if err != nil || mustSnapshot(back) != snap {
			t.Fatalf("a restored match does not snapshot to itself: %v", err)
		}
		for i := 0; i < 12 && !m.Finished(); i++ {
			cards := len(cardsInPlay(&m.s))
			legal := m.LegalActions(m.Turn())
			if len(legal) == 0 {
				t.Fatalf("seat %d has no legal action", m.Turn())
			}
			events, err := m.Apply(m.Turn(), legal[len(legal)/2])
			if err != nil {
				t.Fatalf("legal action refused: %v", err)
			}
			if findEvent(events, EventHandStarted) == nil && len(cardsInPlay(&m.s)) != cards {
				t.Fatal("cards appeared or vanished")
			}
			if err := checkInvariants(m, len(cardsInPlay(&m.s))); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzEvolve folds arbitrary events, as a damaged log would hold: nothing
// panics, and an event that does not fit changes nothing.
func FuzzEvolve(f *testing.F) {
	_, log := midGame(f, 2, 5, 40)
	for _, e := range log {
		b, _ := json.Marshal(e)
		f.Add(uint64(5), uint8(0), b)
	}
	f.Add(uint64(1), uint8(3), []byte(`{"type":"swept","seat":-1}`))
	f.Add(uint64(2), uint8(9), []byte(`{"type":"lastCards","seat":0,"cards":["AS"]}`))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8, data []byte) {
		var e Event
		if err := json.Unmarshal(data, &e); err != nil {
			return
		}
		m, _ := fuzzPosition(seed, steps)
		before := m.s.clone()
		if err := m.Evolve(e); err != nil {
			if !sameState(before, &m.s) {
				t.Fatalf("%s: a refused event changed the match", data)
			}
			return
		}
		// A single event may leave the match between two events of one
		// play (say, hands empty before a deal): check what holds always.
		want := len(cardsInPlay(before))
		if e.Type == EventHandStarted {
			want = deckSize
		}
		if got := len(cardsInPlay(&m.s)); got != want {
			t.Fatalf("%s: %d cards in play, want %d", data, got, want)
		}
		if err := m.s.validateCards(); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if err := checkBuildsShape(&m.s); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
	})
}
