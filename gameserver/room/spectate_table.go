package room

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// The spectators' table: a second fold of the log, Delay entries behind
// the room, fed by the room's own entries as they are applied, and rebuilt
// from the log (the latest snapshot not past it, or the setup, then the
// entries) when it cannot follow: the first spectator, a reload, a new pod.

// watchTarget is the sequence spectators may see now: Delay behind the
// room, all of it once the match is finished.
func (r *Room) watchTarget() int64 {
	if r.match == nil {
		return 0
	}
	if r.match.Finished() {
		return r.seq
	}
	return max(0, r.seq-r.cfg.Spectators.Delay)
}

// advanceSoon advances from a caller without a context (the broadcast);
// it needs Redis only to rebuild, bounded like any operation.
func (r *Room) advanceSoon() {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.CallTimeout)
	defer cancel()
	if err := r.advanceWatchers(ctx); err != nil {
		// The next entry retries; meanwhile spectators see nothing new,
		// which never shows them more than the delay allows.
		r.cfg.Log.Error(err, "spectators' table")
	}
}

// advanceWatchers brings the spectators' table to watchTarget: entry by
// entry, as event frames, or by a rebuild from the log and a full view.
func (r *Room) advanceWatchers(ctx context.Context) error {
	w := &r.watch
	target := r.watchTarget()
	if w.valid && target >= w.seq && (w.seq == target || len(w.pending) > 0 && w.pending[0].seq == w.seq+1) {
		return r.stepWatchers(ctx, target)
	}
	if err := r.rebuildWatch(ctx, target); err != nil {
		return err
	}
	r.sendWatchers(protocol.Encode(r.watchView()))
	return nil
}

// stepWatchers shows the pending entries up to target, one event frame
// each; the room appends them in order, so they follow each other.
func (r *Room) stepWatchers(ctx context.Context, target int64) error {
	w := &r.watch
	for w.seq < target && len(w.pending) > 0 {
		e := w.pending[0]
		if w.match == nil {
			if err := r.watchStart(ctx); err != nil {
				return err
			}
		} else if err := w.match.Evolve(e.events...); err != nil {
			w.valid = false
			return fmt.Errorf("apply entry %d to the spectators' table: %w", e.seq, err)
		}
		w.seq, w.pending = e.seq, w.pending[1:]
		frames := newEntryFrames(e.seq, e.actor, e.actionID, e.events, nil)
		v := w.match.View(watchSeat)
		for c := range w.conns {
			r.sendWatcher(c, frames.frame(watchSeat, &v))
		}
	}
	return nil
}

// watchStart deals the spectators' match from the stored setup: the state
// after the start entry.
func (r *Room) watchStart(ctx context.Context) error {
	w := &r.watch
	if w.setup == nil {
		raw, ok, err := r.log.LoadSetup(ctx)
		if err == nil && !ok {
			err = errors.New("the match has no stored setup")
		}
		if err != nil {
			return err
		}
		var s cassino.Setup
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("stored match setup: %w", err)
		}
		w.setup = &s
	}
	m, _, err := cassino.New(*w.setup)
	if err != nil {
		return fmt.Errorf("deal the spectators' match: %w", err)
	}
	w.match = m
	return nil
}

// rebuildWatch rebuilds the spectators' table at target from the log: the
// latest snapshot when it is not past target, else the setup, then the
// entries up to target; later entries, up to the room's seq, wait.
func (r *Room) rebuildWatch(ctx context.Context, target int64) error {
	w := &r.watch
	w.forget()
	if r.match == nil {
		w.valid = true
		return nil
	}
	from := int64(0)
	snap, ok, err := r.log.LoadSnapshot(ctx)
	if err != nil {
		return err
	}
	if ok && snap.Seq >= 1 && snap.Seq <= target {
		if w.match, err = cassino.Restore(snap.State); err != nil {
			return fmt.Errorf("restore snapshot at %d: %w", snap.Seq, err)
		}
		from = snap.Seq
	} else if target >= 1 {
		if err := r.watchStart(ctx); err != nil {
			return err
		}
		from = 1
	}
	entries, err := r.log.After(ctx, from)
	if err != nil {
		return err
	}
	seq := from
	for _, e := range entries {
		if e.Seq > r.seq {
			break // logged by a write whose reply was lost; resync follows
		}
		if e.Seq != seq+1 {
			return fmt.Errorf("the log no longer holds entry %d for the spectators' table", seq+1)
		}
		events, err := decodeEvents(e.Events)
		if err != nil {
			return fmt.Errorf("entry %d: %w", e.Seq, err)
		}
		if e.Seq <= target {
			if err := w.match.Evolve(events...); err != nil {
				return fmt.Errorf("replay entry %d for spectators: %w", e.Seq, err)
			}
			w.seq = e.Seq
		} else {
			w.pending = append(w.pending, pendingEntry{seq: e.Seq, actor: e.Seat, actionID: e.ActionID, events: events})
		}
		seq = e.Seq
	}
	w.seq = max(w.seq, from)
	if seq != r.seq || w.seq < target {
		return fmt.Errorf("the log ends at %d, the room is at %d", seq, r.seq)
	}
	w.valid = true
	return nil
}
