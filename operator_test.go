package main

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"

	"github.com/croupier-dev/croupier/controllers"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

func TestOperatorFlags(t *testing.T) {
	g := NewWithT(t)
	t.Setenv("CROUPIER_REDIS_PASSWORD", "hunter2")
	c, err := parseOperatorFlags([]string{
		"--gameserver-image=registry.example/croupier:v1", "--heartbeat-period=2s",
		"--redis-mode=sentinel", "--redis-addrs=a:26379, b:26379", "--redis-master-name=main",
		"--redis-secret=redis-auth", "--allowed-origins=https://x.example,https://y.example",
		"--heartbeat-sweep-interval=2s", "--audit-retention=72h", "--redis-cleanup-timeout=5m",
		"--workers=4", "--kube-api-qps=50", "--kube-api-burst=80", "--room-namespaces=games-a, games-b,,games-a",
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.pods.Image).To(Equal("registry.example/croupier:v1"))
	g.Expect(c.pods.HeartbeatPeriod).To(Equal(2 * time.Second))
	g.Expect(c.pods.SessionKeysSecret).To(Equal("croupier-session-keys"))
	g.Expect(c.pods.RedisSecret).To(Equal("redis-auth"))
	g.Expect(c.pods.Redis.Addrs).To(Equal([]string{"a:26379", "b:26379"}))
	g.Expect(c.pods.Redis.MasterName).To(Equal("main"))
	g.Expect(c.pods.Redis.Password).To(BeEmpty(), "the password must never reach a pod spec")
	g.Expect(c.redis.Password).To(Equal("hunter2"))
	g.Expect(c.pods.AllowedOrigins).To(Equal([]string{"https://x.example", "https://y.example"}))
	g.Expect(c.sweepInterval).To(Equal(2 * time.Second))
	g.Expect(c.auditRetention).To(Equal(72 * time.Hour))
	g.Expect(c.cleanupTimeout).To(Equal(5 * time.Minute))
	g.Expect(c.workers).To(Equal(4))
	g.Expect(c.kubeQPS).To(Equal(50.0))
	g.Expect(c.kubeBurst).To(Equal(80))
	g.Expect(c.roomNamespaces).To(Equal([]string{"games-a", "games-b"}))
}

// The defaults docs/API.md (The operator) gives.
func TestOperatorDocumentedDefaults(t *testing.T) {
	c, err := parseOperatorFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		flag      string
		got, want any
	}{
		{"--gameserver-image", c.pods.Image, "croupier:dev"},
		{"--heartbeat-period", c.pods.HeartbeatPeriod, 5 * time.Second},
		{"--session-keys-secret", c.pods.SessionKeysSecret, "croupier-session-keys"},
		{"--redis-mode", c.redis.Mode, "single"},
		{"--redis-wait-replicas", c.pods.Redis.WaitReplicas, 0},
		{"--metrics-bind-address", c.metricsAddr, ":8080"},
		{"--health-probe-bind-address", c.probeAddr, ":8081"},
		{"--heartbeat-sweep-interval (0: the heartbeat period)", c.sweepInterval, time.Duration(0)},
		{"--audit-retention", c.auditRetention, time.Duration(0)},
		{"--redis-cleanup-timeout", c.cleanupTimeout, 10 * time.Minute},
		{"--workers", c.workers, 8},
		{"--kube-api-qps", c.kubeQPS, 100.0},
		{"--kube-api-burst", c.kubeBurst, 200},
		{"--pprof-bind-address", c.pprofAddr, ""},
	} {
		if tt.got != tt.want {
			t.Errorf("%s defaults to %v, docs/API.md says %v", tt.flag, tt.got, tt.want)
		}
	}
	if len(c.redis.Addrs) != 1 || c.redis.Addrs[0] != "localhost:6379" {
		t.Errorf("--redis-addrs defaults to %v, docs/API.md says localhost:6379", c.redis.Addrs)
	}
}

// Without --room-namespaces the operator serves every namespace, as before
// the flag existed; its cache then watches game pods cluster-wide.
func TestOperatorRoomNamespacesDefaultToAll(t *testing.T) {
	g := NewWithT(t)
	for _, args := range [][]string{nil, {"--room-namespaces="}, {"--room-namespaces= , "}} {
		c, err := parseOperatorFlags(args)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(c.roomNamespaces).To(BeEmpty(), "%v", args)
		g.Expect(controllers.CacheOptions(c.roomNamespaces...).ByObject).To(
			HaveEach(HaveField("Namespaces", BeEmpty())), "%v", args)
	}
	// With it, game pods are watched in those namespaces only, and
	// GameRooms and pools still everywhere.
	c, err := parseOperatorFlags([]string{"--room-namespaces=games-a,games-b"})
	g.Expect(err).NotTo(HaveOccurred())
	pods := 0
	for obj, by := range controllers.CacheOptions(c.roomNamespaces...).ByObject {
		if _, ok := obj.(*corev1.Pod); !ok {
			g.Expect(by.Namespaces).To(BeEmpty(), "%T", obj)
			continue
		}
		pods++
		g.Expect(by.Namespaces).To(HaveLen(2))
		g.Expect(by.Namespaces).To(HaveKey("games-a"))
		g.Expect(by.Namespaces).To(HaveKey("games-b"))
	}
	g.Expect(pods).To(Equal(1), "the pods' entry of the cache options")
}

func TestOperatorFlagsRejected(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--gameserver-image="}, "--gameserver-image must not be empty"},
		{[]string{"--heartbeat-period=100ms"}, "--heartbeat-period 100ms is under 1s"},
		{[]string{"--session-keys-secret="}, "--session-keys-secret must not be empty"},
		{[]string{"--redis-mode=sentinel"}, "sentinel needs sentinel addresses and a master name"},
		{[]string{"--redis-mode=memcached"}, `redis mode "memcached"`},
		{[]string{"--redis-addrs="}, "single needs exactly one address"},
		{[]string{"--heartbeat-sweep-interval=10ms"}, "--heartbeat-sweep-interval 10ms is under 100ms"},
		{[]string{"--audit-retention=-1s"}, "--audit-retention -1s is negative"},
		{[]string{"--redis-cleanup-timeout=10s"}, "--redis-cleanup-timeout 10s is under 1m"},
		{[]string{"--workers=0"}, "--workers 0 must be at least 1"},
		{[]string{"--kube-api-qps=0"}, "must be positive"},
		{[]string{"--no-such-flag"}, "flag provided but not defined"},
		{[]string{"--room-namespaces=games,Games"}, `--room-namespaces: namespace "Games"`},
		{[]string{"--room-namespaces=games/a"}, `--room-namespaces: namespace "games/a"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := parseOperatorFlags(tc.args)
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}

// The operator's own Redis client has the bounds the game pod has, so a
// hanging Redis cannot hold a reconcile past its context deadline.
func TestOperatorRedisClientIsBounded(t *testing.T) {
	g := NewWithT(t)
	c, err := parseOperatorFlags([]string{"--redis-addrs=127.0.0.1:6379"})
	g.Expect(err).NotTo(HaveOccurred())
	rdb, err := c.redis.Client()
	g.Expect(err).NotTo(HaveOccurred())
	defer rdb.Close()
	opt := rdb.(*redis.Client).Options()
	g.Expect(opt.ContextTimeoutEnabled).To(BeTrue())
	g.Expect(opt.ReadTimeout).To(Equal(redisconn.ReadTimeout))
	g.Expect(opt.WriteTimeout).To(Equal(redisconn.WriteTimeout))
	g.Expect(opt.DialTimeout).To(Equal(redisconn.DialTimeout))
}
