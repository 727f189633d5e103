package redisconn_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/rediscluster"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// A primary dies and its replica takes over: the client the operator and
// the game pod use reaches the new primary on its own, without waiting
// for go-redis's periodic slot-map reload (a minute).
func TestClusterClientFollowsAFailover(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	c := rediscluster.Start(t)
	cl := c.Client(t)
	const key = "croupier:{default/t1}:seq"
	g.Expect(c.SetReplicated(ctx, key, "7")).To(Succeed())

	promoted := c.FailOver(t, key)
	g.Eventually(func() error {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return cl.Incr(ctx, key).Err()
	}, 10*time.Second, 50*time.Millisecond).Should(Succeed(), "writes reach the promoted replica")
	g.Expect(cl.Get(ctx, key).Val()).To(Equal("8"))

	// The write went to the promoted node itself.
	direct := redis.NewClient(&redis.Options{Addr: promoted.Addr})
	defer direct.Close()
	g.Expect(direct.Get(ctx, key).Val()).To(Equal("8"))
}

// A cluster call makes as many attempts as a single-node call: the node
// clients do not retry inside the cluster's attempts, which CallBound
// counts once.
func TestClusterClientRetriesLikeTheOtherModes(t *testing.T) {
	cl, err := redisconn.Options{Mode: redisconn.ModeCluster, Addrs: []string{"127.0.0.1:1"}}.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	o := cl.(*redis.ClusterClient).Options()
	if o.MaxRedirects != redisconn.MaxRetries || o.MaxRetries != -1 {
		t.Fatalf("cluster attempts %d, node retries %d; want %d and none", o.MaxRedirects+1, o.MaxRetries, redisconn.MaxRetries+1)
	}
}
