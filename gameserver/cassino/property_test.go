package cassino

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// propertyMatches is how many random matches the property test plays.
const propertyMatches = 10000

// optionCombos is every combination of the options: 2, 3 and 4 players
// (with and without partnerships), each boolean rule, two target scores.
func optionCombos() []Options {
	var out []Options
	for _, seats := range []struct {
		players int
		partner bool
	}{{2, true}, {3, true}, {4, true}, {4, false}} {
		for bitsSet := 0; bitsSet < 32; bitsSet++ {
			o := DefaultOptions(seats.players)
			o.Partnerships = seats.partner
			o.Sweeps = bitsSet&1 != 0
			o.CourtCapturesAll = bitsSet&2 != 0
			o.IncreaseOwnBuild = bitsSet&4 != 0
			o.TrailWhenCaptureAvailable = bitsSet&8 != 0
			o.TargetScore = 11
			if bitsSet&16 != 0 {
				o.TargetScore = 21
			}
			out = append(out, o)
		}
	}
	return out
}

// TestPropertyRandomMatches plays random legal matches over every option
// combination and checks the invariants after every step. The matches are
// spread over parallel subtests, one per CPU.
func TestPropertyRandomMatches(t *testing.T) {
	combos := optionCombos()
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		t.Run(fmt.Sprintf("worker%d", w), func(t *testing.T) {
			t.Parallel()
			for i := w; i < propertyMatches; i += workers {
				setup := Setup{Options: combos[i%len(combos)], Seed: int64(i)}
				if err := playChecked(setup); err != nil {
					t.Fatalf("match %d (%+v): %v", i, setup, err)
				}
			}
		})
	}
}

// playChecked plays one match, half the time with a greedy seat 0, and
// returns the first broken invariant.
func playChecked(setup Setup) error {
	m, log, err := New(setup)
	if err != nil {
		return err
	}
	views, err := checkedViews(m, deckSize)
	if err != nil {
		return fmt.Errorf("after the first deal: %w", err)
	}
	// shadow is folded from the events alone, never from the live match:
	// it equals Replay(setup, log) at every step.
	shadow, _, err := New(setup)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(setup.Seed), 99))
	greedy := setup.Seed%2 == 0
	for step := 0; !m.Finished(); step++ {
		if step > 2000 {
			return errors.New("the match does not end")
		}
		events, err := playStep(m, views[m.Turn()], rng, greedy)
		if err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		log = append(log, events...)
		if views, err = checkStep(m, shadow, setup, events); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
	}
	// Every match is replayed; one in ten goes through the JSON of its log,
	// which is how the game pod stores it (that keeps -race within budget).
	return checkReplay(m, setup, log, setup.Seed%10 == 0)
}

// playStep checks that another seat is refused, then plays one action and
// checks that it took exactly one card from the mover's hand.
func playStep(m *Match, v View, rng *rand.Rand, greedy bool) ([]Event, error) {
	seat := m.Turn()
	other := (seat + 1) % m.s.n()
	var re *RuleError
	if _, err := m.Decide(other, TrailAction(m.s.Hands[seat][0])); !errors.As(err, &re) || re.Code != CodeNotYourTurn {
		return nil, fmt.Errorf("seat %d acted out of turn: %v", other, err)
	}
	a := RandomLegal(v, rng)
	if greedy && seat == 0 {
		a = Greedy(v)
	}
	held := len(m.s.Hands[seat])
	events, err := m.Apply(seat, a)
	if err != nil {
		return nil, fmt.Errorf("legal action %v refused: %w", a, err)
	}
	if findEvent(events, EventDealt) == nil && len(m.s.Hands[seat]) != held-1 {
		return nil, fmt.Errorf("seat %d held %d cards and holds %d after one play", seat, held, len(m.s.Hands[seat]))
	}
	return events, nil
}

// checkStep checks the match after a step and folds the step's events into
// the shadow, which must then equal the live match. Each redacted event is
// checked against the state right after it, since a step may end a hand
// and deal the next one.
func checkStep(m, shadow *Match, setup Setup, events []Event) ([]View, error) {
	views, err := checkedViews(m, deckSize)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if err := shadow.s.evolve(e); err != nil {
			return nil, fmt.Errorf("folding %s: %w", e.Type, err)
		}
		for seat := 0; seat < m.s.n(); seat++ {
			if err := checkRedacted(&shadow.s, seat, cardsOfEvent(e.For(seat)), e.Type); err != nil {
				return nil, fmt.Errorf("event %s: %w", e.Type, err)
			}
		}
		if e.Type == EventHandScored {
			if err := checkHandPoints(setup.Options, e); err != nil {
				return nil, err
			}
		}
	}
	if !sameState(&shadow.s, &m.s) {
		return nil, errors.New("folding the events does not give the live match")
	}
	return views, nil
}

// checkReplay rebuilds the match from the setup and the log (viaJSON: the
// log's JSON) and requires the live state, and a snapshot to restore to it.
func checkReplay(m *Match, setup Setup, log []Event, viaJSON bool) error {
	events := log
	if viaJSON {
		b, err := json.Marshal(log)
		if err != nil {
			return err
		}
		events = nil
		if err := json.Unmarshal(b, &events); err != nil {
			return err
		}
	}
	re, err := Replay(setup, events)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	live := mustSnapshot(m)
	if mustSnapshot(re) != live {
		return errors.New("the replayed match differs from the live one")
	}
	back, err := Restore([]byte(live))
	if err != nil || mustSnapshot(back) != live {
		return fmt.Errorf("snapshot does not restore to the same match: %v", err)
	}
	return nil
}
