package cassino

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// scenario is one file of testdata/scenarios; testdata/README.md documents
// the format.
type scenario struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Options     Options  `json:"options"`
	Seed        int64    `json:"seed,omitempty"`
	Position    Position `json:"position"`
	LegalCount  *int     `json:"legalCount,omitempty"`
	Steps       []step   `json:"steps"`
}

type step struct {
	Seat   int    `json:"seat"`
	Action Action `json:"action"`
	Expect expect `json:"expect"`
}

type expect struct {
	OK            bool          `json:"ok,omitempty"`
	Error         string        `json:"error,omitempty"`
	Message       string        `json:"message,omitempty"`
	Table         *[]Card       `json:"table,omitempty"`
	Builds        *[]string     `json:"builds,omitempty"`
	Build         *expectBuild  `json:"build,omitempty"`
	CapturedCount []int         `json:"capturedCount,omitempty"`
	Sweeps        []int         `json:"sweeps,omitempty"`
	Turn          *int          `json:"turn,omitempty"`
	HandOver      *bool         `json:"handOver,omitempty"`
	Points        []int         `json:"points,omitempty"`
	Scores        []int         `json:"scores,omitempty"`
	LegalCount    *int          `json:"legalCount,omitempty"`
	Events        []string      `json:"events,omitempty"`
	Finished      *bool         `json:"finished,omitempty"`
	Winners       []int         `json:"winners,omitempty"`
	LastCards     *expectGiven  `json:"lastCards,omitempty"`
	Legal         []legalExpect `json:"legal,omitempty"`
	HandCounts    []int         `json:"handCounts,omitempty"`
	DeckCount     *int          `json:"deckCount,omitempty"`
}

type expectBuild struct {
	ID       string `json:"id"`
	Value    int    `json:"value"`
	Owner    int    `json:"owner"`
	Multiple bool   `json:"multiple"`
	Cards    int    `json:"cards"`
}

type expectGiven struct {
	Seat  int `json:"seat"`
	Cards int `json:"cards"`
}

// legalExpect says whether an action is among the legal actions of the
// seat to move after the step.
type legalExpect struct {
	Action Action `json:"action"`
	Legal  bool   `json:"legal"`
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			sc, err := loadScenario(f)
			if err != nil {
				t.Fatal(err)
			}
			runScenario(t, sc)
		})
	}
}

func loadScenario(path string) (*scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sc scenario
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sc.Name == "" || len(sc.Steps) == 0 {
		return nil, fmt.Errorf("%s: a scenario needs a name and steps", path)
	}
	for i, st := range sc.Steps {
		if st.Expect.OK == (st.Expect.Error != "") {
			return nil, fmt.Errorf("%s: step %d must expect either ok or an error", path, i+1)
		}
	}
	return &sc, nil
}

