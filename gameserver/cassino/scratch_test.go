package cassino

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// A caller that lends the engine a Scratch sees exactly what View and
// Apply hand out: every seat's view before every play, the events or the
// refusal of random and mutated actions (those accepted are played on
// both matches), and the events of every play, over whole matches of
// every option combination, with random and greedy players.
func TestScratchSeesWhatViewAndApplyHandOut(t *testing.T) {
	for i, o := range optionCombos() {
		setup := Setup{Options: o, Seed: int64(i)}
		plain, _, err := New(setup)
		if err != nil {
			t.Fatal(err)
		}
		lent, _, err := New(setup)
		if err != nil {
			t.Fatal(err)
		}
		var sc Scratch
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		for plays := 0; !plain.Finished(); plays++ {
			if plays > 2000 {
				t.Fatalf("options %d: the match does not end", i)
			}
			for seat := -1; seat < o.Players; seat++ {
				want := plain.View(seat)
				if got := lent.ViewInto(seat, &sc); !reflect.DeepEqual(*got, want) {
					t.Fatalf("options %d, play %d, seat %d: ViewInto gave\n%+v\nView gave\n%+v", i, plays, seat, *got, want)
				}
			}
			seat := plain.Turn()
			v := lent.ViewInto(seat, &sc)
			a := RandomLegal(*v, rng)
			if i%2 == 1 {
				a = Greedy(*v)
			}
			accepted := false
			for k := 0; k < 3 && !accepted; k++ {
				odd := randomAction(rng, &plain.s, seat, v.Legal)
				wantEvents, wantErr := plain.Apply(seat, odd)
				gotEvents, gotErr := lent.ApplyInto(seat, odd, &sc)
				var want, got *RuleError
				if (wantErr == nil) != (gotErr == nil) || wantErr != nil && (!errors.As(wantErr, &want) || !errors.As(gotErr, &got) || *got != *want) {
					t.Fatalf("options %d, play %d: %+v: ApplyInto refused %v, Apply %v", i, plays, odd, gotErr, wantErr)
				}
				if !reflect.DeepEqual(gotEvents, wantEvents) {
					t.Fatalf("options %d, play %d: %+v: ApplyInto gave\n%+v\nApply gave\n%+v", i, plays, odd, gotEvents, wantEvents)
				}
				accepted = wantErr == nil
			}
			if accepted {
				continue // a random action was played on both matches
			}
			wantEvents, err := plain.Apply(seat, a)
			if err != nil {
				t.Fatal(err)
			}
			gotEvents, err := lent.ApplyInto(seat, a, &sc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotEvents, wantEvents) {
				t.Fatalf("options %d, play %d: ApplyInto gave\n%+v\nApply gave\n%+v", i, plays, gotEvents, wantEvents)
			}
		}
		if !lent.Finished() {
			t.Fatalf("options %d: the match played with a Scratch is not over", i)
		}
		want, err := plain.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		got, err := lent.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("options %d: final snapshots differ:\n%s\n%s", i, got, want)
		}
	}
}

// Once a Scratch has held a view of a table, views of that table through
// it allocate nothing, however long their legal list (3,128 plays here).
func TestViewIntoAllocatesNothingOnceGrown(t *testing.T) {
	m := crowded(t)
	var sc Scratch
	want := len(m.ViewInto(0, &sc).Legal)
	if allocs := testing.AllocsPerRun(50, func() {
		if got := len(m.ViewInto(0, &sc).Legal); got != want {
			t.Fatalf("%d legal plays, then %d", want, got)
		}
	}); allocs != 0 {
		t.Errorf("ViewInto allocated %.1f times per view", allocs)
	}
}

// ApplyInto skips the checks only of a play its Scratch listed for the
// match as it stands: a list the caller wrote into, another match's list
// and a list of an earlier state are checked like any action, with the
// events or the refusal Apply gives.
func TestApplyIntoTrustsOnlyItsOwnList(t *testing.T) {
	same := func(what string, twin, m *Match, a Action, sc *Scratch) {
		t.Helper()
		seat := twin.Turn()
		wantEvents, wantErr := twin.Apply(seat, a)
		gotEvents, gotErr := m.ApplyInto(seat, a, sc)
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
			t.Fatalf("%s: %v: ApplyInto refused %v, Apply %v", what, a, gotErr, wantErr)
		}
		if !reflect.DeepEqual(gotEvents, wantEvents) {
			t.Fatalf("%s: %v: ApplyInto gave\n%+v\nApply gave\n%+v", what, a, gotEvents, wantEvents)
		}
	}
	var sc Scratch

	m, twin := crowded(t), crowded(t)
	legal := m.ViewInto(0, &sc).Legal
	i := slices.IndexFunc(legal, func(a Action) bool { return a.Type == Capture && len(a.Sets) > 0 })
	legal[i].Sets[0][0] = MustParseCards("6S")[0] // in the other seat's hand
	same("a listed capture rewritten", twin, m, legal[i], &sc)
	i = slices.IndexFunc(legal, func(a Action) bool { return a.Type == Build && len(a.Cards) > 0 })
	legal[i].Cards[0] = MustParseCards("8D")[0]
	same("a listed build rewritten", twin, m, legal[i], &sc)

	other, twin := crowded(t), crowded(t)
	legal = m.ViewInto(0, &sc).Legal
	same("another match's play", twin, other, legal[len(legal)/2], &sc)

	m, _ = midGame(t, 2, 7, 9)
	twin, _ = midGame(t, 2, 7, 9)
	seat := m.Turn()
	legal = slices.Clone(m.ViewInto(seat, &sc).Legal)
	same("a play of the listed state", twin, m, Greedy(m.View(seat)), &sc)
	for m.Turn() != seat && !m.Finished() {
		same("a greedy play", twin, m, Greedy(m.View(m.Turn())), &sc)
	}
	for _, a := range legal {
		same("a play of an earlier state", twin, m, a, &sc)
	}
}

// The lists of a Scratch's view are sized by a bound found without a
// pass over the plays; it must hold what the plays take.
func TestLegalBoundHoldsTheList(t *testing.T) {
	var g generator
	check := func(m *Match) {
		t.Helper()
		m.s.findLegal(m.Turn(), &g)
		n, b := g.size(), g.bound()
		if n.actions > b.actions || n.cards > b.cards || n.sets > b.sets || n.ids > b.ids {
			t.Fatalf("the plays take %+v, beyond the bound %+v", n, b)
		}
	}
	check(crowded(t))
	check(fullTable(t))
	for i, o := range optionCombos() {
		m, _, err := New(Setup{Options: o, Seed: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 5))
		for !m.Finished() {
			check(m)
			if _, err := m.Apply(m.Turn(), RandomLegal(m.View(m.Turn()), rng)); err != nil {
				t.Fatal(err)
			}
		}
	}
}
