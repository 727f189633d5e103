package room

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// A seat is the player's until the match ends, so a player who leaves
// mid-match would hold every other player at a turn nobody plays. Once a
// person has been gone StandInAfter, the pod plays their turns for them
// (gameserver/housebot), while another player is connected to play
// against (spectators do not count): a room that everyone has left is left alone, to be collected.
// The player takes the seat back by reconnecting, as always. A stand-in's
// moves are nobody's activity, like a bot's.

// StandInActionID is the action id of the move played for the away
// player at seat in answer to the log at seq: fixed for a turn, so two
// pods that answer the same turn log it once.
func StandInActionID(seat int, seq int64) string {
	return protocol.StandInActionPrefix + strconv.Itoa(seat) + "-" + strconv.FormatInt(seq, 10)
}

// StandInTurn reports the seat whose turn the pod should play now, with
// its view and the sequence the view is at. When the player to move is
// away but not yet for StandInAfter, wait is how long is left; zero wait
// with ok false means nothing to wait for: a change (a move, a connect,
// a disconnect) signals Changes.
func (r *Room) StandInTurn() (seat int, view cassino.View, seq int64, wait time.Duration, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seat, left := r.standInSeat()
	if seat < 0 {
		return 0, cassino.View{}, 0, left, false
	}
	return seat, r.match.View(seat), r.seq, 0, true
}

// standInSeat is the seat to play for now, or -1 and the time left
// before its player has been away StandInAfter (zero: not waiting).
func (r *Room) standInSeat() (int, time.Duration) {
	after := r.cfg.StandInAfter
	if after <= 0 || r.match == nil || r.match.Finished() || r.isLost() {
		return -1, 0
	}
	seat := r.match.Turn()
	p := r.players[seat]
	if p == nil || isBot(p.ID) {
		return -1, 0
	}
	if _, on := r.conns[seat]; on {
		return -1, 0
	}
	others := false
	for s := range r.conns {
		others = others || s != seat
	}
	if !others {
		return -1, 0
	}
	if gone := r.goneFor(p); gone < after {
		return -1, after - gone
	}
	return seat, 0
}

// PlayStandIn plays the move decided at seq for the away player at seat,
// by the path of a person's action, if the seat is still the one to play
// for at seq: the player may have come back meanwhile.
func (r *Room) PlayStandIn(ctx context.Context, seat int, seq int64, a cassino.Action) error {
	began := time.Now()
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if err := r.resync(ctx); err != nil {
		return err
	}
	if r.seq != seq {
		return ErrMoved
	}
	if now, _ := r.standInSeat(); now != seat {
		return ErrMoved
	}
	id := StandInActionID(seat, seq)
	if code, msg := r.act(ctx, seat, noConn{}, protocol.Act{ActionID: id, Action: a}, began); code != "" {
		r.cfg.Metrics.Rejects.WithLabelValues(code).Inc()
		return fmt.Errorf("stand-in of seat %d: %s: %s", seat, code, msg)
	}
	if r.seq == seq {
		r.stale = true // a duplicate the memory does not hold: reload first
	}
	return nil
}
