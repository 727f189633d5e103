package room

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/seating"
)

// Join seats a new player (at preferred, or the lowest free seat when it
// is negative) and starts the match when that filled the last seat.
func (r *Room) Join(ctx context.Context, name string, preferred int) (seating.Player, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return seating.Player{}, fmt.Errorf("player id: %w", err)
	}
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if err := r.current(ctx); err != nil {
		return seating.Player{}, err
	}
	if err := r.freeEndedSeats(ctx); err != nil {
		return seating.Player{}, err
	}
	if err := r.awaySeat(); err != nil {
		return seating.Player{}, err
	}
	now := r.cfg.Now()
	var expires time.Time
	if r.cfg.SessionTTL > 0 {
		expires = now.Add(r.cfg.SessionTTL)
	}
	p, err := r.seats.Join(ctx, hex.EncodeToString(id), name, preferred, now, expires)
	if err != nil {
		return seating.Player{}, err
	}
	return p, r.seated(ctx, p)
}

// seated records a new seat holder and starts the match when that filled
// the last seat.
func (r *Room) seated(ctx context.Context, p seating.Player) error {
	r.players[p.Seat] = &p
	r.broadcastPresence(p)
	if len(r.players) == r.cfg.Options.Players && r.match == nil {
		if err := r.start(ctx); err != nil {
			r.stale = true
			return fmt.Errorf("start the match: %w", err)
		}
		r.broadcastStart(ctx)
	}
	return nil
}

// broadcastStart sends the start entry (the opening deal) to everyone
// connected before the last seat was taken.
func (r *Room) broadcastStart(ctx context.Context) {
	entries, err := r.log.After(ctx, 0)
	if err != nil || len(entries) == 0 {
		r.cfg.Log.Error(err, "read the start entry; connected players get a full view")
		r.sendViews()
		return
	}
	e := entries[0]
	events, err := decodeEvents(e.Events)
	if err != nil {
		r.cfg.Log.Error(err, "decode the start entry")
		r.sendViews()
		return
	}
	r.broadcastEntry(e.Seq, e.Seat, "", events, nil)
}

// sendViews sends every connected seat a full view.
func (r *Room) sendViews() {
	for seat, c := range r.conns {
		r.send(seat, c, protocol.Encode(r.viewMessage(seat)))
	}
	r.reloadWatchers()
}

func (r *Room) viewMessage(seat int) protocol.View {
	msg := protocol.View{V: protocol.Version, Type: protocol.TypeView, Seq: r.seq, Phase: r.phase()}
	if r.match != nil {
		v := r.match.View(seat)
		msg.View = &v
	}
	return msg
}
