// Package room is one game room inside its pod: the seats, the match, and
// the connected players. A single lock serialises everything that changes
// the room, so actions are decided, logged, applied and broadcast in one
// order, and a reconnecting player's catch-up never races a live event.
package room

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Conn is a player's connection as the room sees it. Both methods must
// return at once: the room calls them under its lock.
type Conn interface {
	// Send queues a frame; false means the queue is full (a slow client).
	Send(frame []byte) bool
	// Close ends the connection with a websocket close code and reason.
	Close(code int, reason string)
}

// Close codes the room uses.
const (
	CloseTakenOver = 4001 // another connection of the same session took over
	CloseTooSlow   = 4002 // the client did not read its frames fast enough
)

// Config of a room.
type Config struct {
	Keys    roomcontract.Room
	Options cassino.Options // Players is the number of seats
	Redis   redis.UniversalClient
	// WaitReplicas replicas must have an action before it is acknowledged
	// (actionlog.Log.WithWaitReplicas; 0: none).
	WaitReplicas int
	// SnapshotEvery actions a snapshot is written (default 100), so
	// recovery replays at most that many entries. The log itself is never
	// trimmed: it keeps the whole match for replays.
	SnapshotEvery int64
	// MaxCatchUp is the largest gap sent as events (default 100); a larger
	// one gets a full view, so catch-up fits the connection's send queue.
	MaxCatchUp int64
	// CallTimeout bounds the Redis work of one operation (an action, a
	// hello, a join; default 3s), so a hanging Redis gets a player an
	// answer instead of silence.
	CallTimeout time.Duration
	Now         func() time.Time
	Seed        func() (int64, error) // the match's shuffle seed; crypto/rand by default
	// MatchStarted: the operator saw this room's match start, so a Redis
	// without its setup has lost it (see epoch.go).
	MatchStarted bool
	Log          logr.Logger
	Metrics      *Metrics // nil: no metrics
	// Spectators who may watch the room (spectate.go); zero: nobody.
	Spectators Spectators
	// AwayGrace: a seated player gone this long before the match starts
	// closes the room to new players until they are back (away.go;
	// default DefaultAwayGrace).
	AwayGrace time.Duration
	// SessionTTL is how long a player's session lasts from the join, as
	// the pod issues it: before the match starts, a seat whose session
	// has ended, with nobody connected on it, is given back (away.go).
	// Zero: seats are never given back.
	SessionTTL time.Duration
	// SeatHold: before the match starts, a person's seat with nobody
	// connected is given back at the next join once its player has been
	// gone this long (away.go; default DefaultSeatHold).
	SeatHold time.Duration
	// StandInAfter: once the match is on, a person gone this long has
	// their turns played by the pod while another player is connected
	// (standin.go). Zero: never.
	StandInAfter time.Duration
}

func (c *Config) defaults() {
	if c.SnapshotEvery <= 0 {
		c.SnapshotEvery = 100
	}
	if c.MaxCatchUp <= 0 {
		c.MaxCatchUp = 100
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Seed == nil {
		c.Seed = cryptoSeed
	}
	if c.Metrics == nil {
		c.Metrics = nopMetrics()
	}
	if c.AwayGrace <= 0 {
		c.AwayGrace = DefaultAwayGrace
	}
	if c.SeatHold <= 0 {
		c.SeatHold = DefaultSeatHold
	}
}

// DefaultCallTimeout is the default Config.CallTimeout.
const DefaultCallTimeout = 3 * time.Second

func cryptoSeed() (int64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("shuffle seed: %w", err)
	}
	return int64(binary.BigEndian.Uint64(b[:]) >> 1), nil
}

// Room is one room, recovered from Redis by Open.
type Room struct {
	cfg   Config
	log   *actionlog.Log
	seats *seating.Seats

	mu    sync.Mutex
	match *cassino.Match // nil while seats are free
	// views lends the engine the memory of the views a broadcast encodes
	// at once and forgets, so an action allocates no view per seat.
	views        cassino.Scratch
	seq          int64 // last sequence applied to match
	snapSeq      int64 // sequence of the latest snapshot written
	players      map[int]*seating.Player
	conns        map[int]Conn
	lastActivity time.Time
	opened       time.Time // when this pod opened the room
	stale        bool      // memory may lag the log (a failed write); reload first
	guard        dataGuard

	// presence is what the heartbeat reports, published at every unlock:
	// the heartbeat never waits for the room lock, which is held across
	// Redis calls.
	presence atomic.Pointer[presence]
	// beatAt is when the heartbeat loop last completed a write attempt
	// (Unix ns); 0 while it is not running. Alive reads it.
	beatAt     atomic.Int64
	beatPeriod atomic.Int64

	changes chan struct{} // see Changes

	watch watchers // the spectators and their delayed table (spectate.go)
}

// lock takes the room for one operation and bounds the operation's Redis
// work by CallTimeout; the returned func publishes presence and unlocks.
func (r *Room) lock(ctx context.Context) (context.Context, func()) {
	r.mu.Lock()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
	return ctx, func() {
		cancel()
		r.publish()
		r.mu.Unlock()
	}
}

// Open recovers the room from Redis: seats, setup, latest snapshot and the
// log after it. Connection counts left by a previous pod are reset, since
// no connection survives a pod.
func Open(ctx context.Context, cfg Config) (*Room, error) {
	cfg.defaults()
	r := &Room{
		cfg:     cfg,
		log:     actionlog.New(cfg.Redis, cfg.Keys).WithWaitReplicas(cfg.WaitReplicas),
		seats:   seating.New(cfg.Redis, cfg.Keys, cfg.Options.Players),
		conns:   map[int]Conn{},
		players: map[int]*seating.Player{}, // kept empty by a pod that finds the data lost at start
		opened:  cfg.Now(),
	}
	// Recovery is not a player's operation: it gets the caller's ctx, not
	// CallTimeout, as a long log can take longer to replay.
	r.changes = make(chan struct{}, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.publish()
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	if r.isLost() {
		return r, nil // nothing more is written: the room only reports the loss
	}
	for _, p := range r.players {
		if p.Connections != 0 {
			p.Connections = 0
			if err := r.seats.Save(ctx, *p); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// load reads seats and match state from Redis into memory. Once the
// room's data is lost, memory keeps what the players last saw.
func (r *Room) load(ctx context.Context) error {
	if r.isLost() {
		r.stale = false
		return nil
	}
	all, err := r.seats.All(ctx)
	if err != nil {
		return err
	}
	if err := r.recoverMatch(ctx); err != nil {
		return err
	}
	if r.isLost() {
		r.stale = false
		return nil
	}
	r.players = map[int]*seating.Player{}
	for i := range all {
		p := all[i]
		r.players[p.Seat] = &p
		if seen := time.UnixMilli(p.LastSeen); p.LastSeen != 0 && seen.After(r.lastActivity) {
			r.lastActivity = seen
		}
	}
	if r.match == nil && len(r.players) == r.cfg.Options.Players {
		return r.start(ctx)
	}
	r.stale = false
	return nil
}

// Phase is waiting, playing or finished.
func (r *Room) Phase() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.phase()
}

func (r *Room) phase() string {
	switch {
	case r.match == nil:
		return roomcontract.PhaseWaiting
	case r.match.Finished():
		return roomcontract.PhaseFinished
	default:
		return roomcontract.PhasePlaying
	}
}

// Seq is the last sequence the room applied.
func (r *Room) Seq() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq
}
