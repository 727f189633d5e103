package room

import (
	"context"
	"fmt"
	"time"

	"github.com/croupier-dev/croupier/roomcontract"
)

// presence is the part of the heartbeat that the room's state decides.
type presence struct {
	seated, connected int
	lastActivity      time.Time
	phase             string
}

// publish records the room's presence for the heartbeat; under r.mu.
func (r *Room) publish() {
	r.presence.Store(&presence{seated: len(r.players), connected: len(r.conns), lastActivity: r.lastActivity, phase: r.phase()})
	r.guard.known.Store(&known{epoch: r.guard.epoch, seq: r.seq, stale: r.stale})
}

// Beat is the room's heartbeat as of now. It never waits for the room:
// a room busy with a slow Redis still beats on time, with the presence
// of its last finished operation.
func (r *Room) Beat(pod string) roomcontract.Beat {
	p := r.presence.Load()
	if p == nil {
		p = &presence{phase: roomcontract.PhaseWaiting}
	}
	return roomcontract.Beat{
		Pod:          pod,
		Time:         r.cfg.Now(),
		Seated:       p.seated,
		Connected:    p.connected,
		LastActivity: p.lastActivity,
		Phase:        p.phase,
		DataLost:     r.isLost(),
	}
}

// HeartbeatTTL is how long a heartbeat outlives its pod: long enough for
// the operator to see a silent pod as silent, short enough not to linger.
func HeartbeatTTL(period time.Duration) time.Duration { return 10 * period }

// RunHeartbeat writes the heartbeat now and every period until ctx ends.
// Each write is cut at one period, so a hanging Redis delays the next
// beat by at most that; a beat that fails is logged and the loop goes on.
func (r *Room) RunHeartbeat(ctx context.Context, pod string, period time.Duration) {
	r.beatAt.Store(time.Now().UnixNano())
	r.beatPeriod.Store(int64(period))
	defer r.beatAt.Store(0)
	go r.watchLoop(ctx, period)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		wctx, cancel := context.WithTimeout(ctx, period)
		err := roomcontract.WriteBeat(wctx, r.cfg.Redis, r.cfg.Keys, r.Beat(pod), HeartbeatTTL(period))
		cancel()
		if err != nil && ctx.Err() == nil {
			r.cfg.Log.Error(err, "write heartbeat")
		}
		r.beatAt.Store(time.Now().UnixNano())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Alive reports whether the heartbeat loop, once started, is running and
// on time: a pod whose loop stopped, or stalled for three periods, fails
// its liveness probe and is restarted, instead of serving a room that the
// operator sees as silent.
func (r *Room) Alive() error {
	period := time.Duration(r.beatPeriod.Load())
	if period == 0 {
		return nil // not started yet: the room is still being recovered
	}
	at := r.beatAt.Load()
	if at == 0 {
		return fmt.Errorf("the heartbeat loop has stopped")
	}
	if since := time.Since(time.Unix(0, at)); since > 3*period {
		return fmt.Errorf("the heartbeat loop last ran %s ago (period %s)", since.Round(time.Millisecond), period)
	}
	return nil
}
