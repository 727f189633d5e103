package redisserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/rediscluster"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// TB is the part of testing.TB the test helpers use; taking it as an
// interface keeps package testing out of the croupier binary.
type TB interface {
	Helper()
	Fatal(args ...any)
	Skip(args ...any)
	Cleanup(func())
}

// Start runs a redis-server for the duration of a test or benchmark. It
// fails the test, never skips it: the guarantees under test are only
// meaningful against a real Redis.
func Start(tb TB) *Server {
	tb.Helper()
	return StartWith(tb, Options{})
}

// StartWith is Start with options, e.g. AppendOnly for a Redis whose data
// survives Restart.
func StartWith(tb TB, opts Options) *Server {
	tb.Helper()
	s, err := Run(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Client returns a client of the server, closed at cleanup.
func (s *Server) Client(tb TB) redis.UniversalClient {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Freeze stops the server process (SIGSTOP) until Thaw: it keeps its
// sockets and accepts connections, but answers nothing, as a Redis does
// that hangs. Thaw is also registered for cleanup, so a failed test never
// leaves a frozen server behind.
func (s *Server) Freeze(tb TB) {
	tb.Helper()
	if err := syscall.Kill(s.Pid(), syscall.SIGSTOP); err != nil {
		tb.Fatal("freeze redis-server: ", err)
	}
	tb.Cleanup(s.Thaw)
}

// Thaw resumes a frozen server (SIGCONT); it then handles what was sent
// to it meanwhile.
func (s *Server) Thaw() { _ = syscall.Kill(s.Pid(), syscall.SIGCONT) }

// EnvTestRedis picks the Redis that Pick gives a test: unset or "single",
// a redis-server of the test's own; "cluster", a Redis Cluster of three
// primaries and three replicas (package rediscluster), one per test
// binary, emptied for each test. The cluster pass of `make test` sets it,
// so the same tests prove that every script and transaction stays in one
// slot.
const EnvTestRedis = "CROUPIER_TEST_REDIS"

// Redis is the Redis of one test.
type Redis struct {
	// Conn is how the code under test reaches it (mode and addresses).
	Conn redisconn.Options
	// Server is the test's own redis-server; nil on the cluster.
	Server *Server
	// Cluster is the shared cluster; nil on a single server.
	Cluster *rediscluster.Cluster
}

// Pick gives the test a Redis as EnvTestRedis says: an empty one either
// way. Tests must not run in parallel with other tests of their binary
// that use the cluster, since all share it.
func Pick(tb TB) *Redis {
	tb.Helper()
	switch mode := os.Getenv(EnvTestRedis); mode {
	case "", redisconn.ModeSingle:
		s := Start(tb)
		return &Redis{Conn: redisconn.Options{Mode: redisconn.ModeSingle, Addrs: []string{s.Addr}}, Server: s}
	case redisconn.ModeCluster:
		c, err := sharedCluster()
		if err == nil {
			err = c.Flush(context.Background())
		}
		if err != nil {
			tb.Fatal(err)
		}
		return &Redis{Conn: c.Options(), Cluster: c}
	default:
		tb.Fatal(fmt.Sprintf("%s=%q: want single or cluster", EnvTestRedis, mode))
		return nil
	}
}

// RunForSuite is Pick for a suite that keeps one Redis for its whole test
// binary and tells its tests apart by key (it has no test to clean up
// after): a redis-server, which stop closes, or the shared cluster, which
// stop leaves to die with the binary.
func RunForSuite(ctx context.Context) (r *Redis, stop func(), err error) {
	switch mode := os.Getenv(EnvTestRedis); mode {
	case "", redisconn.ModeSingle:
		s, err := Run(ctx, Options{})
		if err != nil {
			return nil, nil, err
		}
		return &Redis{Conn: redisconn.Options{Mode: redisconn.ModeSingle, Addrs: []string{s.Addr}}, Server: s}, s.Close, nil
	case redisconn.ModeCluster:
		c, err := sharedCluster()
		if err != nil {
			return nil, nil, err
		}
		return &Redis{Conn: c.Options(), Cluster: c}, func() {}, nil
	default:
		return nil, nil, fmt.Errorf("%s=%q: want single or cluster", EnvTestRedis, mode)
	}
}

// Client returns a client of the Redis, closed at cleanup: on a single
// server a plain client, on the cluster one with the pod's and the
// operator's settings (redisconn), since only that one follows the
// cluster.
func (r *Redis) Client(tb TB) redis.UniversalClient {
	tb.Helper()
	if r.Server != nil {
		return r.Server.Client(tb)
	}
	return r.Cluster.Client(tb)
}

// Single returns the test's own redis-server, for a test that stops,
// restarts or freezes Redis; on the cluster it skips the test, whose
// outage would take the shared cluster from the tests after it (the
// cluster's own outage, a failover, is tested with rediscluster).
func (r *Redis) Single(tb TB) *Server {
	tb.Helper()
	if r.Server == nil {
		tb.Skip("plays an outage of a single redis-server; not run on the cluster")
	}
	return r.Server
}

var shared struct {
	once sync.Once
	c    *rediscluster.Cluster
	err  error
}

// sharedCluster starts the test binary's cluster once. Its nodes die with
// the test binary (childproc); their directory is named by the binary's
// pid, and a later start removes those of binaries that are gone.
func sharedCluster() (*rediscluster.Cluster, error) {
	shared.once.Do(func() {
		parent := filepath.Join(os.TempDir(), "croupier-test-clusters")
		removeStale(parent)
		dir := filepath.Join(parent, strconv.Itoa(os.Getpid()))
		shared.c, shared.err = rediscluster.Run(context.Background(), rediscluster.Options{Dir: dir})
	})
	return shared.c, shared.err
}

func removeStale(parent string) {
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}
