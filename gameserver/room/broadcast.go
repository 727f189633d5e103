package room

import (
	"context"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/seating"
)

// eventMessage redacts events for seat: events carry full information in
// the log and are cut down only here, on the way out.
func eventMessage(seat int, seq int64, actor int, actionID string, events []cassino.Event, view *cassino.View) protocol.Event {
	out := redact(seat, events)
	if actionID == startActionID && actor == startSeat {
		actionID = ""
	}
	return protocol.Event{V: protocol.Version, Type: protocol.TypeEvent, Seq: seq, Seat: actor, ActionID: actionID, Events: out, View: view}
}

// broadcastEntry sends a logged entry, redacted, with the seat's view after
// it, to every connected seat. logged is the events' JSON as written to
// the log, or nil.
func (r *Room) broadcastEntry(seq int64, actor int, actionID string, events []cassino.Event, logged []byte) {
	frames := newEntryFrames(seq, actor, actionID, events, logged)
	for seat, c := range r.conns {
		r.send(seat, c, frames.frame(seat, r.match.ViewInto(seat, &r.views)))
	}
	r.watchEntry(seq, actor, actionID, events)
}

// broadcastAction answers the actor's connection c with its ack and
// sends every seat the logged entry. The other seats' frames go first:
// the actor knows its own move, the table waits to learn it. Each
// connection still gets its frames in order: the actor its ack, then the
// event.
func (r *Room) broadcastAction(seq int64, actor int, c Conn, actionID string, duplicate bool, events []cassino.Event, logged []byte) {
	frames := newEntryFrames(seq, actor, actionID, events, logged)
	for seat, o := range r.conns {
		if seat != actor {
			r.send(seat, o, frames.frame(seat, r.match.ViewInto(seat, &r.views)))
		}
	}
	r.send(actor, c, ackFrame(actionID, seq, duplicate))
	if r.conns[actor] == c {
		r.send(actor, c, frames.frame(actor, r.match.ViewInto(actor, &r.views)))
	}
	r.watchEntry(seq, actor, actionID, events)
}

func (r *Room) broadcastPresence(p seating.Player) {
	r.broadcastPlayer(r.presenceOf(p))
}

// broadcastLeft tells the table that p's seat is free again.
func (r *Room) broadcastLeft(p seating.Player) {
	pl := r.presenceOf(p)
	pl.Left = true
	r.broadcastPlayer(pl)
}

func (r *Room) broadcastPlayer(pl protocol.Player) {
	frame := protocol.Encode(protocol.Presence{V: protocol.Version, Type: protocol.TypePresence, Player: pl})
	for seat, c := range r.conns {
		r.send(seat, c, frame)
	}
	r.sendWatchers(frame)
}

func (r *Room) presenceOf(p seating.Player) protocol.Player {
	_, connected := r.conns[p.Seat]
	return protocol.Player{Seat: p.Seat, Name: p.Name, Connected: connected, LastSeen: p.LastSeen, Bot: isBot(p.ID)}
}

// setPresence records a connect or disconnect in Redis and tells the table.
func (r *Room) setPresence(ctx context.Context, p *seating.Player, connections int) {
	p.Connections = connections
	r.touch(p.Seat)
	r.changed() // a stand-in waits on who is at the table
	// Once the data is lost, the record would be the only seat of a
	// flushed room: nothing is written.
	if !r.isLost() {
		if err := r.seats.Save(ctx, *p); err != nil {
			r.cfg.Log.Error(err, "save presence", "seat", p.Seat)
		}
	}
	r.broadcastPresence(*p)
}

// touch records player activity: the operator collects rooms whose
// players have all been gone too long.
func (r *Room) touch(seat int) {
	if p := r.players[seat]; p != nil && isBot(p.ID) {
		return // a bot at the table is nobody at the table
	}
	now := r.cfg.Now()
	r.lastActivity = now
	if p := r.players[seat]; p != nil {
		p.LastSeen = now.UnixMilli()
	}
}

// send queues a frame; a client that cannot keep up is disconnected (it
// reconnects and catches up from the log) so it never stalls the room.
func (r *Room) send(seat int, c Conn, frame []byte) {
	if c.Send(frame) {
		return
	}
	c.Close(CloseTooSlow, "too slow to read: reconnect to catch up")
	r.cfg.Metrics.SlowClients.Inc()
	if r.conns[seat] == c {
		delete(r.conns, seat)
		r.cfg.Metrics.Connected.Set(float64(len(r.conns)))
		if p := r.players[seat]; p != nil {
			r.setPresence(context.Background(), p, 0)
		}
	}
}
