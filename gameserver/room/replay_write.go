package room

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// ErrMatchInProgress refuses a replay before the match is finished: a
// replay reveals every hand, which would hand live players each other's
// cards.
var ErrMatchInProgress = errors.New("the match is not finished; its replay opens when it ends")

// ErrReplayTooLong means the log holds more than MaxReplayEntries.
var ErrReplayTooLong = errors.New("the log is longer than any legal match")

// errReplayStarted wraps a failure after the first byte was written: the
// caller can no longer answer with an error status, only cut the reply.
var errReplayStarted = errors.New("replay cut short")

// ReplayStarted reports whether err came after WriteReplay wrote to w.
func ReplayStarted(err error) bool { return errors.Is(err, errReplayStarted) }

// WriteReplay writes the finished match as a Replay (JSON) to w. It only
// reads: the room and its keys are left as they were. The match is
// folded again from its setup while the log is read a page at a time, so
// memory stays at one page whatever the match's length, and the fold's
// end is checked against the match the room holds. Before the match is
// finished it writes nothing and returns ErrMatchInProgress.
func (r *Room) WriteReplay(ctx context.Context, w io.Writer) error {
	head, last, final, err := r.replayHead(ctx)
	if err != nil {
		return err
	}
	setup := head.Setup
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	// The entries are streamed between the head's fields and the closing
	// of the list, so the head is written with an empty list cut open.
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	const empty = `"entries":[]}`
	if _, err := bw.Write(b[:len(b)-len(empty)]); err != nil {
		return fmt.Errorf("%w: %w", errReplayStarted, err)
	}
	_, _ = bw.WriteString(`"entries":[`)
	var m *cassino.Match
	next := int64(1)
	err = r.log.Each(ctx, 0, func(page []actionlog.Entry) error {
		for _, e := range page {
			if e.Seq > last {
				return errPastEnd
			}
			if e.Seq != next {
				return fmt.Errorf("the log jumps from entry %d to %d", next-1, e.Seq)
			}
			var err error
			if m, err = fold(m, setup, e.Seq, e.Events); err != nil {
				return err
			}
			if e.Seq > 1 {
				_ = bw.WriteByte(',')
			}
			entry := ReplayEntry{Seq: e.Seq, Seat: e.Seat, ActionID: e.ActionID, Action: e.Action, Events: e.Events, Table: tableOf(m)}
			if err := enc.Encode(entry); err != nil {
				return err
			}
			next++
		}
		return nil
	})
	if errors.Is(err, errPastEnd) {
		err = nil // a write the room never applied; the replay ends where the room did
	}
	if err == nil {
		err = checkEnd(m, next-1, last, final)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", errReplayStarted, err)
	}
	_, _ = bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%w: %w", errReplayStarted, err)
	}
	return nil
}

var errPastEnd = errors.New("past the room's last entry")

// replayHead reads what the replay starts with, under the room's lock:
// the room must have finished its match. It returns the head, the last
// sequence, and the room's final match state to check the fold against.
func (r *Room) replayHead(ctx context.Context) (head Replay, last int64, final []byte, err error) {
	lctx, unlock := r.lock(ctx)
	defer unlock()
	if err := r.resync(lctx); err != nil {
		return Replay{}, 0, nil, err
	}
	// A room whose stored match is lost has nothing to replay, on any try:
	// not a match in progress, though it holds no finished match.
	if why, lost := r.DataLost(); lost {
		return Replay{}, 0, nil, fmt.Errorf("the room's stored match is lost: %s", why)
	}
	if r.match == nil || !r.match.Finished() {
		return Replay{}, 0, nil, ErrMatchInProgress
	}
	if r.seq > MaxReplayEntries {
		return Replay{}, 0, nil, fmt.Errorf("%w: %d entries", ErrReplayTooLong, r.seq)
	}
	raw, ok, err := r.log.LoadSetup(lctx)
	if err == nil && !ok {
		err = errors.New("a finished match without a stored setup")
	}
	if err != nil {
		return Replay{}, 0, nil, err
	}
	head = Replay{Version: ReplayVersion, Room: r.cfg.Keys.Namespace + "/" + r.cfg.Keys.Name, Players: []ReplayPlayer{}, Entries: []ReplayEntry{}}
	if err := json.Unmarshal(raw, &head.Setup); err != nil {
		return Replay{}, 0, nil, fmt.Errorf("stored match setup: %w", err)
	}
	for s := 0; s < r.cfg.Options.Players; s++ {
		if p := r.players[s]; p != nil {
			head.Players = append(head.Players, ReplayPlayer{Seat: s, Name: p.Name})
		}
	}
	final, err = r.match.Snapshot()
	return head, r.seq, final, err
}

// checkEnd: the fold reached the room's last entry and the same state.
func checkEnd(m *cassino.Match, got, last int64, final []byte) error {
	if got != last {
		return fmt.Errorf("the log ends at entry %d, the room at %d", got, last)
	}
	b, err := m.Snapshot()
	if err != nil {
		return err
	}
	if !bytes.Equal(b, final) {
		return errors.New("the log folds into another state than the room's")
	}
	return nil
}
