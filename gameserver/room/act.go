package room

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// Act plays the seat's action and answers on c: an ack (the original one
// for a duplicate action id) or an error. The path is Decide, log
// (atomically with the dedup record), Evolve, ack, broadcast; an action
// that is refused or cannot be logged changes nothing. Duplicates follow
// the contract in package actionlog.
func (r *Room) Act(ctx context.Context, seat int, c Conn, act protocol.Act) {
	began := time.Now()
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if r.conns[seat] != c {
		return // taken over: the newer connection speaks for the seat
	}
	if code, msg := r.act(ctx, seat, c, act, began); code != "" {
		r.cfg.Metrics.Rejects.WithLabelValues(code).Inc()
		r.send(seat, c, protocol.Encode(protocol.NewError(code, msg, act.ActionID)))
	}
}

func (r *Room) act(ctx context.Context, seat int, c Conn, act protocol.Act, began time.Time) (code, msg string) {
	if err := r.resync(ctx); err != nil {
		// The room lags its log (an earlier write's outcome is unknown),
		// so it cannot tell whether this action_id was played.
		return protocol.CodeOutcomeUnknown, "the room cannot reach its storage to tell whether this action_id was played; resend it with the same action_id"
	}
	if r.isLost() {
		return protocol.CodeDataLost, DataLostMessage
	}
	if r.match == nil {
		return protocol.CodeNotStarted, "the match starts when every seat is taken"
	}
	events, err := r.match.Decide(seat, act.Action)
	if err != nil {
		// Duplicate branch 1, "refused, but already logged": a resent
		// action that was already applied usually fails the rules now
		// (the card left the hand); it still gets its original ack.
		seq, found, lerr := r.log.Lookup(ctx, seat, act.ActionID)
		if lerr != nil {
			return protocol.CodeOutcomeUnknown, "the room cannot reach its storage to tell whether this action_id was played; resend it with the same action_id"
		}
		if found {
			r.ackDuplicate(seat, c, act.ActionID, seq)
			return "", ""
		}
		var re *cassino.RuleError
		if errors.As(err, &re) {
			return re.Code, re.Message
		}
		return cassino.CodeBadAction, err.Error()
	}
	ack, logged, err := r.appendAction(ctx, seat, act, events)
	if errors.Is(err, actionlog.ErrOutcomeUnknown) {
		r.stale = true
		r.cfg.Log.Error(err, "log action: outcome unknown", "seat", seat)
		return protocol.CodeOutcomeUnknown, "the room could not learn whether the action was stored; resend it with the same action_id (it is played at most once)"
	}
	if errors.Is(err, actionlog.ErrConflict) && errors.Is(r.checkStored(ctx), ErrDataLost) {
		return protocol.CodeDataLost, DataLostMessage
	}
	if err != nil {
		r.stale = true
		r.cfg.Log.Error(err, "log action", "seat", seat)
		return protocol.CodeInternal, "the action could not be stored and was not played; try again"
	}
	duplicate := false
	if ack.Duplicate {
		// Duplicate branch 2, "the append script found the dedup record".
		if ack.Seq != r.seq+1 {
			// Already applied here: the original ack, nothing else.
			r.ackDuplicate(seat, c, act.ActionID, ack.Seq)
			return "", ""
		}
		// Logged right after our state but not applied yet: go-redis
		// retried our script after a lost reply, or an earlier attempt
		// whose outcome was unknown landed. The log's entry is applied,
		// whatever this request carried.
		loggedEvs, same, err := r.loggedEvents(ctx, ack.Seq, act)
		if err != nil {
			r.stale = true
			r.cfg.Log.Error(err, "read back a logged action", "seq", ack.Seq)
			return protocol.CodeOutcomeUnknown, "the action_id is stored but the room could not read it back; resend it with the same action_id"
		}
		events, duplicate = loggedEvs, !same
		logged = nil
	}
	if err := r.match.Evolve(events...); err != nil {
		r.stale = true
		r.cfg.Log.Error(err, "apply logged events", "seq", ack.Seq)
		// Stored, so it stands: the ack says so, and the reload that
		// follows sends every seat a view.
		r.send(seat, c, protocol.Encode(protocol.Ack{V: protocol.Version, Type: protocol.TypeAck, ActionID: act.ActionID, Seq: ack.Seq, Duplicate: duplicate}))
		return "", ""
	}
	r.seq = ack.Seq
	r.changed()
	if _, pod := c.(noConn); !pod {
		r.touch(seat) // the pod's own moves (a bot's, a stand-in's) are nobody's activity
	}
	if duplicate {
		r.cfg.Metrics.DedupHits.Inc()
	} else {
		r.cfg.Metrics.Actions.Inc()
	}
	r.broadcastAction(ack.Seq, seat, c, act.ActionID, duplicate, events, logged)
	r.cfg.Metrics.Latency.Observe(time.Since(began).Seconds())
	r.maybeSnapshot(ctx)
	return "", ""
}

