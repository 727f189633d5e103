package soak

import (
	"os"
	"testing"

	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/internal/rediscluster"
)

// TestShortSoakOnARedisCluster is the short soak on a Redis Cluster of
// three primaries and three replicas instead of one redis-server: the
// same rooms, players and invariants, with a failover of the primary
// that holds a played room's slot in the place of the single server's
// restart and freeze. The pods run with WAIT 1
// (CROUPIER_REDIS_WAIT_REPLICAS): without it an acknowledged action may
// go down with the primary (docs/REDIS.md), and the check that every
// acknowledged action is in the log once would fail by design.
func TestShortSoakOnARedisCluster(t *testing.T) {
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cluster := rediscluster.Start(t)
	opts := platformOptions()
	opts.Redis = cluster.Options()
	opts.Redis.WaitReplicas = 1
	p, err := platformtest.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	// The harness plays on plat; tests of this package run one at a
	// time, so this one's platform stands in for the package's until
	// it ends.
	single := plat
	plat = p
	t.Cleanup(func() { plat = single })
	runSoak(t, cfg, chaos.ClusterPlatform, cluster)
}
