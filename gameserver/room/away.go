package room

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/croupier-dev/croupier/gameserver/seating"
)

// A player who takes a seat and goes away before the match starts would
// have the match start without them, and the table wait on a turn nobody
// plays. So once a seated person has been gone longer than AwayGrace
// before the start, the room takes no new player until they are back:
// a quick play then finds another table, and a link says why. A seat
// whose player has not connected yet (a join answered, its page still
// loading) counts from the join: a page closed before it connected leaves
// a chair as empty as one left later. A bot never counts.
//
// A seat whose session has ended is another matter: nobody can come back
// to it (the token that named it is refused), and a player who joins
// again would sit at another seat and start the match against their own
// empty chair. So before the start such a seat, with nobody connected on
// it, is given back at the next join. A connection open when the session
// ends stays open, and keeps its seat.
//
// So is a seat whose player has been gone longer than SeatHold before the
// start: a join never followed by a connection, or a page closed for
// good, would otherwise close the room to everyone for the rest of the
// session (a day by default), and one request could do that to any
// waiting room.

// ErrPlayerAway refuses a join into a room whose match has not started
// while a player seated there has been away longer than AwayGrace.
var ErrPlayerAway = errors.New("a player seated in this room left before its match started")

// DefaultAwayGrace is the default Config.AwayGrace: longer than a reload
// or a reconnect after a network blip.
const DefaultAwayGrace = 10 * time.Second

// DefaultSeatHold is the default Config.SeatHold: long enough to come
// back to a page closed by mistake.
const DefaultSeatHold = time.Minute

// goneFor is how long the person p has had no connection: since their
// last connect or disconnect, or their join if they never connected, and
// at the earliest since this pod opened the room (a previous pod's
// connections died with it, unseen); zero while connected.
func (r *Room) goneFor(p *seating.Player) time.Duration {
	if _, on := r.conns[p.Seat]; on {
		return 0
	}
	since := time.UnixMilli(p.LastSeen)
	if p.LastSeen == 0 {
		since = time.UnixMilli(p.Joined)
	}
	if since.Before(r.opened) {
		since = r.opened
	}
	return r.cfg.Now().Sub(since)
}

// awaySeat is ErrPlayerAway, naming the seat, while a person seated here
// left before the match started (or never connected since the join) and
// has been gone longer than AwayGrace, counted at the earliest from when
// this pod opened the room (a previous pod's connections died with it);
// nil otherwise.
func (r *Room) awaySeat() error {
	if r.match != nil {
		return nil
	}
	for seat, p := range r.players {
		if isBot(p.ID) {
			continue
		}
		if gone := r.goneFor(p); gone > r.cfg.AwayGrace {
			return fmt.Errorf("seat %d, gone %s: %w", seat, gone.Round(time.Second), ErrPlayerAway)
		}
	}
	return nil
}

// freeEndedSeats gives back, before the match starts, every person's seat
// whose session has ended, or whose player has been gone longer than
// SeatHold, while nobody is connected on it, and tells the table.
func (r *Room) freeEndedSeats(ctx context.Context) error {
	if r.match != nil {
		return nil
	}
	now := r.cfg.Now().Unix()
	for seat, p := range r.players {
		if isBot(p.ID) {
			continue
		}
		if _, on := r.conns[seat]; on {
			continue
		}
		ended := p.Expires != 0 && now >= p.Expires
		if !ended && r.goneFor(p) <= r.cfg.SeatHold {
			continue
		}
		if err := r.seats.Free(ctx, *p); err != nil {
			return err
		}
		delete(r.players, seat)
		r.broadcastLeft(*p)
	}
	return nil
}
