package redisconn

import (
	"context"
	"errors"
	"strings"

	"github.com/redis/go-redis/v9"
)

// clusterClient opens a cluster client that keeps CallBound and follows a
// failover.
//
// Bound: a cluster client retries at two levels, each node client
// MaxRetries times inside each of MaxRedirects+1 cluster attempts. The
// node clients do not retry here, and the cluster makes MaxRetries+1
// attempts, so a call makes as many attempts as in the other modes. A
// MOVED answer spends one attempt: the next goes to the node it names.
//
// Failover: go-redis learns the slot map at start and then only on MOVED
// or every minute. A primary that dies answers no MOVED; without a reload
// every write to its slots would go to the dead address for up to a
// minute after its replica took over. A call that fails without an
// answer from Redis reloads the map (in the background, coalesced), so
// the calls after it reach the promoted replica as soon as the cluster
// has one.
func clusterClient(u *redis.UniversalOptions) *redis.ClusterClient {
	o := u.Cluster()
	o.MaxRedirects = MaxRetries
	o.MaxRetries = -1 // no retries inside one cluster attempt
	c := redis.NewClusterClient(o)
	c.AddHook(reloadOnNetworkError{c: c})
	return c
}

type reloadOnNetworkError struct{ c *redis.ClusterClient }

func (h reloadOnNetworkError) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h reloadOnNetworkError) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.after(err)
		return err
	}
}

func (h reloadOnNetworkError) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		h.after(err)
		return err
	}
}

// after reloads the slot map unless Redis answered: a reply (even an
// error reply, e.g. a script's) or redis.Nil means the node is there and
// serves the slot. CLUSTERDOWN and TRYAGAIN are replies of a node that
// lost the slot's primary, so they reload too.
func (h reloadOnNetworkError) after(err error) {
	if err == nil || errors.Is(err, redis.Nil) {
		return
	}
	var reply redis.Error
	if errors.As(err, &reply) && !strings.HasPrefix(err.Error(), "CLUSTERDOWN") && !strings.HasPrefix(err.Error(), "TRYAGAIN") {
		return
	}
	h.c.ReloadState(context.Background())
}
