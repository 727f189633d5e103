package housebot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"

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
func ActionID(seat int, seq int64) string { return fmt.Sprintf("bot-%d-%d", seat, seq) }

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

// Run plays the bots' turns until ctx ends.
func (p *Player) Run(ctx context.Context) {
	if len(p.seats) == 0 {
		return
	}
	for ctx.Err() == nil {
		if p.move(ctx) {
			continue
		}
		select {
		case <-ctx.Done():
		case <-p.opts.Room.Changes():
		}
	}
}

// move plays one bot whose turn it is, after its think time; false means
// no bot has the turn.
func (p *Player) move(ctx context.Context) bool {
	for _, seat := range p.seats {
		view, seq, ok := p.opts.Room.BotTurn(seat)
		if !ok {
			continue
		}
		action := p.decide(view, seq)
		select {
		case <-ctx.Done():
			return true
		case <-p.opts.After(p.opts.Config.Delay):
		}
		err := p.opts.Room.PlayBot(ctx, seat, seq, ActionID(seat, seq), action)
		if err != nil && !errors.Is(err, room.ErrMoved) && ctx.Err() == nil {
			p.opts.Log.Error(err, "bot move; retrying", "seat", seat, "seq", seq, "in", retryAfter.String())
			retry := time.NewTimer(retryAfter)
			defer retry.Stop()
			select {
			case <-ctx.Done():
			case <-retry.C:
			}
		}
		return true
	}
	return false
}
