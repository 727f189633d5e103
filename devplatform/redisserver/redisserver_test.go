package redisserver

import (
	"context"
	"net"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
)

func TestServerAnswersOnLoopbackAndStopsForGood(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	s, err := Start(ctx, "redis-server", nil)
	g.Expect(err).NotTo(HaveOccurred())
	host, _, _ := net.SplitHostPort(s.Addr)
	g.Expect(host).To(Equal("127.0.0.1"))

	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	g.Expect(c.Set(ctx, "k", "v", 0).Err()).To(Succeed())
	g.Expect(c.ConfigGet(ctx, "save").Val()).To(HaveKeyWithValue("save", ""))
	g.Expect(c.ConfigGet(ctx, "appendonly").Val()).To(HaveKeyWithValue("appendonly", "no"))

	s.Stop()
	g.Eventually(s.Done()).Should(BeClosed())
	_, err = net.DialTimeout("tcp", s.Addr, time.Second)
	g.Expect(err).To(HaveOccurred())
}

func TestMissingBinaryNamesTheFix(t *testing.T) {
	_, err := Start(context.Background(), "redis-server-that-does-not-exist", nil)
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring("make deps")))
}
