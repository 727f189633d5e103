package room

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// Act plays the seat's action and answers on c: an ack (the original one
// for a duplicate action id) or an error. The path is Decide, log
// (atomically with the dedup record), Evolve, ack, broadcast; an action
// that is refused or cannot be logged changes nothing.
func (r *Room) Act(ctx context.Context, seat int, c Conn, act protocol.Act) {
	began := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
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
		return protocol.CodeInternal, "the room cannot reach its storage; try again"
	}
	if r.match == nil {
		return protocol.CodeNotStarted, "the match starts when every seat is taken"
	}
	events, err := r.match.Decide(seat, act.Action)
	if err != nil {
		// A resent action that was already applied usually fails the rules
		// now (the card left the hand); it still gets its original ack.
		if seq, found, lerr := r.log.Lookup(ctx, seat, act.ActionID); lerr == nil && found {
			r.ackDuplicate(seat, c, act.ActionID, seq)
			return "", ""
		}
		var re *cassino.RuleError
		if errors.As(err, &re) {
			return re.Code, re.Message
		}
		return cassino.CodeBadAction, err.Error()
	}
	ack, err := r.appendAction(ctx, seat, act, events)
	if err != nil {
		r.stale = true
		r.cfg.Log.Error(err, "log action", "seat", seat)
		return protocol.CodeInternal, "the action could not be stored and was not played; resend it with the same action_id"
	}
	if ack.Duplicate && ack.Seq != r.seq+1 {
		r.ackDuplicate(seat, c, act.ActionID, ack.Seq)
		return "", ""
	}
	// Not a duplicate, or our own append retried by the client library
	// after a lost reply: either way these events are now logged at ack.Seq.
	if err := r.match.Evolve(events...); err != nil {
		r.stale = true
		r.cfg.Log.Error(err, "apply logged events", "seq", ack.Seq)
		return protocol.CodeInternal, "the action was stored but could not be applied; reconnect"
	}
	r.seq = ack.Seq
	r.changed()
	r.touch(seat)
	r.cfg.Metrics.Actions.Inc()
	r.send(seat, c, protocol.Encode(protocol.Ack{V: protocol.Version, Type: protocol.TypeAck, ActionID: act.ActionID, Seq: ack.Seq}))
	r.broadcastEntry(ack.Seq, seat, act.ActionID, events)
	r.cfg.Metrics.Latency.Observe(time.Since(began).Seconds())
	r.maybeSnapshot(ctx)
	return "", ""
}

func (r *Room) appendAction(ctx context.Context, seat int, act protocol.Act, events []cassino.Event) (actionlog.Ack, error) {
	action, err := json.Marshal(act.Action)
	if err != nil {
		return actionlog.Ack{}, err
	}
	evs, err := json.Marshal(events)
	if err != nil {
		return actionlog.Ack{}, err
	}
	return r.log.Append(ctx, r.seq, actionlog.Entry{ActionID: act.ActionID, Seat: seat, Action: action, Events: evs})
}

func (r *Room) ackDuplicate(seat int, c Conn, actionID string, seq int64) {
	r.cfg.Metrics.DedupHits.Inc()
	r.send(seat, c, protocol.Encode(protocol.Ack{V: protocol.Version, Type: protocol.TypeAck, ActionID: actionID, Seq: seq, Duplicate: true}))
}

// maybeSnapshot writes a snapshot every SnapshotEvery entries and trims the
// log to what catch-up still needs. A failure only costs replay time.
func (r *Room) maybeSnapshot(ctx context.Context) {
	if r.seq-r.snapSeq < r.cfg.SnapshotEvery {
		return
	}
	state, err := r.match.Snapshot()
	if err == nil {
		err = r.log.SaveSnapshot(ctx, actionlog.Snapshot{Seq: r.seq, State: state}, r.seq-r.cfg.LogRetain+1)
	}
	if err != nil {
		r.cfg.Log.Error(err, "write snapshot", "seq", r.seq)
		return
	}
	r.snapSeq = r.seq
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
