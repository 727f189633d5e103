package actionlog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Replication is asynchronous: a primary answers a write before its
// replicas have it, and a primary that dies then takes that write with
// it when a replica takes over. With WaitReplicas set, Append answers
// only once that many replicas acknowledged the entry (Redis WAIT on the
// connection that wrote it), so an acknowledged action survives the loss
// of the primary as long as a replica that had it takes over (Redis
// Cluster and Sentinel promote the most up-to-date replica). It costs one
// more round trip to a replica per action (docs/BENCHMARKS.md).

// WaitTimeout is how long one append waits for its replicas. It stays
// well under the client's read timeout, so WAIT answers before the
// socket gives up.
const WaitTimeout = 500 * time.Millisecond

// ErrNotReplicated means the entry was written on the primary, but fewer
// replicas than asked acknowledged it within WaitTimeout: a failover now
// could lose it. Append wraps it with ErrOutcomeUnknown: a resend with
// the same action_id is answered once the entry is replicated.
var ErrNotReplicated = errors.New("the entry is not yet on enough replicas")

// WithWaitReplicas makes every append wait for n replicas (0: none, the
// default) and returns l.
func (l *Log) WithWaitReplicas(n int) *Log {
	l.waitReplicas = max(n, 0)
	return l
}

// runAppend runs the append script; with WaitReplicas, on the primary
// itself, followed by WAIT on the same connection.
func (l *Log) runAppend(ctx context.Context, keys []string, args ...any) ([]int64, error) {
	if l.waitReplicas == 0 {
		return appendScript.Run(ctx, l.c, keys, args...).Int64Slice()
	}
	node, err := l.primary(ctx)
	if err != nil {
		return nil, err
	}
	res, acked, err := l.evalAndWait(ctx, node, appendScript.EvalSha, keys, args)
	if err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
		res, acked, err = l.evalAndWait(ctx, node, appendScript.Eval, keys, args)
	}
	if err != nil {
		l.reloadSlots(ctx)
		return nil, err
	}
	if len(res) == 2 && res[1] == 1 {
		// A duplicate: this connection wrote nothing, so WAIT said nothing
		// about the original entry. Rewriting its dedup record (the same
		// value) is a write WAIT covers, and the replication stream is
		// ordered: a replica that has it has the entry too.
		acked, err = l.confirm(ctx, node, keys[0], args[0], res[0])
		if err != nil {
			l.reloadSlots(ctx)
			return nil, err
		}
	}
	if len(res) == 2 && res[1] != 2 && acked < int64(l.waitReplicas) {
		return nil, fmt.Errorf("%w: %d of %d replicas within %s", ErrNotReplicated, acked, l.waitReplicas, WaitTimeout)
	}
	return res, nil
}

type scriptCall func(ctx context.Context, c redis.Scripter, keys []string, args ...any) *redis.Cmd

// evalAndWait sends the script and WAIT in one pipeline: one connection,
// so WAIT counts the replicas that have this script's writes.
func (l *Log) evalAndWait(ctx context.Context, node *redis.Client, call scriptCall, keys []string, args []any) ([]int64, int64, error) {
	var script, wait *redis.Cmd
	_, err := node.Pipelined(ctx, func(p redis.Pipeliner) error {
		script = call(ctx, p, keys, args...)
		wait = p.Do(ctx, "WAIT", l.waitReplicas, WaitTimeout.Milliseconds())
		return nil
	})
	if err != nil {
		if script.Err() != nil {
			return nil, 0, script.Err()
		}
		return nil, 0, err
	}
	res, err := script.Int64Slice()
	if err != nil {
		return nil, 0, err
	}
	acked, err := wait.Int64()
	return res, acked, err
}

func (l *Log) confirm(ctx context.Context, node *redis.Client, dedupKey string, field any, seq int64) (int64, error) {
	var wait *redis.Cmd
	_, err := node.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, dedupKey, field, seq)
		wait = p.Do(ctx, "WAIT", l.waitReplicas, WaitTimeout.Milliseconds())
		return nil
	})
	if err != nil {
		return 0, err
	}
	return wait.Int64()
}

// primary is the client of the node that holds the room's slot: WAIT must
// follow the write on its connection, so the write cannot be routed by
// the cluster client command by command.
func (l *Log) primary(ctx context.Context) (*redis.Client, error) {
	switch c := l.c.(type) {
	case *redis.ClusterClient:
		return c.MasterForKey(ctx, l.keys.Log())
	case *redis.Client:
		return c, nil
	default:
		return nil, fmt.Errorf("waiting for replicas needs a single, Sentinel or Cluster client, not %T", l.c)
	}
}

// reloadSlots refreshes a cluster client's slot map after a failed call:
// calls made here on the node's own client bypass the cluster client,
// which would otherwise learn of a failover (a dead node, or a MOVED
// answer) only from its own calls.
func (l *Log) reloadSlots(ctx context.Context) {
	if c, ok := l.c.(*redis.ClusterClient); ok {
		c.ReloadState(ctx)
	}
}
