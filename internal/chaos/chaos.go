// Package chaos is the fault injector of the soak: a seeded source of
// decisions, the schedule of faults drawn from it, and a log and tally of
// every fault injected, so that a failed run names the seed that plays the
// same faults again.
package chaos

import (
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kind is one kind of fault.
type Kind string

// The faults the soak injects.
const (
	PodKill          Kind = "pod-kill"          // SIGKILL a game pod's process
	PodFreeze        Kind = "pod-freeze"        // SIGSTOP a game pod past heartbeatTimeout, then SIGCONT
	OperatorRestart  Kind = "operator-restart"  // stop the operator (whatever it was doing) and start a new one
	RedisRestart     Kind = "redis-restart"     // SIGKILL redis-server and start it on its append-only file
	RedisFreeze      Kind = "redis-freeze"      // SIGSTOP redis-server past heartbeatTimeout, then SIGCONT
	APIServerRestart Kind = "apiserver-restart" // restart kube-apiserver (etcd keeps the objects)
	RedisFailover    Kind = "redis-failover"    // SIGKILL the Redis Cluster primary of a played room's slot, wait for its replica's promotion, restart the node (it rejoins as a replica)
	ConnDrop         Kind = "conn-drop"         // a client's TCP connection cut, right after it sent an action
	FrameDuplicate   Kind = "frame-duplicate"   // a client's action frame sent twice
	FrameReplay      Kind = "frame-replay"      // an action frame acknowledged earlier sent again
)

// Platform are the faults injected into the platform, in the order the
// fixed budget plays them before shuffling.
var Platform = []Kind{PodKill, PodFreeze, OperatorRestart, RedisRestart, RedisFreeze, APIServerRestart}

// ClusterPlatform are the faults injected into a platform on a Redis
// Cluster: a primary's failover takes the place of the single
// redis-server's restart and freeze.
var ClusterPlatform = []Kind{PodKill, PodFreeze, OperatorRestart, RedisFailover, APIServerRestart}

// Client are the faults injected by the players' own clients.
var Client = []Kind{ConnDrop, FrameDuplicate, FrameReplay}

// Injector draws decisions from one seed and records the faults.
// Its methods are safe for concurrent use.
type Injector struct {
	seed  uint64
	start time.Time
	out   io.Writer

	mu     sync.Mutex
	rng    *rand.Rand
	counts map[Kind]int
	n      int
}

// New makes an injector for seed, logging each fault to out.
func New(seed uint64, out io.Writer) *Injector {
	return &Injector{seed: seed, start: time.Now(), out: out, rng: Rand(seed, 0), counts: map[Kind]int{}}
}

// Seed is the run's seed.
func (in *Injector) Seed() uint64 { return in.seed }

// Rand is decision stream number stream of seed: each room and
// each player draws from its own, so one's choices do not shift
// another's when goroutines interleave differently.
func Rand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// IntN draws from the injector's own stream (the schedule and targets).
func (in *Injector) IntN(n int) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rng.IntN(n)
}

// Duration draws a duration in [lo, hi).
func (in *Injector) Duration(lo, hi time.Duration) time.Duration {
	in.mu.Lock()
	defer in.mu.Unlock()
	return lo + time.Duration(in.rng.Int64N(int64(hi-lo)+1))
}

// Record counts a fault and logs it with its target and details.
func (in *Injector) Record(kind Kind, target, format string, args ...any) {
	in.mu.Lock()
	in.n++
	in.counts[kind]++
	n := in.n
	in.mu.Unlock()
	if in.out != nil {
		fmt.Fprintf(in.out, "chaos t+%6.1fs #%d %-17s %s %s\n", time.Since(in.start).Seconds(), n, kind, target, fmt.Sprintf(format, args...))
	}
}

// Logf logs a line beside the faults (a recovery, a phase of the run).
func (in *Injector) Logf(format string, args ...any) {
	if in.out != nil {
		fmt.Fprintf(in.out, "chaos t+%6.1fs %s\n", time.Since(in.start).Seconds(), fmt.Sprintf(format, args...))
	}
}

// Counts is how many faults of each kind were injected.
func (in *Injector) Counts() map[Kind]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[Kind]int, len(in.counts))
	for k, v := range in.counts {
		out[k] = v
	}
	return out
}

// Summary is the tally in a stable order, e.g. "pod-kill=3 redis-freeze=1".
func (in *Injector) Summary() string {
	counts := in.Counts()
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	var b strings.Builder
	for i, k := range kinds {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%d", k, counts[Kind(k)])
	}
	return b.String()
}
