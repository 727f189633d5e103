package soak

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/chaos"
)

// decisionSlack is how long before the harness sees a room collected the
// operator may have decided it (the write and the next look trail it).
const decisionSlack = 2 * time.Second

// monitor checks, while the soak runs, that no room has two live pods
// and that no room is collected while it is played or while Redis is
// unreachable. It stops when ctx ends.
func (j *injector) monitor(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	podTick := time.NewTicker(300 * time.Millisecond)
	roomTick := time.NewTicker(500 * time.Millisecond)
	defer podTick.Stop()
	defer roomTick.Stop()
	lastLook := map[string]time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-podTick.C:
			j.checkPods()
		case <-roomTick.C:
			j.checkCollection(ctx, lastLook)
		}
	}
}

func (j *injector) checkPods() {
	pods := chaos.GamePods()
	now := time.Now().UnixNano()
	for _, r := range j.rooms {
		if r.connected() > 0 {
			r.lastConnected.Store(now)
		}
		live := livePods(pods[r.key])
		if len(live) > 1 {
			j.v.add("%s had %d live pods at once: %+v", r, len(live), live)
		}
		// Logged, to read the faults' effects beside them.
		if len(live) == 1 && live[0].Pid != r.lastPid {
			if r.lastPid != 0 {
				j.inj.Logf("%s: pod process %d replaced by %d", r, r.lastPid, live[0].Pid)
			}
			r.lastPid = live[0].Pid
		}
	}
}

// checkCollection looks at every room once; lastLook is when each was
// last seen neither Abandoned nor gone.
func (j *injector) checkCollection(ctx context.Context, lastLook map[string]time.Time) {
	for _, r := range j.rooms {
		if r.collected.Load() != 0 {
			continue
		}
		now := time.Now()
		room := &gamesv1.GameRoom{}
		err := plat.Client.Get(ctx, client.ObjectKey{Namespace: r.ns, Name: r.name}, room)
		gone := apierrors.IsNotFound(err)
		if err != nil && !gone {
			continue // the API server is restarting: look again later
		}
		if !gone && room.DeletionTimestamp == nil && room.Status.Phase != gamesv1.PhaseAbandoned {
			lastLook[r.key] = now
			continue
		}
		r.collected.Store(now.UnixNano())
		phase := "gone"
		if !gone {
			phase = string(room.Status.Phase)
		}
		j.inj.Logf("%s collected (%s)", r, phase)
		idle, alone := time.Duration(r.idle.Load()), now.Sub(time.Unix(0, r.lastConnected.Load()))
		switch {
		case r.connected() > 0:
			j.v.add("%s collected (%s) while %d of its players were connected", r, phase, r.connected())
		case alone < idle-decisionSlack:
			j.v.add("%s collected (%s) %s after its last player was seen connected; idleTimeout is %s", r, phase, alone.Round(100*time.Millisecond), idle)
		case r.state.Load() == playing:
			j.v.add("%s abandoned while the harness was playing it: no player could connect for %s", r, alone.Round(time.Second))
		case r.state.Load() == finished && phase == string(gamesv1.PhaseAbandoned):
			j.v.add("%s finished its match but was abandoned", r)
		}
		if from := lastLook[r.key].Add(-decisionSlack); !lastLook[r.key].IsZero() && j.redisDownThroughout(from, now) {
			j.v.add("%s collected (%s) while Redis was unreachable", r, phase)
		}
	}
}
