// Package actionlog is a room's durable history in Redis: an ordered,
// deduplicated stream of accepted actions with the engine events they
// produced, periodic snapshots, and the match setup. The game state is a
// fold of this log, so a new pod resumes exactly where a dead one stopped.
//
// # Action dedup
//
// This is the one statement of the contract; the room and docs/REDIS.md
// follow it.
//
//   - A duplicate is an action whose (seat, action_id) is already in the
//     log. Only the pair counts: the action itself is not compared, so a
//     resend that carries a different play under a used id is still a
//     duplicate of the first, and the first is what stands.
//   - A duplicate appends nothing and changes nothing. It gets the original
//     entry's sequence: Append returns it with Ack.Duplicate set, Lookup
//     finds it, and the player gets the original ack with "duplicate": true.
//   - The record is the dedup hash field <seat>:<action_id>, written by the
//     same script as the entry, so both exist or neither does. It lives as
//     long as the room's keys, so it outlives
//     a pod crash: a new pod answers a resend made to the dead one's actions
//     exactly like the dead pod would have.
//   - go-redis retries a script whose reply timed out. If the first attempt
//     ran, the retry finds the record and reports a duplicate at the
//     sequence right after the caller's (prev+1): that is the caller's own
//     append, not someone else's, and the caller applies the entry the log
//     holds there (Entry), never its own copy of it.
//   - When Append fails without an answer from Redis (a timeout, a dropped
//     connection), the entry may or may not have been written: the error
//     wraps ErrOutcomeUnknown. Only a resend with the same action_id settles
//     it; a different action_id might be played as well.
package actionlog

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/roomcontract"
)

var (
	//go:embed append.lua
	appendSource string
	appendScript = redis.NewScript(appendSource)

	//go:embed snapshot.lua
	snapshotSource string
	snapshotScript = redis.NewScript(snapshotSource)
)

// ErrOutcomeUnknown means an append got no answer from Redis: the script
// may have run (and may still run, from a socket Redis reads later) or not.
var ErrOutcomeUnknown = errors.New("the outcome of the append is unknown")

// ErrConflict means the log moved past the sequence the caller decided
// against: another writer (a pod that should be dead) appended meanwhile.
var ErrConflict = errors.New("action log moved on: another writer appended")

// Entry is one accepted action. Seq is also the stream entry's ID
// ("<seq>-0"), so reading after a sequence is a plain XRANGE.
type Entry struct {
	Seq      int64
	ActionID string
	Seat     int
	Action   json.RawMessage
	Events   json.RawMessage // the engine events, full information
}

// Ack is the outcome of an append.
type Ack struct {
	Seq       int64
	Duplicate bool // the action id was already logged; nothing was appended
}

// Log is the action log of one room.
type Log struct {
	c    redis.UniversalClient
	keys roomcontract.Room
	// waitReplicas is how many replicas an append waits for (wait.go).
	waitReplicas int
}

// New returns the log of the room.
func New(c redis.UniversalClient, keys roomcontract.Room) *Log { return &Log{c: c, keys: keys} }

func dedupField(seat int, actionID string) string { return strconv.Itoa(seat) + ":" + actionID }

// Append logs e as the entry after prev, atomically with its dedup record
// (see the package doc for the dedup contract). A (seat, action id) already
// logged gets its original sequence with Duplicate set; a log that is not
// at prev gets ErrConflict; no answer from Redis gets ErrOutcomeUnknown.
func (l *Log) Append(ctx context.Context, prev int64, e Entry) (Ack, error) {
	keys := []string{l.keys.Dedup(), l.keys.Seq(), l.keys.Log()}
	res, err := l.runAppend(ctx, keys,
		dedupField(e.Seat, e.ActionID), prev, e.ActionID, e.Seat, []byte(e.Action), []byte(e.Events)) // []byte: written as is, not copied
	if err != nil {
		var answered redis.Error
		if errors.As(err, &answered) {
			return Ack{}, fmt.Errorf("append action %q: %w", e.ActionID, err)
		}
		return Ack{}, fmt.Errorf("append action %q: %w: %w", e.ActionID, ErrOutcomeUnknown, err)
	}
	if len(res) != 2 {
		return Ack{}, fmt.Errorf("append action %q: script returned %v", e.ActionID, res)
	}
	switch res[1] {
	case 0:
		return Ack{Seq: res[0]}, nil
	case 1:
		return Ack{Seq: res[0], Duplicate: true}, nil
	default:
		return Ack{}, fmt.Errorf("append action %q after %d, log is at %d: %w", e.ActionID, prev, res[0], ErrConflict)
	}
}

// Lookup returns the sequence at which the seat's action id was logged.
func (l *Log) Lookup(ctx context.Context, seat int, actionID string) (seq int64, found bool, err error) {
	seq, err = l.c.HGet(ctx, l.keys.Dedup(), dedupField(seat, actionID)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up action %q: %w", actionID, err)
	}
	return seq, true, nil
}

// LastSeq is the sequence of the newest entry, 0 for an empty log.
func (l *Log) LastSeq(ctx context.Context) (int64, error) {
	n, err := l.c.Get(ctx, l.keys.Seq()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read log sequence: %w", err)
	}
	return n, nil
}

// FirstSeq is the sequence of the oldest entry still kept, 0 if none.
func (l *Log) FirstSeq(ctx context.Context) (int64, error) {
	msgs, err := l.c.XRangeN(ctx, l.keys.Log(), "-", "+", 1).Result()
	if err != nil {
		return 0, fmt.Errorf("read log start: %w", err)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	e, err := decode(msgs[0])
	return e.Seq, err
}
