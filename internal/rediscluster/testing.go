package rediscluster

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// TB is the part of testing.TB the helpers use; taking it as an interface
// keeps package testing out of the binaries.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// Start runs a cluster for the duration of a test or benchmark. It fails
// the test, never skips it.
func Start(tb TB) *Cluster {
	tb.Helper()
	c, err := Run(context.Background(), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Client returns a cluster client of c with the settings the operator and
// the game pod use (redisconn), closed at cleanup.
func (c *Cluster) Client(tb TB) redis.UniversalClient {
	tb.Helper()
	cl, err := c.Options().Client()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cl.Close() })
	return cl
}

// KillPrimaryOf kills the primary that serves key's slot and returns it;
// WaitPromoted then waits for its replica.
func (c *Cluster) KillPrimaryOf(tb TB, key string) *Node {
	tb.Helper()
	n, err := c.PrimaryOf(context.Background(), key)
	if err != nil {
		tb.Fatal(err)
	}
	n.Kill()
	return n
}

// FailOver kills the primary of key's slot and waits until its replica
// serves the slot; it returns the new primary.
func (c *Cluster) FailOver(tb TB, key string) *Node {
	tb.Helper()
	old := c.KillPrimaryOf(tb, key)
	p, err := c.WaitPromoted(context.Background(), key, old)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
