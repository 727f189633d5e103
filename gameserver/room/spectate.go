package room

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Spectators watch the room without a seat. They get what a seat outside
// the match may see (cassino's View and Event.For with seat -1: no hand,
// no deck), through the same frame encoding as the players, and Delay
// actions behind the table: at table sequence s they see the public table
// after s-Delay. When the match finishes the delay is released, so the
// final table and scores are shown at once: nothing is hidden any more.
//
// Spectators are not players: they are not in conns, so the heartbeat never
// counts them as connected and a room watched by spectators alone is
// collected as idle; they never touch the room's activity.
type Spectators struct {
	Allowed bool
	Max     int   // spectators at once
	Delay   int64 // actions the spectators' table trails the real one
}

// Refusals of Watch.
var (
	ErrSpectatorsNotAllowed = errors.New("this room does not allow spectators")
	ErrSpectatorsFull       = errors.New("this room has as many spectators as it allows")
)

// watchers is the spectators' side of the room, under the room's lock.
// match is the public table as of seq; pending holds the entries after
// seq, up to the room's seq, in order, not shown yet. While nobody watches
// nothing is kept: the first spectator rebuilds it from the log.
type watchers struct {
	conns   map[Conn]struct{}
	count   atomic.Int64 // len(conns), read without the lock by Full
	valid   bool         // match, seq and pending describe the log
	setup   *cassino.Setup
	match   *cassino.Match // nil before the match start is shown
	seq     int64
	pending []pendingEntry
}

type pendingEntry struct {
	seq      int64
	actor    int
	actionID string
	events   []cassino.Event
}

// watchSeat is who a spectator is to the redaction code: no seat.
const watchSeat = -1

// SpectatorsAllowed reports whether the room takes spectators at all.
func (r *Room) SpectatorsAllowed() bool { return r.cfg.Spectators.Allowed }

// SpectatorsFull reports whether the room has as many spectators as it
// allows, as of its last operation: Watch decides for good.
func (r *Room) SpectatorsFull() bool {
	return r.watch.count.Load() >= int64(r.spectatorMax())
}

// DefaultSpectatorMax is the cap of a config that sets none.
const DefaultSpectatorMax = 10

func (r *Room) spectatorMax() int {
	if r.cfg.Spectators.Max <= 0 {
		return DefaultSpectatorMax
	}
	return r.cfg.Spectators.Max
}

// Watch makes c a spectator's connection: a welcome with seat -1, what it
// missed since lastSeq (nil: a full view) of the delayed table, and from
// then on the delayed table's events.
func (r *Room) Watch(ctx context.Context, id string, lastSeq *int64, c Conn) error {
	ctx, unlock := r.lock(ctx)
	defer unlock()
	switch {
	case !r.cfg.Spectators.Allowed:
		return ErrSpectatorsNotAllowed
	case len(r.watch.conns) >= r.spectatorMax():
		return ErrSpectatorsFull
	}
	if err := r.resync(ctx); err != nil {
		return err
	}
	if err := r.advanceWatchers(ctx); err != nil {
		return err
	}
	w := &r.watch
	if w.conns == nil {
		w.conns = map[Conn]struct{}{}
	}
	w.conns[c] = struct{}{}
	w.count.Store(int64(len(w.conns)))
	r.cfg.Metrics.Spectators.Set(float64(len(w.conns)))
	r.sendWatcher(c, protocol.Encode(r.watchWelcome(id)))
	if lastSeq != nil && *lastSeq < w.seq && w.seq-*lastSeq <= r.cfg.MaxCatchUp {
		if err := r.watchCatchUp(ctx, c, *lastSeq); err != nil {
			r.cfg.Log.V(1).Info("spectator catch-up by full view", "reason", err.Error())
		}
	}
	r.sendWatcher(c, protocol.Encode(r.watchView()))
	return nil
}

// Unwatch forgets a spectator's connection.
func (r *Room) Unwatch(c Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dropWatcher(c)
}

