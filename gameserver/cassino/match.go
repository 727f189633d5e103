package cassino

import (
	"fmt"
	"reflect"
)

// Match is one game of Cassino. It is not safe for concurrent use.
//
// A Match is used through its pointer: a copy of the struct would share the
// memory the match reuses from play to play (Snapshot and Restore make an
// independent match).
type Match struct {
	s     state
	spare *nextState // nil until the first play is decided
	// stamp names the state while it stays unchanged once a Scratch has
	// listed its plays (0: not listed since it changed; see listed.go).
	stamp uint64
}

// New shuffles the first hand from the seed and deals it; opening holds the
// events of that first deal. It refuses what Validate refuses, with one
// exception: it plays the options as InForce reads them, so the
// partnerships flag below 4 players is dropped, not refused, because
// rooms stored before Validate refused it are dealt again from their
// setup. Check new options with Validate first.
func New(setup Setup) (m *Match, opening []Event, err error) {
	setup.Options = setup.Options.InForce()
	if err := setup.Options.Validate(); err != nil {
		return nil, nil, err
	}
	n := setup.Options.Players
	s := &state{
		Options:      setup.Options,
		Seed:         setup.Seed,
		Dealer:       n - 1, // so that seat 0 plays first
		Hands:        make([][]Card, n),
		Piles:        make([][]Card, n),
		Sweeps:       make([]int, n),
		Scores:       make([]int, n),
		LastCapturer: -1,
		NextBuild:    1,
	}
	r := &recorder{s: s}
	r.emit(s.startHandEvent())
	r.emit(s.dealEvent(nil))
	if r.err != nil {
		return nil, nil, r.err
	}
	return &Match{s: *s}, r.events, nil
}

// Replay rebuilds a match from its setup and the events that followed
// New's opening. The opening events may be included at the head of events;
// they are recognized and not folded twice.
func Replay(setup Setup, events []Event) (*Match, error) {
	m, opening, err := New(setup)
	if err != nil {
		return nil, err
	}
	if len(events) >= len(opening) && reflect.DeepEqual(events[:len(opening)], opening) {
		events = events[len(opening):]
	}
	if err := m.Evolve(events...); err != nil {
		return nil, err
	}
	return m, nil
}

// Decide validates seat's action and returns the events it causes, without
// changing the match. A refusal is a *RuleError.
func (m *Match) Decide(seat int, a Action) ([]Event, error) {
	return m.s.decide(seat, a, m.next(), nil)
}

// Evolve folds events produced by Decide (now or before a restart). Either
// all of them are folded or, on error, none.
func (m *Match) Evolve(events ...Event) error {
	next := m.next()
	for i := range events {
		if err := next.s.evolveIn(&events[i], &next.rest); err != nil {
			return fmt.Errorf("event %d (%s): %w", i, events[i].Type, err)
		}
	}
	m.commit(next)
	return nil
}

// Apply is Decide then Evolve.
func (m *Match) Apply(seat int, a Action) ([]Event, error) {
	return m.apply(seat, a, nil, false)
}

// apply is Apply with the events in em (nil: new memory). Unlike
// Decide, it folds a play that passed its checks into the match's own
// state when it can (foldsInPlace), and into a copy otherwise. A listed
// play (one of the legal list the caller's Scratch found for this
// state) skips the checks.
func (m *Match) apply(seat int, a Action, em *eventScratch, listed bool) ([]Event, error) {
	s := &m.s
	if !listed {
		if rerr := s.checkTurn(seat, a); rerr != nil {
			return nil, rerr
		}
	}
	ns := m.spareState()
	p := &ns.p
	var events []Event
	if em != nil {
		events = em.take(p)
	} else {
		events = newEventMem(s, seat, a, p)
	}
	// The play's event is made in its place in the list rather than
	// copied there: an Event is large (328 bytes).
	if listed {
		events = append(events, Event{})
		if listed = s.listedPlay(&events[0], seat, a, p); !listed {
			events = events[:0]
		}
	}
	if !listed {
		e, rerr := s.checkPlay(seat, a, p)
		if rerr != nil {
			return nil, rerr
		}
		events = append(events, e)
	}
	play := &events[0]
	into, rest := s, &ns.live
	inPlace := s.foldsInPlace(seat, play, rest)
	if !inPlace {
		next := m.next()
		into, rest = &next.s, &next.rest
	}
	r := &recorder{s: into, events: events, p: p, rest: rest}
	r.fold(play, seat, listed)
	m.stamp = 0
	if r.err != nil {
		return nil, r.err
	}
	if inPlace {
		ns.p = packer{split: &ns.split}
	} else {
		m.commit(ns)
	}
	return r.events, nil
}

// Turn is the seat to play.
func (m *Match) Turn() int { return m.s.Turn }

// Finished reports that the match has a winner.
func (m *Match) Finished() bool { return m.s.Finished }

// Options are the match's rules.
func (m *Match) Options() Options { return m.s.Options }
