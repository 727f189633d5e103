package room

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// House bots are seats the pod plays itself (gameserver/housebot). A bot
// holds its seat like a person, so the match starts when the people's
// seats fill, but it never has a connection and its moves are not player
// activity: a room where only bots remain goes idle and is collected.

// botIDPrefix cannot begin a person's player id, which is hex.
const botIDPrefix = "bot-"

// BotID is the player id of the bot at seat. It is fixed, so a pod that
// replaces another finds its bots already seated.
func BotID(seat int) string { return botIDPrefix + strconv.Itoa(seat) }

func isBot(id string) bool { return strings.HasPrefix(id, botIDPrefix) }

// ErrMoved means the room is no longer at the sequence a bot decided at.
var ErrMoved = errors.New("the room moved on since the bot decided")

// SeatBot seats a bot at seat, or finds it there, and starts the match if
// that took the last seat.
func (r *Room) SeatBot(ctx context.Context, seat int, name string) error {
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if err := r.resync(ctx); err != nil {
		return err
	}
	if r.isLost() {
		return nil // the pod stays up to report the loss; nobody sits down
	}
	if p := r.players[seat]; p != nil && p.ID == BotID(seat) {
		return nil
	}
	p, err := r.seats.Join(ctx, BotID(seat), name, seat, r.cfg.Now(), time.Time{})
	if err != nil {
		return err
	}
	if p.Seat != seat {
		return fmt.Errorf("bot of seat %d holds seat %d", seat, p.Seat)
	}
	return r.seated(ctx, p)
}

// BotTurn reports whether it is the bot's turn at seat, with the seat's
// own view (what a person there would see, nothing more) and the sequence
// the view is at.
func (r *Room) BotTurn(seat int) (view cassino.View, seq int64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.players[seat]
	if p == nil || !isBot(p.ID) || r.match == nil || r.match.Finished() || r.match.Turn() != seat || r.isLost() {
		return cassino.View{}, 0, false
	}
	return r.match.View(seat), r.seq, true
}

// PlayBot plays the bot's action decided at seq, by the path of a
// person's action: decide, log with its dedup record, apply, broadcast.
// An action id already logged for the seat is not played again.
func (r *Room) PlayBot(ctx context.Context, seat int, seq int64, actionID string, a cassino.Action) error {
	began := time.Now()
	ctx, unlock := r.lock(ctx)
	defer unlock()
	if p := r.players[seat]; p == nil || !isBot(p.ID) {
		return ErrNotSeated
	}
	if err := r.resync(ctx); err != nil {
		return err
	}
	if r.seq != seq {
		return ErrMoved
	}
	if code, msg := r.act(ctx, seat, noConn{}, protocol.Act{ActionID: actionID, Action: a}, began); code != "" {
		r.cfg.Metrics.Rejects.WithLabelValues(code).Inc()
		return fmt.Errorf("bot of seat %d: %s: %s", seat, code, msg)
	}
	if r.seq == seq {
		// Answered as a duplicate the memory does not hold: the log is
		// ahead, so reload before the bot looks again.
		r.stale = true
	}
	return nil
}

// Changes signals, without blocking the room, that its match may have
// moved: a bot should look whether it is its turn. One reader only.
func (r *Room) Changes() <-chan struct{} { return r.changes }

func (r *Room) changed() {
	select {
	case r.changes <- struct{}{}:
	default: // a signal is pending: the reader will look anyway
	}
}

// noConn answers a bot: it reads the log, not its acks.
type noConn struct{}

func (noConn) Send([]byte) bool  { return true }
func (noConn) Close(int, string) {}
