package room

import (
	"context"
	"time"

	"github.com/croupier-dev/croupier/roomcontract"
)

// Beat is the room's heartbeat as of now.
func (r *Room) Beat(pod string) roomcontract.Beat {
	r.mu.Lock()
	defer r.mu.Unlock()
	return roomcontract.Beat{
		Pod:          pod,
		Time:         r.cfg.Now(),
		Seated:       len(r.players),
		Connected:    len(r.conns),
		LastActivity: r.lastActivity,
		Phase:        r.phase(),
	}
}

// HeartbeatTTL is how long a heartbeat outlives its pod: long enough for
// the operator to see a silent pod as silent, short enough not to linger.
func HeartbeatTTL(period time.Duration) time.Duration { return 10 * period }

// RunHeartbeat writes the heartbeat now and every period until ctx ends.
func (r *Room) RunHeartbeat(ctx context.Context, pod string, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if err := roomcontract.WriteBeat(ctx, r.cfg.Redis, r.cfg.Keys, r.Beat(pod), HeartbeatTTL(period)); err != nil && ctx.Err() == nil {
			r.cfg.Log.Error(err, "write heartbeat")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
