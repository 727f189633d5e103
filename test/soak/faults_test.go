package soak

import (
	"context"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/internal/rediscluster"
)

const (
	// heartbeatTimeout is every room's spec.heartbeatTimeout (the
	// shortest the API allows); freezes last longer.
	heartbeatTimeout = 10 * time.Second
	freezeFor        = heartbeatTimeout + 3*time.Second
	// playIdle is every room's idleTimeout while it is played, and
	// walkAwayIdle (the shortest allowed) that of a room the harness left.
	playIdle     = 5 * time.Minute
	walkAwayIdle = 30 * time.Second
	// cooldown is how long the long soak leaves a part alone after a
	// fault on it ends, so the platform recovers between outages of one
	// part instead of living in one (a restart of kube-apiserver takes
	// most of a minute on a loaded machine).
	cooldown = 30 * time.Second
)

// injector plays platform faults on the platform, one resource at a
// time: a Redis fault waits for the last Redis fault to end.
type injector struct {
	inj   *chaos.Injector
	v     *violations
	rooms []*roomRun

	redisMu, apiMu, opMu sync.Mutex
	// skipBusy skips a fault whose resource is still under another fault,
	// or recovered from one less than cooldown ago (the long soak),
	// instead of waiting its turn (the fixed budget).
	skipBusy bool
	freed    sync.Map // *sync.Mutex -> time.Time the last fault on it ended
	// redisDownSince is when Redis stopped answering (Unix ns), 0 while it
	// answers; redisUpAt is when it last came back.
	redisDownSince, redisUpAt atomic.Int64
	wg                        sync.WaitGroup
	// cluster is the Redis Cluster the platform runs on, for failovers
	// (nil on the platform's own redis-server).
	cluster *rediscluster.Cluster
}

// play runs one fault in the background.
func (j *injector) play(f chaos.Fault) {
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		switch f.Kind {
		case chaos.PodKill:
			j.podKill()
		case chaos.PodFreeze:
			j.podFreeze()
		case chaos.OperatorRestart:
			j.operatorRestart()
		case chaos.RedisRestart:
			j.redisRestart()
		case chaos.RedisFreeze:
			j.redisFreeze()
		case chaos.APIServerRestart:
			j.apiserverRestart()
		case chaos.RedisFailover:
			j.redisFailover()
		}
	}()
}

// wait waits for every fault under way to end (every freeze thawed).
func (j *injector) wait() { j.wg.Wait() }

// take takes a resource for one fault, or says to skip it.
func (j *injector) take(mu *sync.Mutex, kind chaos.Kind) bool {
	if mu == &j.redisMu && kind != chaos.RedisFailover && plat.Redis == nil {
		// An external Redis (a Cluster): its faults are failovers.
		j.inj.Logf("%s skipped: the platform runs no redis-server of its own", kind)
		return false
	}
	if kind == chaos.RedisFailover && j.cluster == nil {
		j.inj.Logf("%s skipped: the platform runs on no Redis Cluster", kind)
		return false
	}
	if !j.skipBusy {
		mu.Lock()
		return true
	}
	if !mu.TryLock() {
		j.inj.Logf("%s skipped: the last fault on its part is still under way", kind)
		return false
	}
	if t, ok := j.freed.Load(mu); ok && time.Since(t.(time.Time)) < cooldown {
		mu.Unlock()
		j.inj.Logf("%s skipped: its part is recovering from the last fault", kind)
		return false
	}
	return true
}

// release ends a fault on a part.
func (j *injector) release(mu *sync.Mutex) {
	j.freed.Store(mu, time.Now())
	mu.Unlock()
}

