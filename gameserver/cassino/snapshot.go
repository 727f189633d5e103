package cassino

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const snapshotVersion = 1

type snapshotJSON struct {
	Version int   `json:"version"`
	State   state `json:"state"`
}

// Snapshot serializes the whole match (hands and deck included: it is for
// the server's storage, never for players).
func (m *Match) Snapshot() ([]byte, error) {
	return json.Marshal(snapshotJSON{Version: snapshotVersion, State: *m.s.canonical()})
}

// Restore rebuilds a match from a Snapshot. It checks every invariant, so
// a damaged snapshot is an error rather than a corrupt match.
func Restore(b []byte) (*Match, error) {
	var snap snapshotJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if snap.Version != snapshotVersion {
		return nil, fmt.Errorf("snapshot: version %d is not %d", snap.Version, snapshotVersion)
	}
	snap.State.Options = snap.State.Options.InForce()
	if err := snap.State.validate(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return &Match{s: *snap.State.canonical()}, nil
}

// canonical is a copy whose empty lists are all non-nil, so that equal
// states always serialize to equal bytes.
func (s *state) canonical() *state {
	c := s.clone()
	c.Deck = nonNilCards(c.Deck)
	c.Table = nonNilCards(c.Table)
	for i := range c.Hands {
		c.Hands[i] = nonNilCards(c.Hands[i])
	}
	for i := range c.Piles {
		c.Piles[i] = nonNilCards(c.Piles[i])
	}
	if c.Winners == nil {
		c.Winners = []int{}
	}
	return c
}

const maxCounter = 1 << 30

// validate checks the invariants of a state at rest.
func (s *state) validate() error {
	if err := s.Options.Validate(); err != nil {
		return err
	}
	n := s.n()
	if len(s.Hands) != n || len(s.Piles) != n || len(s.Sweeps) != n || len(s.Scores) != n {
		return fmt.Errorf("hands, piles, sweeps and scores must have one entry per seat (%d)", n)
	}
	if err := s.validateCounters(); err != nil {
		return err
	}
	if err := s.validateBuilds(); err != nil {
		return err
	}
	if err := s.validateCards(); err != nil {
		return err
	}
	return s.validateProgress()
}

func (s *state) validateCounters() error {
	n := s.n()
	switch {
	case s.Dealer < 0 || s.Dealer >= n, s.Turn < 0 || s.Turn >= n:
		return errors.New("dealer and turn must be seats")
	case s.LastCapturer < -1 || s.LastCapturer >= n:
		return errors.New("lastCapturer must be a seat or -1")
	case s.Hand < 1 || s.Hand > maxCounter, s.Deal < 0 || s.Deal > maxCounter, s.NextBuild < 1 || s.NextBuild > maxCounter:
		return errors.New("hand, deal and build counters are out of range")
	}
	for seat := 0; seat < n; seat++ {
		if s.Sweeps[seat] < 0 || s.Sweeps[seat] > deckSize || s.Scores[seat] < 0 || s.Scores[seat] > maxCounter {
			return errors.New("sweeps and scores must be small non-negative numbers")
		}
		if s.Scores[seat] != s.Scores[s.Options.side(seat)] {
			return errors.New("partners must show the same score")
		}
	}
	return nil
}

// validateCards: every card is a real card and appears once at most.
func (s *state) validateCards() error {
	var seen [deckSize]bool
	check := func(cs []Card) error {
		for _, c := range cs {
			if !c.Valid() {
				return fmt.Errorf("card %d is not a card", uint8(c))
			}
			if seen[c.index()] {
				return fmt.Errorf("the %s is in two places", c)
			}
			seen[c.index()] = true
		}
		return nil
	}
	groups := [][]Card{s.Deck, s.Table}
	groups = append(groups, s.Hands...)
	groups = append(groups, s.Piles...)
	for _, b := range s.Builds {
		groups = append(groups, b.Sets...)
	}
	for _, g := range groups {
		if err := check(g); err != nil {
			return err
		}
	}
	return nil
}

func (s *state) validateBuilds() error {
	ids := map[string]bool{}
	for _, b := range s.Builds {
		if err := checkBuildShape(b); err != nil {
			return err
		}
		if ids[b.ID] {
			return fmt.Errorf("build id %s is used twice", b.ID)
		}
		ids[b.ID] = true
		if b.Owner < 0 || b.Owner >= s.n() {
			return fmt.Errorf("build %s: owner %d is not a seat", b.ID, b.Owner)
		}
		if k, err := strconv.Atoi(strings.TrimPrefix(b.ID, "b")); err == nil && strings.HasPrefix(b.ID, "b") && k >= s.NextBuild {
			return fmt.Errorf("build id %s is ahead of the build counter %d", b.ID, s.NextBuild)
		}
	}
	return nil
}

// validateProgress: a match at rest is either finished or waiting for the
// seat to move, which holds a card.
func (s *state) validateProgress() error {
	if s.HandOver != s.Finished {
		return errors.New("a scored hand must be followed by the next one or end the match")
	}
	if !s.Finished {
		if len(s.Hands[s.Turn]) == 0 {
			return fmt.Errorf("seat %d is to play but holds no card", s.Turn)
		}
		if len(s.Winners) > 0 {
			return errors.New("a match in play has no winners")
		}
		return nil
	}
	w := s.winners()
	if w == nil || len(w) != len(s.Winners) {
		return errors.New("the winners do not match the scores")
	}
	for i := range w {
		if w[i] != s.Winners[i] {
			return errors.New("the winners do not match the scores")
		}
	}
	if !s.allHandsEmpty() || len(s.Deck) > 0 || !s.tableEmpty() {
		return errors.New("a finished match has no cards in play")
	}
	return nil
}