// appendAction logs the action with its events and returns the events'
// JSON too: the broadcast reuses it.
func (r *Room) appendAction(ctx context.Context, seat int, act protocol.Act, events []cassino.Event) (actionlog.Ack, []byte, error) {
	action, err := marshalAction(act.Action)
	if err != nil {
		return actionlog.Ack{}, nil, err
	}
	evs, err := json.Marshal(events)
	if err != nil {
		return actionlog.Ack{}, nil, err
	}
	ack, err := r.log.Append(ctx, r.seq, actionlog.Entry{ActionID: act.ActionID, Seat: seat, Action: action, Events: evs})
	return ack, evs, err
}

// loggedEvents reads the entry at seq; same reports whether it holds act
// (our own append) rather than an earlier play under the same action id.
func (r *Room) loggedEvents(ctx context.Context, seq int64, act protocol.Act) (events []cassino.Event, same bool, err error) {
	e, found, err := r.log.At(ctx, seq)
	if err == nil && !found {
		err = fmt.Errorf("entry %d is not in the log", seq)
	}
	if err != nil {
		return nil, false, err
	}
	events, err = decodeEvents(e.Events)
	if err != nil {
		return nil, false, err
	}
	mine, err := marshalAction(act.Action)
	return events, err == nil && bytes.Equal(mine, e.Action), err
}

func (r *Room) ackDuplicate(seat int, c Conn, actionID string, seq int64) {
	r.cfg.Metrics.DedupHits.Inc()
	r.send(seat, c, protocol.Encode(protocol.Ack{V: protocol.Version, Type: protocol.TypeAck, ActionID: actionID, Seq: seq, Duplicate: true}))
}

// maybeSnapshot writes a snapshot every SnapshotEvery entries. A failure
// only costs recovery time.
func (r *Room) maybeSnapshot(ctx context.Context) {
	if r.seq-r.snapSeq < r.cfg.SnapshotEvery {
		return
	}
	state, err := r.match.Snapshot()
	if err == nil {
		err = r.log.SaveSnapshot(ctx, actionlog.Snapshot{Seq: r.seq, State: state})
	}
	if err != nil {
		r.cfg.Log.Error(err, "write snapshot", "seq", r.seq)
		return
	}
	r.snapSeq = r.seq
}

// current brings the seats in memory up to date before they change: the
// room reloaded if stale, and checked against a Redis that lost it (a
// flushed Redis has free seats that memory knows are taken).
func (r *Room) current(ctx context.Context) error {
	if err := r.resync(ctx); err != nil {
		return err
	}
	return r.checkStored(ctx)
}

// resync reloads the room from Redis when memory may lag the log, e.g.
// after a write whose reply was lost: the log is the truth.
func (r *Room) resync(ctx context.Context) error {
	if !r.stale {
		return nil
	}
	if err := r.load(ctx); err != nil {
		return err
	}
	r.sendViews()
	return nil
}
