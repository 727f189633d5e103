package room

import (
	"context"
	"errors"
)

// ErrMatchStarted refuses a leave once the match is on: a seat is its
// player's for the rest of the match.
var ErrMatchStarted = errors.New("the match has started")

// Leave gives back the seat of playerID, connected on c, before the match
// starts: a player who goes elsewhere (a table with bots, another room)
// leaves no empty chair for the next player to start a match against.
// The table is told, and c is no longer the seat's connection.
func (r *Room) Leave(ctx context.Context, playerID string, seat int, c Conn) error {
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if err := r.current(ctx); err != nil {
		return err
	}
	p := r.players[seat]
	if p == nil || p.ID != playerID || r.conns[seat] != c {
		return ErrNotSeated
	}
	if r.match != nil {
		return ErrMatchStarted
	}
	if err := r.seats.Free(ctx, *p); err != nil {
		return err
	}
	delete(r.players, seat)
	delete(r.conns, seat)
	r.cfg.Metrics.Connected.Set(float64(len(r.conns)))
	r.broadcastLeft(*p)
	return nil
}
