package room

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// The match start is logged as the first entry, so clients receive the
// opening deal like any other event and the log alone describes the match.
const (
	startActionID = "start"
	startSeat     = -1
)

var startAction = json.RawMessage(`{"type":"start"}`)

// recoverMatch rebuilds the match: the latest snapshot (or the setup) plus
// every logged entry after it. Redis is first checked against what
// outlives a loss of its keys (epoch.go); a loss leaves memory as it was.
func (r *Room) recoverMatch(ctx context.Context) error {
	stored, err := r.log.LoadStored(ctx)
	if err != nil {
		return err
	}
	if why := lossOf(r.guard.epoch, r.seq, r.cfg.MatchStarted, stored); why != "" {
		r.markLost(why)
		r.announceLost()
		return nil
	}
	r.match, r.seq, r.snapSeq = nil, 0, 0
	if stored.Setup == nil {
		return nil
	}
	if stored.Epoch == "" {
		// Stored before rooms had epochs: from now on it has one.
		epoch, err := newEpoch()
		if err != nil {
			return err
		}
		if _, stored.Epoch, err = r.log.Start(ctx, stored.Setup, epoch); err != nil {
			return err
		}
	}
	r.guard.epoch = stored.Epoch
	var setup cassino.Setup
	if err := json.Unmarshal(stored.Setup, &setup); err != nil {
		return fmt.Errorf("stored match setup: %w", err)
	}
	m, from, err := r.base(ctx, setup)
	if err != nil {
		return err
	}
	entries, err := r.log.After(ctx, from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Seq != from+1 {
			// Entries never come back (an eviction, a partial restore):
			// the match cannot be rebuilt, which is a loss like any other,
			// not a recovery to try again.
			r.markLost(fmt.Sprintf("the action log jumps from %d to %d: entries are missing", from, e.Seq))
			r.announceLost()
			return nil
		}
		events, err := decodeEvents(e.Events)
		if err != nil {
			return fmt.Errorf("log entry %d: %w", e.Seq, err)
		}
		if err := m.Evolve(events...); err != nil {
			return fmt.Errorf("replay log entry %d: %w", e.Seq, err)
		}
		from = e.Seq
	}
	r.match, r.seq = m, from
	r.changed()
	return nil
}

// base is the state recovery starts from: the latest snapshot, or the
// match as dealt from its setup (whose start entry is then appended if a
// crash came between storing the setup and logging the start).
func (r *Room) base(ctx context.Context, setup cassino.Setup) (*cassino.Match, int64, error) {
	snap, ok, err := r.log.LoadSnapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	if ok {
		m, err := cassino.Restore(snap.State)
		if err != nil {
			return nil, 0, fmt.Errorf("restore snapshot at %d: %w", snap.Seq, err)
		}
		r.snapSeq = snap.Seq
		return m, snap.Seq, nil
	}
	m, err := r.dealt(ctx, setup)
	if err != nil {
		return nil, 0, err
	}
	return m, 1, nil
}

// dealt is the match as dealt from its stored setup, the opening deal
// logged as entry 1.
func (r *Room) dealt(ctx context.Context, setup cassino.Setup) (*cassino.Match, error) {
	m, opening, err := cassino.New(setup)
	if err != nil {
		return nil, fmt.Errorf("deal from the stored setup: %w", err)
	}
	if _, err := r.appendStart(ctx, opening); err != nil {
		return nil, err
	}
	return m, nil
}

func (r *Room) appendStart(ctx context.Context, opening []cassino.Event) (actionlog.Ack, error) {
	events, err := json.Marshal(opening)
	if err != nil {
		return actionlog.Ack{}, err
	}
	ack, err := r.log.Append(ctx, 0, actionlog.Entry{ActionID: startActionID, Seat: startSeat, Action: startAction, Events: events})
	if errors.Is(err, actionlog.ErrConflict) {
		return actionlog.Ack{}, fmt.Errorf("the log has entries but no start entry: %w", err)
	}
	if err == nil && ack.Seq != 1 {
		return actionlog.Ack{}, fmt.Errorf("the match start is logged at %d, not 1", ack.Seq)
	}
	return ack, err
}

// start begins the match once every seat is taken: the setup (with a fresh
// seed) is stored once, and whoever stored it first decides the shuffle.
func (r *Room) start(ctx context.Context) error {
	seed, err := r.cfg.Seed()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(cassino.Setup{Options: r.cfg.Options, Seed: seed})
	if err != nil {
		return err
	}
	epoch, err := newEpoch()
	if err != nil {
		return err
	}
	storedSetup, storedEpoch, err := r.log.Start(ctx, raw, epoch)
	if err != nil {
		return err
	}
	if r.guard.epoch == "" && !r.cfg.MatchStarted && storedEpoch == epoch && bytes.Equal(storedSetup, raw) {
		// This room stored the setup just now, so nothing is logged after
		// it: deal from it without reading back what was just written.
		err = r.deal(ctx, raw, epoch)
	} else {
		err = r.recoverMatch(ctx)
	}
	if err != nil {
		return err
	}
	r.cfg.Log.Info("match started", "seq", r.seq)
	return nil
}

// deal starts the match from the setup this room has just stored, as
// recoverMatch would from Redis: the setup decoded as stored, the opening
// deal logged as entry 1.
func (r *Room) deal(ctx context.Context, raw []byte, epoch string) error {
	var setup cassino.Setup
	if err := json.Unmarshal(raw, &setup); err != nil {
		return fmt.Errorf("match setup: %w", err)
	}
	r.match, r.seq, r.snapSeq = nil, 0, 0
	r.guard.epoch = epoch
	m, err := r.dealt(ctx, setup)
	if err != nil {
		return err
	}
	r.match, r.seq = m, 1
	r.changed()
	return nil
}

func decodeEvents(raw json.RawMessage) ([]cassino.Event, error) {
	var events []cassino.Event
	if err := json.Unmarshal(raw, &events); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return events, nil
}
