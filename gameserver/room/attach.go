package room

import (
	"context"
	"errors"
	"fmt"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/seating"
)

// ErrNotSeated means the session's player does not hold the seat (any more).
var ErrNotSeated = errors.New("this session does not hold that seat")

// Attach makes c the seat's connection: it takes over from an older
// connection of the session, sends the welcome, then what the client
// missed since lastSeq (nil: a full view), and from then on live events.
func (r *Room) Attach(ctx context.Context, playerID string, seat int, lastSeq *int64, c Conn) error {
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if err := r.current(ctx); err != nil {
		return err
	}
	p := r.players[seat]
	if p == nil || p.ID != playerID {
		return ErrNotSeated
	}
	// A last_seq beyond the log is no evidence of a loss: nothing proves
	// the client saw it, and one player must not be able to stop everyone's
	// match with one word. The client gets the room as it is (catchUp
	// sends a full view), the server's log being the truth.
	if lastSeq != nil && *lastSeq > r.seq {
		r.cfg.Log.Info("a player reconnected beyond the log; sending a full view", "seat", seat, "lastSeq", *lastSeq, "seq", r.seq)
	}
	if old := r.conns[seat]; old != nil {
		old.Close(CloseTakenOver, "session taken over by a newer connection")
	}
	r.conns[seat] = c
	r.cfg.Metrics.Connected.Set(float64(len(r.conns)))
	r.touch(seat) // the welcome shows this connect as the seat's last_seen
	r.send(seat, c, protocol.Encode(r.welcome(*p)))
	r.catchUp(ctx, seat, c, lastSeq)
	r.setPresence(ctx, p, 1)
	return nil
}

// Detach forgets c if it is still the seat's connection.
func (r *Room) Detach(ctx context.Context, seat int, c Conn) {
	ctx, unlock := r.lock(ctx)
	defer unlock()
	r.detach(ctx, seat, c)
}

func (r *Room) detach(ctx context.Context, seat int, c Conn) {
	if r.conns[seat] != c {
		return
	}
	delete(r.conns, seat)
	r.cfg.Metrics.Connected.Set(float64(len(r.conns)))
	if p := r.players[seat]; p != nil {
		r.setPresence(ctx, p, 0)
	}
}

func (r *Room) welcome(p seating.Player) protocol.Welcome {
	w := protocol.Welcome{
		V: protocol.Version, Type: protocol.TypeWelcome,
		Room: r.cfg.Keys.Namespace + "/" + r.cfg.Keys.Name,
		Seat: p.Seat, PlayerID: p.ID, Seats: r.cfg.Options.Players,
		Phase: r.phase(), Seq: r.seq,
		Players: []protocol.Player{},
	}
	for s := 0; s < r.cfg.Options.Players; s++ {
		if q := r.players[s]; q != nil {
			w.Players = append(w.Players, r.presenceOf(*q))
		}
	}
	return w
}

// catchUp sends the entries after lastSeq, redacted for the seat, then a
// view; a gap the log no longer holds (or too long for the send queue)
// gets the view alone.
func (r *Room) catchUp(ctx context.Context, seat int, c Conn, lastSeq *int64) {
	if lastSeq != nil && *lastSeq < r.seq && r.seq-*lastSeq <= r.cfg.MaxCatchUp {
		if err := r.sendEntries(ctx, seat, c, *lastSeq); err != nil {
			r.cfg.Log.V(1).Info("catch-up by full view", "seat", seat, "reason", err.Error())
		}
	}
	r.send(seat, c, protocol.Encode(r.viewMessage(seat)))
}

var errGap = errors.New("the log no longer holds the gap")

func (r *Room) sendEntries(ctx context.Context, seat int, c Conn, after int64) error {
	entries, err := r.log.After(ctx, after)
	if err != nil {
		return err
	}
	if len(entries) == 0 || entries[0].Seq != after+1 {
		return errGap
	}
	for _, e := range entries {
		if e.Seq > r.seq {
			break // logged by a write whose reply we lost; resync will follow
		}
		events, err := decodeEvents(e.Events)
		if err != nil {
			return fmt.Errorf("entry %d: %w", e.Seq, err)
		}
		r.send(seat, c, protocol.Encode(eventMessage(seat, e.Seq, e.Seat, e.ActionID, events, nil)))
	}
	return nil
}
