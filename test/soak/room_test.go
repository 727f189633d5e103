package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/internal/playerclient"
)

// Room states, as the harness knows them.
const (
	playing int32 = iota
	finished
	walkedAway
	failed
)

// roomRun is one room of the soak and its players.
type roomRun struct {
	ns, name, key string
	seats         int
	// walkAfter > 0: the players leave once the log reaches this sequence.
	walkAfter int64
	// pace is the mean think time until windowEnd, hurriedPace after.
	pace      time.Duration
	windowEnd time.Time
	v         *violations
	inj       *chaos.Injector
	bots      []*bot

	// actions is how many actions the log held when it was checked.
	actions int
	state   atomic.Int32
	// leaving: the harness walks away from the room; every player leaves
	// at once, so the room is idle from that moment.
	leaving atomic.Bool
	// stop ends every player of the room: it walks away, one player
	// failed (the others would wait for its turn forever), or the run is
	// out of time.
	stop     atomic.Bool
	walkedAt atomic.Int64 // Unix ns
	// lastPid is the room's live pod process the monitor last saw.
	lastPid int
	// lastConnected is when the monitor last saw a player connected (Unix
	// ns); idle is the room's idleTimeout now.
	lastConnected atomic.Int64
	idle          atomic.Int64
	// collected is when the harness first saw the room Abandoned or gone.
	collected atomic.Int64
}

func (r *roomRun) String() string { return r.key }

// leave walks every player away from the room, once.
func (r *roomRun) leave() {
	if r.leaving.CompareAndSwap(false, true) {
		r.walkedAt.Store(time.Now().UnixNano())
		r.state.Store(walkedAway)
		r.stop.Store(true)
		r.inj.Logf("%s: the players walk away at seq %d", r, r.walkAfter)
	}
}

func (r *roomRun) connected() int {
	n := 0
	for _, b := range r.bots {
		if b.connected.Load() {
			n++
		}
	}
	return n
}

// newRoom draws room i's seats and walk-away point from the seed.
func newRoom(cfg config, inj *chaos.Injector, v *violations, ns string, i int) *roomRun {
	rng := chaos.Rand(cfg.seed, uint64(1000+i))
	seats := []int{2, 2, 2, 3, 4}[rng.IntN(5)]
	r := &roomRun{ns: ns, name: fmt.Sprintf("soak-%03d", i), seats: seats, pace: cfg.pace(), v: v, inj: inj}
	r.key = ns + "/" + r.name
	if cfg.walksAway(i) {
		r.walkAfter = int64(5 + rng.IntN(20))
	}
	for s := range seats {
		r.bots = append(r.bots, &bot{r: r, seat: s, rng: chaos.Rand(cfg.seed, uint64(100000+i*10+s)),
			events: map[int64]json.RawMessage{}, acks: map[string]int64{}, sent: map[string][]byte{}})
	}
	return r
}

// create applies the GameRoom: the lowest target score, the shortest
// heartbeat timeout, the default idle timeout, and a finished room kept
// until the checks are done.
func (r *roomRun) create(ctx context.Context) error {
	w := gameroomtest.MakeGameRoom(r.name, r.ns).Players(int32(r.seats)).TargetScore(11).
		HeartbeatTimeout(heartbeatTimeout).IdleTimeout(playIdle).TTLAfterFinished(time.Hour)
	r.idle.Store(int64(playIdle))
	r.lastConnected.Store(time.Now().UnixNano())
	return plat.Client.Create(ctx, w.Obj())
}

// shortenIdle sets the room's idleTimeout to walkAwayIdle once its players
// are gone, so it is abandoned within the run; it retries while the API
// server restarts.
func (r *roomRun) shortenIdle() {
	patch := []byte(fmt.Sprintf(`{"spec":{"idleTimeout":%q}}`, walkAwayIdle.String()))
	deadline := time.Now().Add(3 * time.Minute)
	for {
		room := &gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Namespace: r.ns, Name: r.name}}
		err := plat.Client.Patch(context.Background(), room, client.RawPatch(types.MergePatchType, patch))
		if err == nil || apierrors.IsNotFound(err) {
			r.idle.Store(int64(walkAwayIdle))
			r.inj.Logf("%s: idleTimeout now %s", r, walkAwayIdle)
			return
		}
		if time.Now().After(deadline) {
			r.v.add("%s: set idleTimeout after walking away: %v", r, err)
			return
		}
		time.Sleep(time.Second)
	}
}

// seat waits until the router routes to the room and takes every seat.
func (r *roomRun) seat(ctx context.Context) error {
	if err := playerclient.WaitRoutable(ctx, plat.URL(), r.ns, r.name); err != nil {
		return err
	}
	for _, b := range r.bots {
		j, err := playerclient.JoinRoom(ctx, plat.URL(), r.ns, r.name, fmt.Sprintf("P%d", b.seat))
		if err != nil {
			return err
		}
		if j.Seat != b.seat {
			return fmt.Errorf("%s: player %d got seat %d", r, b.seat, j.Seat)
		}
		b.joined = j
	}
	return nil
}

// play runs every player to the end; the room's state says how it ended.
func (r *roomRun) play() {
	var wg sync.WaitGroup
	errs := make([]error, len(r.bots))
	for i, b := range r.bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.run()
			if errs[i] != nil && !errors.Is(errs[i], errWalkedAway) {
				r.v.add("%s: %v", r, errs[i])
				r.stop.Store(true)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, errWalkedAway) {
			r.state.Store(failed)
			return
		}
	}
	if r.leaving.Load() {
		// Checked now: once abandoned, the room's keys are removed.
		r.actions = verify(context.Background(), r)
		r.inj.Logf("%s: every player is gone", r)
		r.shortenIdle()
		return
	}
	r.state.Store(finished)
}
