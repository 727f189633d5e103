package room

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// A Redis that lost the room's keys (FLUSHALL, a restart without
// persistence, an eviction) looks like a room that never started. Playing
// on would deal a fresh match under sequence numbers the clients already
// hold. So the pod keeps what outlives such a loss and checks Redis
// against it: the epoch and last sequence in its memory, the last
// sequence a reconnecting client saw, and the operator's word that the
// match had started (Config.MatchStarted). A loss, once seen, is final for
// this pod: it refuses every change and says so in its heartbeat.

// ErrDataLost means Redis lost the room's stored match: nothing is played,
// seated or recorded any more.
var ErrDataLost = errors.New("the room's stored match was lost from Redis")

// DataLostMessage is what a player is told when the room refuses them.
const DataLostMessage = "This room's saved game was lost by its storage, so the match cannot go on: " +
	"nothing more is played or recorded here. The platform has been told."

// dataGuard is what the room knows about its stored match.
type dataGuard struct {
	epoch     string // under r.mu: the epoch of the match in memory; "" before it starts
	announced bool   // under r.mu: the connected players were told of the loss
	// known is the epoch and sequence as of the last unlock, for the
	// heartbeat loop, which checks Redis without taking the room.
	known atomic.Pointer[known]
	lost  atomic.Pointer[string] // why the data is lost; nil while intact
	// resyncing: a reload after a storage error is under way.
	resyncing atomic.Bool
}

type known struct {
	epoch string
	seq   int64
	stale bool // memory may lag the log: a write's outcome was lost
}

func newEpoch() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("room epoch: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// lossOf says why stored shows the room's data lost, given the epoch and
// sequence the pod holds ("" and 0 before it saw a match) and whether the
// operator saw the match start; "" when nothing is lost.
func lossOf(epoch string, seq int64, started bool, stored actionlog.Stored) string {
	switch {
	case epoch == "" && started && stored.Setup == nil:
		return "the operator saw this room's match start, but Redis holds no setup for it"
	case epoch == "":
		return ""
	case stored.Epoch == "":
		return fmt.Sprintf("Redis no longer holds the room's epoch %s: its keys were flushed, evicted or lost in a restart", epoch)
	case stored.Epoch != epoch:
		return fmt.Sprintf("Redis holds epoch %s, not this match's %s: the room's keys were replaced", stored.Epoch, epoch)
	case stored.LastSeq < seq:
		return fmt.Sprintf("the action log ends at %d, but the match had reached %d: entries were lost", stored.LastSeq, seq)
	}
	return ""
}

// DataLost reports why the room's stored match is lost, if it is.
func (r *Room) DataLost() (why string, lost bool) {
	if p := r.guard.lost.Load(); p != nil {
		return *p, true
	}
	return "", false
}

func (r *Room) isLost() bool { return r.guard.lost.Load() != nil }

// markLost records the loss once; the first reason stands.
func (r *Room) markLost(why string) {
	if r.guard.lost.CompareAndSwap(nil, &why) {
		r.cfg.Log.Error(ErrDataLost, "refusing to play on: "+why, "room", r.cfg.Keys.Namespace+"/"+r.cfg.Keys.Name)
	}
}

// announceLost tells every connected player, once; under r.mu. Their
// connections stay open with the state they last saw.
func (r *Room) announceLost() {
	if !r.isLost() || r.guard.announced {
		return
	}
	r.guard.announced = true
	frame := protocol.Encode(protocol.NewError(protocol.CodeDataLost, DataLostMessage, ""))
	for seat, c := range r.conns {
		r.send(seat, c, frame)
	}
}

// checkStored reads the room's stored match and compares it with memory;
// under r.mu. It returns ErrDataLost when the data is lost, or the read's
// error: an unreachable Redis is no evidence either way.
func (r *Room) checkStored(ctx context.Context) error {
	if r.isLost() {
		return ErrDataLost
	}
	stored, err := r.log.LoadStored(ctx)
	if err != nil {
		return err
	}
	why := lossOf(r.guard.epoch, r.seq, r.cfg.MatchStarted, stored)
	if why == "" {
		return nil
	}
	r.markLost(why)
	r.announceLost()
	return ErrDataLost
}

// watchLoop checks Redis every period until ctx ends, so a loss is
// reported even while nobody plays. It runs beside the heartbeat loop, not
// in it: a slow read must not delay a beat.
func (r *Room) watchLoop(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		wctx, cancel := context.WithTimeout(ctx, period)
		r.watchStored(wctx)
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// watchStored never takes the room: it compares Redis with what the room
// published at its last unlock.
func (r *Room) watchStored(ctx context.Context) {
	k := r.guard.known.Load()
	if r.isLost() || k == nil || k.epoch == "" {
		return
	}
	stored, err := r.log.LoadStored(ctx)
	if err != nil {
		return // no evidence; the beat's own write reports the outage
	}
	if why := lossOf(k.epoch, k.seq, false, stored); why != "" {
		r.markLost(why)
		go func() {
			_, unlock := r.lock(context.Background())
			defer unlock()
			r.announceLost()
		}()
		return
	}
	// Redis answers again after a write whose outcome was lost: reload now
	// and send every seat the room as the log has it, rather than leave
	// the table waiting on a move that may already be played until the
	// next message arrives.
	if k.stale && r.guard.resyncing.CompareAndSwap(false, true) {
		go func() {
			defer r.guard.resyncing.Store(false)
			ctx, unlock := r.lock(context.Background())
			defer unlock()
			if err := r.resync(ctx); err != nil {
				r.cfg.Log.V(1).Info("reload after a storage error", "error", err.Error())
			}
		}()
	}
}
