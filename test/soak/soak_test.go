package soak

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/internal/rediscluster"
)

// settleBound is how long, after the last player is done, every room has
// to show its end in its status (Finished, or Abandoned for the rooms the
// harness left).
const settleBound = walkAwayIdle + 90*time.Second

// playBound is how long matches may go on after the fault window, where
// their players hurry: a match to 11 points at hurriedPace takes well
// under a minute, so a room still in play past this is stuck.
const playBound = 6 * time.Minute

func TestSoak(t *testing.T) {
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	runSoak(t, cfg, chaos.Platform, nil)
}

// runSoak plays cfg's rooms on plat while the faults of kinds hit it;
// cluster is the Redis Cluster plat runs on, for its failovers (nil on
// the platform's own redis-server).
func runSoak(t *testing.T, cfg config, kinds []chaos.Kind, cluster *rediscluster.Cluster) {
	start := time.Now()
	inj := chaos.New(cfg.seed, &logWriter{t: t})
	v := &violations{log: inj.Logf}
	ns := plat.Namespace(t)
	rooms := make([]*roomRun, cfg.rooms)
	for i := range rooms {
		rooms[i] = newRoom(cfg, inj, v, ns, i)
	}
	j := &injector{inj: inj, v: v, rooms: rooms, skipBusy: cfg.long, cluster: cluster}
	inj.Logf("seed %d: %d rooms, faults over %s (%s)", cfg.seed, cfg.rooms, cfg.window, map[bool]string{true: "a stream", false: "a fixed budget"}[cfg.long])
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("reproduce with: SOAK_SEED=%d SOAK_ROOMS=%d%s go test -run '^%s$' -v ./test/soak/", cfg.seed, cfg.rooms,
			map[bool]string{true: " SOAK_DURATION=" + cfg.window.String(), false: ""}[cfg.long], t.Name())
	})

	// Seat every room before the faults: a join is not idempotent (a lost
	// answer costs a seat), so the soak plays faults against matches.
	setupCtx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := parallel(rooms, func(r *roomRun) error {
		if err := r.create(setupCtx); err != nil {
			return err
		}
		return r.seat(setupCtx)
	}); err != nil {
		t.Fatalf("seed %d: set up the rooms: %v", cfg.seed, err)
	}
	inj.Logf("every room seated in %s", time.Since(start).Round(100*time.Millisecond))

	monCtx, stopMonitor := context.WithCancel(context.Background())
	monDone := make(chan struct{})
	go j.monitor(monCtx, monDone)
	defer func() { stopMonitor(); <-monDone }()

	playStart := time.Now()
	for _, r := range rooms {
		r.windowEnd = playStart.Add(cfg.window)
	}
	played := make(chan struct{})
	go func() {
		defer close(played)
		_ = parallel(rooms, func(r *roomRun) error { r.play(); return nil })
	}()
	schedule := inj.Budget(cfg.window, kinds)
	if cfg.long {
		schedule = inj.Stream(cfg.window, cfg.faultEvery(), kinds)
	}
	for _, f := range schedule {
		select {
		case <-played:
		case <-time.After(time.Until(playStart.Add(f.At))):
			j.play(f)
			continue
		}
		break
	}
	// Matches outlast the window by their own length; past this, the
	// rooms still in play are stopped and reported.
	select {
	case <-played:
	case <-time.After(time.Until(playStart.Add(cfg.window + playBound))):
		for _, r := range rooms {
			if r.state.Load() == playing {
				v.add("%s still in play %s after the faults ended (seq %d)", r, playBound, r.bots[0].lastSeq)
				r.stop.Store(true)
			}
		}
		<-played
	}
	j.wait()
	inj.Logf("every player done; waiting for the rooms to settle")

	settle(t, j)
	stopMonitor()
	<-monDone

	actions := 0
	for _, r := range rooms {
		if r.state.Load() == finished {
			r.actions = verify(context.Background(), r)
		}
		actions += r.actions
	}
	if cluster != nil && inj.Counts()[chaos.RedisFailover] == 0 {
		// Else the run would pass without testing what it is for.
		v.add("no primary of a played room's slot failed over")
	}
	report(t, cfg, inj, rooms, actions, v, time.Since(start))
}

// settle waits until every room's status shows how it ended.
func settle(t *testing.T, j *injector) {
	deadline := time.Now().Add(settleBound)
	for _, r := range j.rooms {
		for {
			room := &gamesv1.GameRoom{}
			err := plat.Client.Get(context.Background(), client.ObjectKey{Namespace: r.ns, Name: r.name}, room)
			switch st := r.state.Load(); {
			case st == failed:
			case st == walkedAway && r.collected.Load() != 0:
			case st == finished && err == nil && room.Status.Phase == gamesv1.PhaseFinished:
			default:
				if time.Now().Before(deadline) {
					time.Sleep(250 * time.Millisecond)
					continue
				}
				j.v.add("%s did not end as it should: harness state %d, phase %q (err %v)", r, st, room.Status.Phase, err)
			}
			break
		}
	}
}

func report(t *testing.T, cfg config, inj *chaos.Injector, rooms []*roomRun, actions int, v *violations, took time.Duration) {
	counts := map[int32]int{}
	for _, r := range rooms {
		counts[r.state.Load()]++
	}
	list := v.all()
	t.Logf("SOAK seed=%d rooms=%d finished=%d walked-away=%d failed=%d actions=%d faults: %s; violations=%d; took %s",
		cfg.seed, cfg.rooms, counts[finished], counts[walkedAway], counts[failed], actions, inj.Summary(), len(list), took.Round(time.Second))
	if len(list) > 0 {
		t.Fatalf("seed %d broke %d invariants:\n%s", cfg.seed, len(list), strings.Join(list, "\n"))
	}
}

// parallel runs f for every room at once and returns the first error.
func parallel(rooms []*roomRun, f func(*roomRun) error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(rooms))
	for i, r := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(r)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// logWriter sends the fault log to the test's log, line by line.
type logWriter struct {
	t  *testing.T
	mu sync.Mutex
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
