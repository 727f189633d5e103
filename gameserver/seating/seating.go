// Package seating keeps a room's seats and player sessions in Redis (seat,
// name, connection count, last seen), so a replacement pod knows who sits
// where and nobody's seat depends on one pod's memory.
package seating

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/roomcontract"
)

var (
	//go:embed join.lua
	joinSource string
	joinScript = redis.NewScript(joinSource)

	//go:embed free.lua
	freeSource string
	freeScript = redis.NewScript(freeSource)
)

// Join refusals.
var (
	ErrRoomFull  = errors.New("every seat is taken")
	ErrSeatTaken = errors.New("that seat is taken")
	ErrNoSeat    = errors.New("no such seat")
)

// Player is one seated player's session record (a field of the sessions hash).
type Player struct {
	ID          string `json:"-"`
	Seat        int    `json:"seat"`
	Name        string `json:"name"`
	Joined      int64  `json:"joined"`      // Unix ms
	Connections int    `json:"connections"` // open websockets (0 or 1: a new one takes over)
	LastSeen    int64  `json:"lastSeen"`    // Unix ms of the last connect, disconnect or action; 0 if never
	// Expires is when the session issued at the join stops being
	// accepted (Unix seconds); 0 if not recorded (an older join).
	Expires int64 `json:"expires,omitempty"`
}

// Seats are the seats of one room.
type Seats struct {
	c     redis.UniversalClient
	keys  roomcontract.Room
	count int
}

// New returns the seats of a room with count seats.
func New(c redis.UniversalClient, keys roomcontract.Room, count int) *Seats {
	return &Seats{c: c, keys: keys, count: count}
}

// Join seats player id under name: at preferred if it is >= 0, else at the
// lowest free seat. Seat and session record are written atomically. A
// session with no end (a bot's) has a zero expires.
func (s *Seats) Join(ctx context.Context, id, name string, preferred int, now, expires time.Time) (Player, error) {
	if preferred >= s.count {
		return Player{}, fmt.Errorf("seat %d of %d: %w", preferred, s.count, ErrNoSeat)
	}
	p := Player{ID: id, Name: name, Joined: now.UnixMilli()}
	if !expires.IsZero() {
		p.Expires = expires.Unix()
	}
	rec, err := json.Marshal(p)
	if err != nil {
		return Player{}, err
	}
	seat, err := joinScript.Run(ctx, s.c, []string{s.keys.Seats(), s.keys.Sessions()}, id, rec, preferred, s.count).Int()
	if err != nil {
		return Player{}, fmt.Errorf("join: %w", err)
	}
	switch seat {
	case -1:
		return Player{}, ErrRoomFull
	case -2:
		return Player{}, fmt.Errorf("seat %d: %w", preferred, ErrSeatTaken)
	}
	p.Seat = seat
	return p, nil
}

// All returns every seated player, by seat.
func (s *Seats) All(ctx context.Context) ([]Player, error) {
	m, err := s.c.HGetAll(ctx, s.keys.Sessions()).Result()
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	out := make([]Player, 0, len(m))
	for id, raw := range m {
		var p Player
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return nil, fmt.Errorf("session of %s: %w", id, err)
		}
		p.ID = id
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seat < out[j].Seat })
	return out, nil
}

// Free gives p's seat back and drops p's session record, in one step; a
// seat held by someone else by then is left alone.
func (s *Seats) Free(ctx context.Context, p Player) error {
	if err := freeScript.Run(ctx, s.c, []string{s.keys.Seats(), s.keys.Sessions()}, p.ID, p.Seat).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("free seat %d: %w", p.Seat, err)
	}
	return nil
}

// Save writes a player's session record (presence changes). Only the room's
// pod writes records after the join, one change at a time.
func (s *Seats) Save(ctx context.Context, p Player) error {
	rec, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := s.c.HSet(ctx, s.keys.Sessions(), p.ID, rec).Err(); err != nil {
		return fmt.Errorf("save session of seat %d: %w", p.Seat, err)
	}
	return nil
}
