// Package platformtest starts a whole Croupier platform inside a test
// process, once per test package: a real control plane (envtest), a real
// redis-server, the operator, the local pod runner (each game pod a real
// croupier-gameserver process on its own loopback address) and a router
// in front of them. Tests get the router's URL, a client for GameRooms and
// helpers to make rooms players can reach.
package platformtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/redis/go-redis/v9"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/controllers"
	"github.com/croupier-dev/croupier/devplatform/podrunner"
	"github.com/croupier-dev/croupier/internal/controlplane"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/matchmaker"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
	"github.com/croupier-dev/croupier/roomcontract/session"
	"github.com/croupier-dev/croupier/router"
)

// SessionKeysSecret is the Secret of session keys every namespace made by
// Namespace holds; the router reads the same key from a directory.
const SessionKeysSecret = "croupier-session-keys"

// KeyID is the id of the platform's one session key.
const KeyID = "2026-01-01"

// Options adjust the platform.
type Options struct {
	// Router adjusts the router's options (limits, origins, Static ...)
	// before each start of the router.
	Router func(*router.Options)
	// Matchmaker adjusts each matchmaker replica's options (template
	// pool, timeouts) before it starts.
	Matchmaker func(*matchmaker.Options)
	// Matchmakers is how many matchmaker replicas run (default 1); they
	// share Redis, as replicas behind one Service do.
	Matchmakers int
	// Log receives the components' logs; the zero value discards them.
	Log logr.Logger
	// RedisAppendOnly starts the platform's redis-server with an
	// append-only file, so Redis.Restart keeps the data.
	RedisAppendOnly bool
	// Redis, when it names addresses, is an external Redis (a Cluster,
	// say) every component uses instead of a redis-server of its own;
	// the platform's Redis field is then nil.
	Redis redisconn.Options
}

// Platform is a running platform. Its methods are safe for concurrent use.
type Platform struct {
	opts Options
	// Client reads and writes GameRooms, Pods and Secrets, uncached.
	Client client.Client
	// Config reaches the API server as an administrator.
	Config *rest.Config
	// Redis is the platform's redis-server (nil with Options.Redis).
	Redis    *redisserver.Server
	RedisCli redis.UniversalClient
	// ControlPlane is the platform's etcd, kube-apiserver and
	// kube-controller-manager.
	ControlPlane *controlplane.ControlPlane
	// Keys signs and verifies tokens like the game pods do.
	Keys *session.Keyring
	// Binary is the croupier binary, the image's entrypoint.
	Binary string
	// GameserverBinary is the croupier-gameserver binary the game pods run
	// (their command names controllers.GameServerProgram).
	GameserverBinary string
	// PodLogs holds one log file per game pod, <namespace>_<pod>.log.
	PodLogs string

	dir      string
	key      []byte
	stops    []func()
	routerMu sync.Mutex
	rt       *routerRun
	addr     string
	dials    atomic.Int64
	mmURLs   []string
	redis    redisconn.Options
	opMu     sync.Mutex
	opStop   func()
}

// Start brings the platform up. Call it from TestMain and Stop it after.
// A failed start stops what it started and returns no platform.
func Start(opts Options) (*Platform, error) {
	p := &Platform{opts: opts}
	if err := p.start(); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func (p *Platform) start() (err error) {
	opts := p.opts
	if opts.Log.GetSink() == nil {
		opts.Log = logr.Discard()
		p.opts.Log = opts.Log
	}
	ctrllog.SetLogger(opts.Log)
	if p.dir, err = os.MkdirTemp("", "croupier-platform-"); err != nil {
		return err
	}
	p.stops = append(p.stops, func() { _ = os.RemoveAll(p.dir) })
	p.PodLogs = filepath.Join(p.dir, "pods")
	if err := p.buildBinary(); err != nil {
		return err
	}
	if err := p.startControlPlane(); err != nil {
		return err
	}
	if err := p.startRedis(); err != nil {
		return err
	}
	if err := p.makeKeys(); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	p.addr = l.Addr().String()
	_ = l.Close()
	if err := p.StartOperator(); err != nil {
		return err
	}
	p.stops = append(p.stops, p.StopOperator)
	if err := p.startRunner(); err != nil {
		return err
	}
	if err := p.makePlayNamespace(); err != nil {
		return err
	}
	for range max(1, opts.Matchmakers) {
		if _, err := p.startMatchmaker(); err != nil {
			return err
		}
	}
	if err := p.StartRouter(); err != nil {
		return err
	}
	p.stops = append(p.stops, p.StopRouter)
	return nil
}

// Stop stops everything Start started, in reverse order.
func (p *Platform) Stop() {
	for i := len(p.stops) - 1; i >= 0; i-- {
		p.stops[i]()
	}
	p.stops = nil
}

// buildBinary builds the image's two programs, croupier and the
// croupier-gameserver the pod runner runs as each pod.
func (p *Platform) buildBinary() (err error) {
	p.Binary, p.GameserverBinary, err = BuildBinaries(p.dir)
	return err
}

// startRedis runs the platform's redis-server, unless Options name an
// external Redis.
func (p *Platform) startRedis() error {
	p.redis = p.opts.Redis
	if len(p.redis.Addrs) == 0 {
		var err error
		if p.Redis, err = redisserver.Run(context.Background(), redisserver.Options{AppendOnly: p.opts.RedisAppendOnly}); err != nil {
			return err
		}
		p.stops = append(p.stops, p.Redis.Close)
		p.redis = redisconn.Options{Mode: redisconn.ModeSingle, Addrs: []string{p.Redis.Addr}}
	}
	var err error
	if p.RedisCli, err = p.redisClient(0); err != nil {
		return err
	}
	p.stops = append(p.stops, func() { _ = p.RedisCli.Close() })
	return nil
}

// redisClient is a client of the platform's Redis: a plain one for the
// platform's own redis-server (poolSize 0: go-redis's default), else the
// one every role builds from its flags.
func (p *Platform) redisClient(poolSize int) (redis.UniversalClient, error) {
	if p.Redis != nil {
		return redis.NewClient(&redis.Options{Addr: p.Redis.Addr, PoolSize: poolSize}), nil
	}
	return p.redis.Client()
}

// RedisConn is how the platform's components reach Redis.
func (p *Platform) RedisConn() redisconn.Options { return p.redis }

func (p *Platform) startControlPlane() error {
	// The platform's own control plane: kube-controller-manager's garbage
	// collector takes a deleted room's pod, as on a cluster.
	cp, err := controlplane.Start(context.Background(), controlplane.Options{
		AssetsDir: controlplane.AssetsDir(),
		CRDDirs:   []string{gameroomtest.RepoPath("config", "crd", "bases")},
	})
	if err != nil {
		return fmt.Errorf("start the control plane: %w", err)
	}
	p.Config = cp.Config()
	p.ControlPlane = cp
	p.stops = append(p.stops, func() { _ = cp.Stop() })
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = gamesv1.AddToScheme(scheme)
	p.Client, err = client.New(p.Config, client.Options{Scheme: scheme})
	return err
}

func (p *Platform) makeKeys() error {
	p.key = make([]byte, 32)
	if _, err := rand.Read(p.key); err != nil {
		return err
	}
	dir := p.KeysDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, KeyID), p.key, 0o600); err != nil {
		return err
	}
	var err error
	p.Keys, err = session.NewKeyring(map[string][]byte{KeyID: p.key})
	return err
}