func runScenario(t *testing.T, sc *scenario) {
	setup := Setup{Options: sc.Options, Seed: sc.Seed}
	m, err := FromPosition(setup, sc.Position)
	if err != nil {
		t.Fatal(err)
	}
	cards := len(cardsInPlay(&m.s))
	if sc.LegalCount != nil {
		if got := len(m.LegalActions(m.Turn())); got != *sc.LegalCount {
			t.Errorf("start: %d legal actions, want %d: %v", got, *sc.LegalCount, m.LegalActions(m.Turn()))
		}
	}
	var log []Event
	for i, st := range sc.Steps {
		name := fmt.Sprintf("step %d (%s)", i+1, st.Action)
		before := mustSnapshot(m)
		ids := buildIDSet(m)
		events, err := m.Decide(st.Seat, st.Action)
		if st.Expect.Error != "" {
			checkRefusal(t, name, st.Expect, err)
			if after := mustSnapshot(m); after != before {
				t.Fatalf("%s: a refused action changed the match", name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: refused: %v", name, err)
		}
		if err := m.Evolve(events...); err != nil {
			t.Fatalf("%s: Evolve: %v", name, err)
		}
		log = append(log, events...)
		if !eventsHave(log, EventHandStarted) {
			if err := checkInvariants(m, cards); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		checkFold(t, name, setup, sc.Position, log, m)
		checkExpect(t, name, st.Expect, m, events, ids)
	}
}

func checkRefusal(t *testing.T, name string, want expect, err error) {
	t.Helper()
	var re *RuleError
	if !errors.As(err, &re) {
		t.Fatalf("%s: want error %s, got %v", name, want.Error, err)
	}
	if re.Code != want.Error {
		t.Fatalf("%s: want error %s, got %s (%s)", name, want.Error, re.Code, re.Message)
	}
	if re.Message == "" || !strings.Contains(re.Message, want.Message) {
		t.Fatalf("%s: message %q does not say %q", name, re.Message, want.Message)
	}
}

// checkFold rebuilds the match from its position and the events so far
// and requires the very same state, through a JSON round trip of the log.
func checkFold(t *testing.T, name string, setup Setup, p Position, log []Event, m *Match) {
	t.Helper()
	b, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	var back []Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	re, err := FromPosition(setup, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := re.Evolve(back...); err != nil {
		t.Fatalf("%s: folding the log again: %v", name, err)
	}
	if mustSnapshot(re) != mustSnapshot(m) {
		t.Fatalf("%s: the folded log differs from the live match", name)
	}
}

func buildIDSet(m *Match) map[string]bool {
	ids := map[string]bool{}
	for _, b := range m.s.Builds {
		ids[b.ID] = true
	}
	return ids
}

func eventsHave(evs []Event, typ string) bool {
	return findEvent(evs, typ) != nil
}

func findEvent(evs []Event, typ string) *Event {
	for i := range evs {
		if evs[i].Type == typ {
			return &evs[i]
		}
	}
	return nil
}

func checkExpect(t *testing.T, name string, x expect, m *Match, events []Event, before map[string]bool) {
	t.Helper()
	s := &m.s
	newID := ""
	for _, b := range s.Builds {
		if !before[b.ID] {
			newID = b.ID
		}
	}
	scored := findEvent(events, EventHandScored)
	if x.Table != nil && !sameCards(s.Table, *x.Table) {
		t.Errorf("%s: table %v, want %v", name, s.Table, *x.Table)
	}
	if x.Builds != nil {
		var got, want []string
		for _, b := range s.Builds {
			got = append(got, b.ID)
		}
		for _, id := range *x.Builds {
			if id == "new" {
				id = newID
			}
			want = append(want, id)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: builds %v, want %v (new build: %q)", name, got, *x.Builds, newID)
		}
	}
	if x.Build != nil {
		checkBuildDetails(t, name, *x.Build, s, newID)
	}
	piles, sweeps := pileCounts(s), s.Sweeps
	if scored != nil { // the hand is over: report the piles as scored
		piles, sweeps = nil, nil
		for _, tl := range scored.Tally {
			piles, sweeps = append(piles, tl.Cards), append(sweeps, tl.Sweeps)
		}
	}
	expectInts(t, name, "capturedCount", x.CapturedCount, piles)
	expectInts(t, name, "sweeps", x.Sweeps, sweeps)
	expectInts(t, name, "scores", x.Scores, s.Scores)
	expectInts(t, name, "winners", x.Winners, s.Winners)
	if x.Points != nil {
		if scored == nil {
			t.Errorf("%s: no hand was scored", name)
		} else {
			expectInts(t, name, "points", x.Points, scored.Points)
		}
	}
	hands := make([]int, len(s.Hands))
	for i, h := range s.Hands {
		hands[i] = len(h)
	}
	expectInts(t, name, "handCounts", x.HandCounts, hands)
	if x.DeckCount != nil && len(s.Deck) != *x.DeckCount {
		t.Errorf("%s: %d cards in the deck, want %d", name, len(s.Deck), *x.DeckCount)
	}
	if x.Turn != nil && s.Turn != *x.Turn {
		t.Errorf("%s: turn %d, want %d", name, s.Turn, *x.Turn)
	}
	if x.HandOver != nil && (scored != nil) != *x.HandOver {
		t.Errorf("%s: hand over %v, want %v", name, scored != nil, *x.HandOver)
	}
	if x.Finished != nil && s.Finished != *x.Finished {
		t.Errorf("%s: finished %v, want %v", name, s.Finished, *x.Finished)
	}
	if x.Events != nil {
		var got []string
		for _, e := range events {
			got = append(got, e.Type)
		}
		if !slices.Equal(got, x.Events) {
			t.Errorf("%s: events %v, want %v", name, got, x.Events)
		}
	}
	if x.LastCards != nil {
		e := findEvent(events, EventLastCards)
		if e == nil || e.Seat != x.LastCards.Seat || len(e.Cards) != x.LastCards.Cards {
			t.Errorf("%s: lastCards %+v, want %+v", name, e, *x.LastCards)
		}
	}
	checkLegal(t, name, x, m)
}

func checkBuildDetails(t *testing.T, name string, x expectBuild, s *state, newID string) {
	t.Helper()
	id := x.ID
	if id == "new" {
		id = newID
	}
	_, b := s.build(id)
	if b == nil {
		t.Errorf("%s: no build %q", name, x.ID)
		return
	}
	got := expectBuild{ID: x.ID, Value: b.Value, Owner: b.Owner, Multiple: b.Multiple(), Cards: len(b.Cards())}
	if got != x {
		t.Errorf("%s: build %+v, want %+v", name, got, x)
	}
}

func checkLegal(t *testing.T, name string, x expect, m *Match) {
	t.Helper()
	legal := m.LegalActions(m.Turn())
	if x.LegalCount != nil && len(legal) != *x.LegalCount {
		t.Errorf("%s: %d legal actions, want %d: %v", name, len(legal), *x.LegalCount, legal)
	}
	for _, le := range x.Legal {
		found := slices.ContainsFunc(legal, func(a Action) bool { return actionKey(a) == actionKey(le.Action) })
		if found != le.Legal {
			t.Errorf("%s: %v legal %v, want %v", name, le.Action, found, le.Legal)
		}
	}
}

func pileCounts(s *state) []int {
	out := make([]int, len(s.Piles))
	for i, p := range s.Piles {
		out[i] = len(p)
	}
	return out
}

func expectInts(t *testing.T, name, what string, want, got []int) {
	t.Helper()
	if want != nil && !slices.Equal(want, got) {
		t.Errorf("%s: %s %v, want %v", name, what, got, want)
	}
}