func (r *Room) dropWatcher(c Conn) {
	w := &r.watch
	if _, ok := w.conns[c]; !ok {
		return
	}
	delete(w.conns, c)
	w.count.Store(int64(len(w.conns)))
	r.cfg.Metrics.Spectators.Set(float64(len(w.conns)))
}

func (w *watchers) forget() {
	w.valid, w.setup, w.match, w.seq, w.pending = false, nil, nil, 0, nil
}

// watchEntry takes a newly applied entry for the spectators, and shows
// them what the delay now lets them see.
func (r *Room) watchEntry(seq int64, actor int, actionID string, events []cassino.Event) {
	w := &r.watch
	if len(w.conns) == 0 {
		w.forget() // nobody watches: keep nothing; the next one rebuilds
		return
	}
	next := w.seq + 1
	if n := len(w.pending); n > 0 {
		next = w.pending[n-1].seq + 1
	}
	if w.valid && seq == next {
		w.pending = append(w.pending, pendingEntry{seq: seq, actor: actor, actionID: actionID, events: events})
	} else {
		w.valid = false
	}
	r.advanceSoon()
}

// reloadWatchers follows a room that reloaded from the log: the
// spectators' table is rebuilt and each gets a full view.
func (r *Room) reloadWatchers() {
	r.watch.valid = false
	if len(r.watch.conns) > 0 {
		r.advanceSoon()
	}
}

// watchCatchUp sends a reconnecting spectator the entries after lastSeq
// that its delayed table holds, redacted for no seat.
func (r *Room) watchCatchUp(ctx context.Context, c Conn, after int64) error {
	entries, err := r.log.After(ctx, after)
	if err != nil {
		return err
	}
	if len(entries) == 0 || entries[0].Seq != after+1 {
		return errGap
	}
	for _, e := range entries {
		if e.Seq > r.watch.seq {
			break
		}
		events, err := decodeEvents(e.Events)
		if err != nil {
			return fmt.Errorf("entry %d: %w", e.Seq, err)
		}
		r.sendWatcher(c, protocol.Encode(eventMessage(watchSeat, e.Seq, e.Seat, e.ActionID, events, nil)))
	}
	return nil
}

func (r *Room) watchPhase() string {
	switch w := &r.watch; {
	case w.match == nil:
		return roomcontract.PhaseWaiting
	case w.match.Finished():
		return roomcontract.PhaseFinished
	default:
		return roomcontract.PhasePlaying
	}
}

func (r *Room) watchWelcome(id string) protocol.Welcome {
	w := protocol.Welcome{
		V: protocol.Version, Type: protocol.TypeWelcome,
		Room: r.cfg.Keys.Namespace + "/" + r.cfg.Keys.Name,
		Seat: watchSeat, PlayerID: id, Seats: r.cfg.Options.Players,
		Phase: r.watchPhase(), Seq: r.watch.seq, Role: protocol.RoleSpectator,
		Players: []protocol.Player{},
	}
	for s := 0; s < r.cfg.Options.Players; s++ {
		if q := r.players[s]; q != nil {
			w.Players = append(w.Players, r.presenceOf(*q))
		}
	}
	return w
}

func (r *Room) watchView() protocol.View {
	msg := protocol.View{V: protocol.Version, Type: protocol.TypeView, Seq: r.watch.seq, Phase: r.watchPhase()}
	if r.watch.match != nil {
		v := r.watch.match.View(watchSeat)
		msg.View = &v
	}
	return msg
}

// sendWatchers sends every spectator the same frame.
func (r *Room) sendWatchers(frame []byte) {
	for c := range r.watch.conns {
		r.sendWatcher(c, frame)
	}
}

// sendWatcher queues a frame; a spectator that cannot keep up is dropped
// (it reconnects and catches up) so it never stalls the room.
func (r *Room) sendWatcher(c Conn, frame []byte) {
	if c.Send(frame) {
		return
	}
	c.Close(CloseTooSlow, "too slow to read: reconnect to catch up")
	r.cfg.Metrics.SlowClients.Inc()
	r.dropWatcher(c)
}

// SpectatorDelay is how many actions the spectators' table trails.
func (r *Room) SpectatorDelay() int64 { return r.cfg.Spectators.Delay }
