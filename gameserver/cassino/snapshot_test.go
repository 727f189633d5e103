package cassino

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func midGame(t testing.TB, players int, seed int64, steps int) (*Match, []Event) {
	t.Helper()
	m, log, err := New(Setup{Options: DefaultOptions(players), Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < steps && !m.Finished(); i++ {
		evs, err := m.Apply(m.Turn(), Greedy(m.View(m.Turn())))
		if err != nil {
			t.Fatal(err)
		}
		log = append(log, evs...)
	}
	return m, log
}

func TestSnapshotRestore(t *testing.T) {
	m, _ := midGame(t, 3, 11, 30)
	b, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Restore(b)
	if err != nil {
		t.Fatal(err)
	}
	if mustSnapshot(back) != string(b) || !sameState(&back.s, &m.s) {
		t.Fatal("the restored match differs")
	}
	// Both go on identically.
	a := Greedy(m.View(m.Turn()))
	e1, err1 := m.Apply(m.Turn(), a)
	e2, err2 := back.Apply(back.Turn(), a)
	if err1 != nil || err2 != nil || len(e1) != len(e2) || mustSnapshot(m) != mustSnapshot(back) {
		t.Fatal("the restored match plays differently")
	}
}

func TestRestoreRejectsDamage(t *testing.T) {
	m, _ := midGame(t, 2, 4, 10)
	good := mustSnapshot(m)
	var doc map[string]any
	for _, tc := range []struct {
		name string
		edit func(st map[string]any)
		want string
	}{
		{"card twice", func(st map[string]any) { st["table"] = append(st["table"].([]any), st["deck"].([]any)[0]) }, "two places"},
		{"bad card", func(st map[string]any) { st["table"] = append(st["table"].([]any), "ZZ") }, "not a card"},
		{"turn off the table", func(st map[string]any) { st["turn"] = 5 }, "seats"},
		{"build does not add up", func(st map[string]any) {
			st["builds"] = []any{map[string]any{"id": "b1", "value": 9, "owner": 0, "sets": []any{[]any{"AS", "2S"}}}}
			st["deck"] = slices.DeleteFunc(st["deck"].([]any), func(c any) bool { return c == "AS" || c == "2S" })
		}, "build b1"},
		{"unknown field", func(st map[string]any) { st["cheat"] = true }, "unknown field"},
		{"scores missing", func(st map[string]any) { st["scores"] = []any{} }, "one entry per seat"},
		{"bad options", func(st map[string]any) { st["options"] = map[string]any{"players": 9} }, "players"},
		{"winners while playing", func(st map[string]any) { st["winners"] = []any{0} }, "no winners"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(good), &doc); err != nil {
				t.Fatal(err)
			}
			tc.edit(doc["state"].(map[string]any))
			b, _ := json.Marshal(doc)
			_, err := Restore(b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Restore error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Restore([]byte(`{"version":2,"state":{}}`)); err == nil {
		t.Fatal("a future snapshot version was accepted")
	}
}

func TestReplay(t *testing.T) {
	m, log := midGame(t, 4, 8, 60)
	setup := Setup{Options: DefaultOptions(4), Seed: 8}
	withOpening, err := Replay(setup, log)
	if err != nil {
		t.Fatal(err)
	}
	withoutOpening, err := Replay(setup, log[2:])
	if err != nil {
		t.Fatal(err)
	}
	if !sameState(&withOpening.s, &m.s) || !sameState(&withoutOpening.s, &m.s) {
		t.Fatal("replay differs from the live match")
	}
	if _, err := Replay(Setup{Options: DefaultOptions(4), Seed: 9}, log[2:]); err == nil {
		t.Fatal("events replayed onto another seed's deal")
	}
}

// A bad event in a batch folds nothing: Evolve is all or nothing.
func TestEvolveIsAtomic(t *testing.T) {
	m, _ := midGame(t, 2, 4, 3)
	before := mustSnapshot(m)
	a := Greedy(m.View(m.Turn()))
	evs, err := m.Decide(m.Turn(), a)
	if err != nil {
		t.Fatal(err)
	}
	if mustSnapshot(m) != before {
		t.Fatal("Decide changed the match")
	}
	bad := append(evs, Event{Type: EventTrailed, Seat: m.Turn(), Card: MustParseCards("AS")[0]}, Event{Type: "bogus"})
	if err := m.Evolve(bad...); err == nil {
		t.Fatal("a bogus event folded")
	}
	if mustSnapshot(m) != before {
		t.Fatal("a failed Evolve changed the match")
	}
	if err := m.Evolve(evs...); err != nil {
		t.Fatal(err)
	}
	if err := m.Evolve(evs...); err == nil {
		t.Fatal("the same play folded twice")
	}
}
