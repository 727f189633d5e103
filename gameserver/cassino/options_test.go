package cassino

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDefaultOptions(t *testing.T) {
	o := DefaultOptions(4)
	want := Options{Players: 4, Partnerships: true, Sweeps: true, TargetScore: 21, IncreaseOwnBuild: true, TrailWhenCaptureAvailable: true}
	if o != want {
		t.Fatalf("DefaultOptions(4) = %+v", o)
	}
	if !o.partnered() || DefaultOptions(2).partnered() || DefaultOptions(3).partnered() {
		t.Fatal("partnerships apply at 4 players only")
	}
}

// A view reports the options in force: a match set up with the
// partnerships flag below 4 players (as rooms were before the flag was
// refused there) is played, and shown, without partnerships.
func TestViewReportsTheOptionsInForce(t *testing.T) {
	for _, players := range []int{2, 3} {
		o := DefaultOptions(players)
		if o.Partnerships {
			t.Fatalf("DefaultOptions(%d) has partnerships", players)
		}
		o.Partnerships = true // a stored setup of an older room
		m, _, err := New(Setup{Options: o, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if v := m.View(0); v.Options.Partnerships {
			t.Fatalf("%d players: the view reports partnerships", players)
		}
		snap, err := m.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(snap)
		if err != nil || r.View(0).Options.Partnerships {
			t.Fatalf("%d players, restored: partnerships %v, err %v", players, r.View(0).Options.Partnerships, err)
		}
	}
	if v := mustNew(t, DefaultOptions(4)).View(0); !v.Options.Partnerships {
		t.Fatal("4 players: partnerships are the default")
	}
}

func mustNew(t *testing.T, o Options) *Match {
	t.Helper()
	m, _, err := New(Setup{Options: o, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"defaults", func(*Options) {}, ""},
		{"one player", func(o *Options) { o.Players = 1 }, "players must be 2, 3 or 4"},
		{"five players", func(o *Options) { o.Players = 5 }, "players"},
		{"zero target", func(o *Options) { o.TargetScore = 0 }, "targetScore"},
		{"huge target", func(o *Options) { o.TargetScore = 100000 }, "targetScore"},
		{"partnerships at 2 players", func(o *Options) { o.Partnerships = true }, "partnerships need 4 players"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions(2)
			tc.mod(&o)
			err := o.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestOptionsJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Options
		err  string
	}{
		{`{"players":3}`, DefaultOptions(3), ""},
		{`{}`, DefaultOptions(2), ""},
		{`{"players":4,"partnerships":false,"sweeps":false,"targetScore":11,"courtCapturesAll":true,"increaseOwnBuild":false,"trailWhenCaptureAvailable":false}`,
			Options{Players: 4, TargetScore: 11, CourtCapturesAll: true}, ""},
		{`{"players":2,"sweep":true}`, Options{}, "unknown field"},
		{`{"players":"two"}`, Options{}, "players"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var o Options
			err := json.Unmarshal([]byte(tc.in), &o)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || o != tc.want {
				t.Fatalf("got %+v, %v; want %+v", o, err, tc.want)
			}
			b, _ := json.Marshal(o)
			var back Options
			if err := json.Unmarshal(b, &back); err != nil || back != o {
				t.Fatalf("round trip %s gave %+v, %v", b, back, err)
			}
		})
	}
}

// In partnerships, handScored shows each seat its side's points and
// scores (partners show the same numbers) while the tally stays what each
// seat captured, as docs/PROTOCOL.md says.
func TestPartnersShowTheirSidesPointsAndTheirOwnTally(t *testing.T) {
	m := mustNew(t, DefaultOptions(4))
	for !m.Finished() {
		s := m.Turn()
		events, err := m.Apply(s, Greedy(m.View(s)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Type != EventHandScored {
				continue
			}
			for seat := range 2 {
				if e.Points[seat] != e.Points[seat+2] || e.Scores[seat] != e.Scores[seat+2] {
					t.Fatalf("hand %d: partners %d and %d show points %v scores %v", e.Hand, seat, seat+2, e.Points, e.Scores)
				}
			}
			if e.Tally[0] == e.Tally[2] && e.Tally[1] == e.Tally[3] {
				t.Fatalf("hand %d: partners' tallies are identical %+v; want each seat's own", e.Hand, e.Tally)
			}
			return
		}
	}
	t.Fatal("no hand was scored")
}

// With sweeps: false no sweep is tallied (docs/PROTOCOL.md), so a position
// that carries some is refused rather than shown and tallied.
func TestAPositionWithSweepsIsRefusedWhereSweepsAreNotCounted(t *testing.T) {
	p := Position{
		Hands:  [][]Card{{NewCard(5, Hearts)}, {NewCard(6, Hearts)}},
		Table:  []Card{NewCard(9, Clubs)},
		Sweeps: []int{2, 0},
	}
	o := DefaultOptions(2)
	o.Sweeps = false
	if _, err := FromPosition(Setup{Options: o}, p); err == nil || !strings.Contains(err.Error(), "sweeps are not counted") {
		t.Fatalf("sweeps: false, a position with 2 sweeps: err %v", err)
	}
	o.Sweeps = true
	m, err := FromPosition(Setup{Options: o}, p)
	if err != nil {
		t.Fatal(err)
	}
	if v := m.View(0); v.Sweeps[0] != 2 {
		t.Fatalf("sweeps: true: view sweeps %v", v.Sweeps)
	}
}
