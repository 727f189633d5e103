package rediscluster

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
)

func TestClusterHasThreePrimariesEachWithAReplica(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	c := Start(t)
	g.Expect(c.Addrs()).To(HaveLen(6))
	g.Expect(c.Options().Mode).To(Equal("cluster"))

	cl := c.Client(t).(*redis.ClusterClient)
	shards, err := cl.ClusterShards(ctx).Result()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(shards).To(HaveLen(3))
	covered := 0
	for _, s := range shards {
		g.Expect(s.Nodes).To(HaveLen(2), "a primary and its replica")
		for _, r := range s.Slots {
			covered += int(r.End - r.Start + 1)
		}
	}
	g.Expect(covered).To(Equal(16384))

	// Keys of different slots land on different primaries; one client reaches all.
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		g.Expect(cl.Set(ctx, k, k, 0).Err()).To(Succeed())
	}
	g.Expect(cl.DBSize(ctx).Val()).To(BeEquivalentTo(6))
	err = cl.Do(ctx, "MSET", "a", "1", "b", "2").Err()
	g.Expect(err).To(MatchError(ContainSubstring("CROSSSLOT")), "keys of two slots in one command are refused")

	g.Expect(c.Flush(ctx)).To(Succeed())
	g.Expect(cl.DBSize(ctx).Val()).To(BeZero())
}

func TestAReplicaTakesOverAKilledPrimary(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	c := Start(t)
	cl := c.Client(t)
	g.Expect(c.SetReplicated(ctx, "k", "v")).To(Succeed(), "the write reached the replica")

	old, err := c.PrimaryOf(ctx, "k")
	g.Expect(err).NotTo(HaveOccurred())
	newPrimary := c.FailOver(t, "k")
	g.Expect(old.Alive()).To(BeFalse())
	g.Expect(newPrimary).NotTo(BeIdenticalTo(old))

	g.Eventually(func() (string, error) { return cl.Get(ctx, "k").Result() }, 20*time.Second, 100*time.Millisecond).
		Should(Equal("v"), "the promoted replica serves what was replicated")

	// The killed node comes back empty and follows the new primary.
	g.Expect(old.Restart(ctx)).To(Succeed())
	g.Expect(c.WaitHealthy(ctx)).To(Succeed())
	p, err := c.PrimaryOf(ctx, "k")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(p).To(BeIdenticalTo(newPrimary))
}

func TestMissingBinaryNamesTheFix(t *testing.T) {
	_, err := Run(context.Background(), Options{Binary: "redis-server-that-does-not-exist"})
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring("make deps")))
}