// target draws a room still being played that has a live pod.
func (j *injector) target() (*roomRun, chaos.Proc, bool) {
	pods := chaos.GamePods()
	var cands []*roomRun
	for _, r := range j.rooms {
		if r.state.Load() == playing && len(livePods(pods[r.key])) == 1 {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		return nil, chaos.Proc{}, false
	}
	r := cands[j.inj.IntN(len(cands))]
	return r, livePods(pods[r.key])[0], true
}

func livePods(ps []chaos.Proc) []chaos.Proc {
	var out []chaos.Proc
	for _, p := range ps {
		if p.Live() {
			out = append(out, p)
		}
	}
	return out
}

func (j *injector) podKill() (string, bool) {
	r, p, ok := j.target()
	if !ok {
		j.inj.Logf("pod-kill skipped: no room in play with a live pod")
		return "", false
	}
	_ = syscall.Kill(p.Pid, syscall.SIGKILL)
	j.inj.Record(chaos.PodKill, r.key, "pod %s pid %d", p.Pod, p.Pid)
	return r.key, true
}

func (j *injector) podFreeze() {
	r, p, ok := j.target()
	if !ok {
		j.inj.Logf("pod-freeze skipped: no room in play with a live pod")
		return
	}
	_ = syscall.Kill(p.Pid, syscall.SIGSTOP)
	j.inj.Record(chaos.PodFreeze, r.key, "pod %s pid %d for %s", p.Pod, p.Pid, freezeFor)
	time.Sleep(freezeFor)
	// It may have been replaced and killed meanwhile; a thawed survivor
	// must find the log moved on and stand down.
	_ = syscall.Kill(p.Pid, syscall.SIGCONT)
	j.inj.Logf("thawed pod %s pid %d", p.Pod, p.Pid)
}

// operatorRestart restarts the operator; every other one lands in the
// middle of the reconciles a pod kill starts.
func (j *injector) operatorRestart() {
	if !j.take(&j.opMu, chaos.OperatorRestart) {
		return
	}
	defer j.release(&j.opMu)
	how := "at a random point"
	if j.inj.IntN(2) == 0 {
		if room, ok := j.podKill(); ok {
			d := j.inj.Duration(0, 300*time.Millisecond)
			time.Sleep(d)
			how = "mid-reconcile, " + d.Round(time.Millisecond).String() + " after killing the pod of " + room
		}
	}
	plat.StopOperator()
	j.inj.Record(chaos.OperatorRestart, "operator", "%s", how)
	// A new operator that cannot reach the API server exits and is
	// started again, as its Deployment would.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := plat.StartOperator()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			j.v.add("start the operator again: %v", err)
			return
		}
		time.Sleep(time.Second)
	}
}

func (j *injector) redisRestart() {
	if !j.take(&j.redisMu, chaos.RedisRestart) {
		return
	}
	defer j.release(&j.redisMu)
	j.redisDownSince.Store(time.Now().UnixNano())
	j.inj.Record(chaos.RedisRestart, "redis", "kill, then start on its append-only file")
	err := plat.Redis.Restart()
	j.redisDownSince.Store(0)
	j.redisUpAt.Store(time.Now().UnixNano())
	if err != nil {
		j.v.add("restart redis-server: %v", err)
		return
	}
	j.inj.Logf("redis back")
}

func (j *injector) redisFreeze() {
	if !j.take(&j.redisMu, chaos.RedisFreeze) {
		return
	}
	defer j.release(&j.redisMu)
	pid := plat.Redis.Pid()
	j.redisDownSince.Store(time.Now().UnixNano())
	_ = syscall.Kill(pid, syscall.SIGSTOP)
	j.inj.Record(chaos.RedisFreeze, "redis", "pid %d for %s", pid, freezeFor)
	time.Sleep(freezeFor)
	_ = syscall.Kill(pid, syscall.SIGCONT)
	j.redisDownSince.Store(0)
	j.redisUpAt.Store(time.Now().UnixNano())
	j.inj.Logf("thawed redis")
}

func (j *injector) apiserverRestart() {
	if !j.take(&j.apiMu, chaos.APIServerRestart) {
		return
	}
	defer j.release(&j.apiMu)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	j.inj.Record(chaos.APIServerRestart, "kube-apiserver", "SIGTERM, then start with the same flags")
	if err := plat.ControlPlane.RestartAPIServer(ctx); err != nil {
		j.v.add("restart kube-apiserver: %v", err)
		return
	}
	j.inj.Logf("kube-apiserver ready again after %s", time.Since(start).Round(100*time.Millisecond))
}

// redisDownThroughout reports whether Redis was unreachable for the whole
// of [from, to].
func (j *injector) redisDownThroughout(from, to time.Time) bool {
	since := j.redisDownSince.Load()
	if since == 0 {
		return false
	}
	return since <= from.UnixNano() && j.redisUpAt.Load() < to.UnixNano()
}
