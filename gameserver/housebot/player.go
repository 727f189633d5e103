package housebot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
)

// retryAfter is the wait before a bot tries again after a move failed
// (Redis unreachable): the room reloads from the log first.
const retryAfter = time.Second

// Options of a room's bots.
type Options struct {
	Room    *room.Room
	Config  Config
	Players int // seats of the room
	Log     logr.Logger
	// After is the think-time timer (time.After when nil): tests hold it
	// to see that a bot waits.
	After func(time.Duration) <-chan time.Time
	// StandIn: the room has players' turns played for them while they
	// are away (room.Config.StandInAfter), as a greedy bot would.
	StandIn bool
}

// Player plays the house bots of one room.
type Player struct {
	opts   Options
	level  Level
	seats  []int
	decide decideFunc
}

// New returns the player of the room's bots.
func New(o Options) *Player {
	if o.After == nil {
		o.After = time.After
	}
	level := o.Config.Level
	if level == "" {
		level = DefaultLevel
	}
	return &Player{opts: o, level: level, seats: o.Config.Seats(o.Players), decide: levels[level]}
}

// ActionID is the id of the move the bot at seat makes in answer to the
// log at seq: the same in every pod, so the log's dedup sees a repeat.
func ActionID(seat int, seq int64) string {
	return fmt.Sprintf("%s%d-%d", protocol.BotActionPrefix, seat, seq)
}

// Seat seats the bots, or finds them seated. Call it before the room
// takes players, so nobody else can sit in a bot's seat.
func (p *Player) Seat(ctx context.Context) error {
	for i, seat := range p.seats {
		name := fmt.Sprintf("Bot %d (%s)", i+1, p.level)
		if err := p.opts.Room.SeatBot(ctx, seat, name); err != nil {
			return fmt.Errorf("seat the bot of seat %d: %w", seat, err)
		}
	}
	return nil
}

// Run plays the bots' turns, and the away players' where the room has
// stand-ins, until ctx ends.
func (p *Player) Run(ctx context.Context) {
	if len(p.seats) == 0 && !p.opts.StandIn {
		return
	}
	for ctx.Err() == nil {
		played, wait := p.move(ctx)
		if played {
			continue
		}
		var away *time.Timer
		var awayC <-chan time.Time
		if wait > 0 {
			away = time.NewTimer(wait)
			awayC = away.C
		}
		select {
		case <-ctx.Done():
		case <-p.opts.Room.Changes():
		case <-awayC:
		}
		if away != nil {
			away.Stop()
		}
	}
}

// move plays one bot whose turn it is, or the turn of an away player,
// after the think time; false means nobody the pod plays for has the
// turn, and wait how long until an away player's turn is theirs to play
// (zero: until the room changes).
func (p *Player) move(ctx context.Context) (played bool, wait time.Duration) {
	for _, seat := range p.seats {
		view, seq, ok := p.opts.Room.BotTurn(seat)
		if !ok {
			continue
		}
		action := p.decide(view, seq)
		if !p.think(ctx, p.opts.Config.Delay) {
			return true, 0
		}
		p.retryIfFailed(ctx, "bot move", seat, seq, p.opts.Room.PlayBot(ctx, seat, seq, ActionID(seat, seq), action))
		return true, 0
	}
	if !p.opts.StandIn {
		return false, 0
	}
	seat, view, seq, wait, ok := p.opts.Room.StandInTurn()
	if !ok {
		return false, wait
	}
	action := levels[LevelGreedy](view, seq)
	if !p.think(ctx, DefaultDelay) {
		return true, 0
	}
	p.retryIfFailed(ctx, "stand-in move", seat, seq, p.opts.Room.PlayStandIn(ctx, seat, seq, action))
	return true, 0
}

// think waits d; false when ctx ended first.
func (p *Player) think(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-p.opts.After(d):
		return true
	}
}

// retryIfFailed waits before the next move after one that failed for
// another reason than the room moving on (Redis unreachable).
func (p *Player) retryIfFailed(ctx context.Context, what string, seat int, seq int64, err error) {
	if err == nil || errors.Is(err, room.ErrMoved) || ctx.Err() != nil {
		return
	}
	p.opts.Log.Error(err, what+"; retrying", "seat", seat, "seq", seq, "in", retryAfter.String())
	retry := time.NewTimer(retryAfter)
	defer retry.Stop()
	select {
	case <-ctx.Done():
	case <-retry.C:
	}
}
