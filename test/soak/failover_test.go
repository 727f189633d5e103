package soak

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/roomcontract"
)

// failoverBound is how long one failover may take, from the kill to a
// healed cluster (promotion, restart, the full resync of the node).
const failoverBound = 2 * time.Minute

// redisFailover kills the Redis Cluster primary that holds the slot of a
// room being played, waits for its replica's promotion and starts the
// killed node again: it comes back empty and rejoins as the new
// primary's replica, which WAIT needs before the room's actions are
// acknowledged again.
func (j *injector) redisFailover() {
	if !j.take(&j.redisMu, chaos.RedisFailover) {
		return
	}
	defer j.release(&j.redisMu)
	// The run requires one failover, so it waits out a moment when every
	// room in play has its pod being replaced rather than skip.
	r, p, ok := j.target()
	for deadline := time.Now().Add(30 * time.Second); !ok && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		r, p, ok = j.target()
	}
	if !ok {
		j.inj.Logf("%s skipped: no room in play with a live pod", chaos.RedisFailover)
		return
	}
	// An acknowledged action survives a failover only with WAIT; a pod
	// without it would lose actions by design, not by a defect.
	if w := procEnv(p.Pid, roomcontract.EnvRedisWaitReplicas); w != "1" {
		j.v.add("%s: pod %s runs with %s=%q, not 1", r, p.Pod, roomcontract.EnvRedisWaitReplicas, w)
	}
	ctx, cancel := context.WithTimeout(context.Background(), failoverBound)
	defer cancel()
	key := roomcontract.For(r.ns, r.name).Log()
	old, err := j.cluster.PrimaryOf(ctx, key)
	if err != nil {
		j.v.add("%s: find the primary of its slot: %v", r, err)
		return
	}
	seq, _ := old.Do(ctx, "XLEN", key).Int64()
	start := time.Now()
	j.redisDownSince.Store(start.UnixNano())
	old.Kill()
	j.inj.Record(chaos.RedisFailover, r.key, "SIGKILL primary %s of its slot, its log at seq %d", old.Addr, seq)
	primary, err := j.cluster.WaitPromoted(ctx, key, old)
	j.redisDownSince.Store(0)
	j.redisUpAt.Store(time.Now().UnixNano())
	if err != nil {
		j.v.add("%s: no replica took over from %s: %v", r, old.Addr, err)
	} else {
		j.inj.Logf("replica %s promoted for %s after %s", primary.Addr, r, time.Since(start).Round(100*time.Millisecond))
	}
	if err := old.Restart(ctx); err != nil {
		j.v.add("start redis node %s again: %v", old.Addr, err)
		return
	}
	if err := j.cluster.WaitHealthy(ctx); err != nil {
		j.v.add("the cluster did not heal once %s was back: %v", old.Addr, err)
		return
	}
	j.inj.Logf("%s back as a replica, cluster healthy %s after the kill", old.Addr, time.Since(start).Round(100*time.Millisecond))
}

// procEnv reads one variable of a running process's environment.
func procEnv(pid int, name string) string {
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return ""
	}
	for _, kv := range bytes.Split(env, []byte{0}) {
		if k, v, ok := bytes.Cut(kv, []byte("=")); ok && string(k) == name {
			return string(v)
		}
	}
	return ""
}
