package redisserver

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
)

func TestAppendOnlyRestartKeepsWhatWasAcknowledged(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	s, err := Run(ctx, Options{AppendOnly: true})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(s.Close)
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	g.Expect(c.ConfigGet(ctx, "appendonly").Val()).To(HaveKeyWithValue("appendonly", "yes"))
	// Written and acknowledged just before the kill: no second passes for
	// the fsync, the file already has it.
	g.Expect(c.XAdd(ctx, &redis.XAddArgs{Stream: "log", ID: "1-0", Values: []string{"a", "1"}}).Err()).To(Succeed())
	g.Expect(c.Incr(ctx, "seq").Err()).To(Succeed())

	g.Expect(s.Restart()).To(Succeed())
	g.Eventually(func() error { return c.Ping(ctx).Err() }, 5*time.Second, 20*time.Millisecond).Should(Succeed())
	g.Expect(c.Get(ctx, "seq").Val()).To(Equal("1"))
	g.Expect(c.XLen(ctx, "log").Val()).To(BeEquivalentTo(1))
}