// KeysDir is the directory of the session key, as the router reads it.
func (p *Platform) KeysDir() string { return filepath.Join(p.dir, "session-keys") }

// StartOperator starts the operator (GameRooms and GameRoomPools), if it
// is not running.
func (p *Platform) StartOperator() error {
	p.opMu.Lock()
	defer p.opMu.Unlock()
	if p.opStop != nil {
		return nil
	}
	return p.startOperator()
}

// StopOperator stops the operator as a crash would end its work: the
// manager's context is cancelled, whatever reconcile is under way.
func (p *Platform) StopOperator() {
	p.opMu.Lock()
	defer p.opMu.Unlock()
	if p.opStop != nil {
		p.opStop()
		p.opStop = nil
	}
}

// RestartOperator stops the operator and starts a new one, with no
// memory of the last: timers, caches and queues start empty.
func (p *Platform) RestartOperator() error {
	p.StopOperator()
	return p.StartOperator()
}

func (p *Platform) startOperator() error {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = gamesv1.AddToScheme(scheme)
	// The API budget `croupier operator` has by default (--kube-api-qps,
	// --kube-api-burst), not client-go's 5 a second.
	cfg := rest.CopyConfig(p.Config)
	cfg.QPS, cfg.Burst = 100, 200
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  controllers.CacheOptions(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Logger:                 p.opts.Log.WithName("operator"),
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return fmt.Errorf("operator manager: %w", err)
	}
	opRedis, err := p.redisClient(0)
	if err != nil {
		return err
	}
	rec := &controllers.GameRoomReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("croupier-operator"),
		Clock:     clock.RealClock{},
		Pods: controllers.PodSettings{
			Image:             "croupier:test",
			HeartbeatPeriod:   time.Second,
			SessionKeysSecret: SessionKeysSecret,
			Redis:             p.redis,
			// No allow-list, as the chart renders by default: browsers
			// reach pods through the router, which checks their Origin.
		},
		Redis:         opRedis,
		SweepInterval: 250 * time.Millisecond,
		// As many as `croupier operator` has by default: with one, a
		// burst of new rooms waits for its pods in one queue.
		Workers: controllers.DefaultWorkers,
	}
	if err := rec.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	pools := &controllers.GameRoomPoolReconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("croupier-operator"),
		Clock: clock.RealClock{}, Redis: opRedis}
	if err := pools.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("pool controller: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = mgr.Start(ctx)
	}()
	p.opStop = func() { cancel(); <-done; _ = opRedis.Close() }
	return nil
}

func (p *Platform) startRunner() error {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- podrunner.Run(ctx, p.Config, podrunner.Options{
			Binary: p.Binary, Programs: map[string]string{controllers.GameServerProgram: p.GameserverBinary},
			DefaultArgs: []string{"gameserver"}, LogDir: p.PodLogs,
			// The volume sync period stays the runner's default, as in
			// `croupier dev`: a faster one multiplies the Secret reads a
			// burst of rooms costs the API server.
			MaxGracePeriod: 2 * time.Second,
			Log:            p.opts.Log.WithName("pods"),
		})
	}()
	p.stops = append(p.stops, func() { cancel(); <-done })
	select {
	case err := <-done:
		return errors.Join(errors.New("pod runner stopped at start"), err)
	case <-time.After(100 * time.Millisecond):
		return nil
	}
}
