package redisserver

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
)

func TestServerAnswersOnLoopbackWithoutPersistence(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	s := Start(t)
	host, _, _ := net.SplitHostPort(s.Addr)
	g.Expect(host).To(Equal("127.0.0.1"))

	c := s.Client(t)
	g.Expect(c.Set(ctx, "k", "v", 0).Err()).To(Succeed())
	g.Expect(c.ConfigGet(ctx, "save").Val()).To(HaveKeyWithValue("save", ""))
	g.Expect(c.ConfigGet(ctx, "appendonly").Val()).To(HaveKeyWithValue("appendonly", "no"))
}

func TestRestartComesBackEmptyOnTheSameAddress(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	s := Start(t)
	addr := s.Addr
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	g.Expect(c.Set(ctx, "k", "v", 0).Err()).To(Succeed())

	s.Stop()
	g.Expect(s.Done()).To(BeClosed())
	g.Expect(s.Err()).To(MatchError("redis-server exited: signal: killed"))
	_, err := net.DialTimeout("tcp", addr, time.Second)
	g.Expect(err).To(HaveOccurred(), "still listening after Stop")

	g.Expect(s.Restart()).To(Succeed())
	g.Expect(s.Addr).To(Equal(addr))
	g.Expect(s.Done()).NotTo(BeClosed())
	g.Eventually(func() error { return c.Ping(ctx).Err() }, 5*time.Second, 20*time.Millisecond).Should(Succeed())
	g.Expect(c.Exists(ctx, "k").Val()).To(BeZero(), "a key survived the restart")
}

func TestCloseStopsItForGood(t *testing.T) {
	g := NewWithT(t)
	s, err := Run(context.Background(), Options{})
	g.Expect(err).NotTo(HaveOccurred())
	s.Close()
	g.Expect(s.Done()).To(BeClosed())
	g.Expect(s.dir).NotTo(BeAnExistingFile())
	_, err = net.DialTimeout("tcp", s.Addr, time.Second)
	g.Expect(err).To(HaveOccurred())
}

func TestAnExitIsReportedWithItsStatus(t *testing.T) {
	g := NewWithT(t)
	s := Start(t)
	g.Expect(syscall.Kill(s.Pid(), syscall.SIGTERM)).To(Succeed())
	g.Eventually(s.Done(), 5*time.Second).Should(BeClosed())
	g.Expect(s.Err()).To(MatchError("redis-server exited: exit status 0"), "a clean exit names its status too")
}

func TestMissingBinaryNamesTheFix(t *testing.T) {
	_, err := Run(context.Background(), Options{Binary: "redis-server-that-does-not-exist"})
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring("make deps")))
}

func TestPickGivesTheClusterWhenAsked(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	t.Setenv(EnvTestRedis, "cluster")
	r := Pick(t)
	g.Expect(r.Conn.Mode).To(Equal("cluster"))
	g.Expect(r.Conn.Addrs).To(HaveLen(6))
	c := r.Client(t)
	g.Expect(c).To(BeAssignableToTypeOf(&redis.ClusterClient{}))
	g.Expect(c.Set(ctx, "left-by-an-earlier-test", "v", 0).Err()).To(Succeed())

	again := Pick(t)
	g.Expect(again.Cluster).To(BeIdenticalTo(r.Cluster), "one cluster per test binary")
	g.Expect(c.Exists(ctx, "left-by-an-earlier-test").Val()).To(BeZero(), "each test gets it empty")
}

func TestPickGivesASingleServerByDefault(t *testing.T) {
	g := NewWithT(t)
	t.Setenv(EnvTestRedis, "")
	r := Pick(t)
	g.Expect(r.Conn.Mode).To(Equal("single"))
	g.Expect(r.Conn.Addrs).To(Equal([]string{r.Server.Addr}))
	g.Expect(r.Single(t)).To(BeIdenticalTo(r.Server))
	g.Expect(r.Client(t).Ping(context.Background()).Err()).To(Succeed())
}
