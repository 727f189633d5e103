package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/controllers"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

func init() {
	roles["operator"] = role{summary: "run the GameRoom and GameRoomPool controllers", run: runOperator}
}

// operatorConfig is everything the operator's flags set.
type operatorConfig struct {
	metricsAddr, probeAddr string
	// pprofAddr serves Go's /debug/pprof, for profiling the operator at
	// scale; off unless set.
	pprofAddr        string
	leaderElect      bool
	leaderElectionNS string
	pods             controllers.PodSettings
	// redis is how the operator itself reaches Redis (heartbeats, cleanup);
	// its password comes from CROUPIER_REDIS_PASSWORD, never from a flag.
	redis redisconn.Options
	// collector settings: how often heartbeats are swept, how deleted
	// rooms' keys are treated and how long their cleanup may wait.
	sweepInterval, auditRetention, cleanupTimeout time.Duration
	// the operator's own API budget; client-go's defaults (5 QPS) would
	// make 10,000 rooms take hours to start.
	kubeQPS   float64
	kubeBurst int
	workers   int
	// roomNamespaces are the namespaces prepared for game pods; empty:
	// every namespace.
	roomNamespaces []string
	zap            zap.Options
}

func parseOperatorFlags(args []string) (operatorConfig, error) {
	var c operatorConfig
	var redisAddrs, origins, roomNamespaces string
	fs := flag.NewFlagSet("operator", flag.ContinueOnError)
	fs.StringVar(&c.metricsAddr, "metrics-bind-address", ":8080", "address of the Prometheus metrics endpoint; 0 disables it")
	fs.StringVar(&c.probeAddr, "health-probe-bind-address", ":8081", "address of /healthz and /readyz; 0 disables them")
	fs.StringVar(&c.pprofAddr, "pprof-bind-address", "", "address of Go's /debug/pprof profiles; empty or 0 disables it")
	fs.BoolVar(&c.leaderElect, "leader-elect", false, "elect one active operator among replicas through a Lease")
	fs.StringVar(&c.leaderElectionNS, "leader-election-namespace", "", "namespace of the leader Lease (default: the operator's own namespace in a cluster)")
	fs.StringVar(&c.pods.Image, "gameserver-image", "croupier:dev", "image of the game pods (a room's spec.template.image overrides it)")
	fs.DurationVar(&c.pods.HeartbeatPeriod, "heartbeat-period", 5*time.Second, "how often game pods write their heartbeat to Redis")
	fs.StringVar(&c.pods.SessionKeysSecret, "session-keys-secret", "croupier-session-keys", "Secret of session signing keys, mounted into each game pod (in the room's namespace)")
	fs.StringVar(&c.pods.RedisSecret, "redis-secret", "", "Secret whose key \"password\" is the Redis password, for game pods (in the room's namespace); empty: no password")
	fs.StringVar(&c.redis.Mode, "redis-mode", redisconn.ModeSingle, "Redis deployment: single, sentinel or cluster")
	fs.StringVar(&redisAddrs, "redis-addrs", "localhost:6379", "comma-separated Redis addresses (Sentinel addresses in sentinel mode)")
	fs.StringVar(&c.redis.MasterName, "redis-master-name", "", "Sentinel master name (sentinel mode only)")
	fs.StringVar(&c.redis.Username, "redis-username", "", "Redis ACL user name, if any")
	fs.BoolVar(&c.redis.TLS, "redis-tls", false, "connect to Redis with TLS (the operator and game pods)")
	fs.IntVar(&c.redis.WaitReplicas, "redis-wait-replicas", 0, "replicas that must have an action before a game pod acknowledges it (Redis WAIT); 0: none")
	fs.StringVar(&origins, "allowed-origins", "", "comma-separated websocket Origins game pods accept; empty: the pod's own host only")
	fs.DurationVar(&c.sweepInterval, "heartbeat-sweep-interval", 0, "how often every room's heartbeat is read from Redis; 0: the heartbeat period")
	fs.DurationVar(&c.auditRetention, "audit-retention", 0, "keep a deleted room's Redis keys this long (an expiry) instead of deleting them; 0 deletes them")
	fs.DurationVar(&c.cleanupTimeout, "redis-cleanup-timeout", controllers.DefaultCleanupTimeout, "how long a deleted room waits for Redis to remove its keys before it is released with its keys left behind")
	fs.Float64Var(&c.kubeQPS, "kube-api-qps", 100, "queries per second the operator may send the API server")
	fs.IntVar(&c.kubeBurst, "kube-api-burst", 200, "burst of queries above --kube-api-qps")
	fs.IntVar(&c.workers, "workers", controllers.DefaultWorkers, "rooms reconciled at once")
	fs.StringVar(&roomNamespaces, "room-namespaces", "", "comma-separated namespaces prepared for game pods: pods are watched and created only there, and a GameRoom elsewhere is told so; empty: every namespace")
	c.zap.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.redis.Addrs = redisconn.ParseAddrs(redisAddrs)
	c.redis.Password = os.Getenv(roomcontract.EnvRedisPassword)
	c.pods.Redis = c.redis
	c.pods.Redis.Password = "" // pods read it from --redis-secret; it never goes into a pod spec
	c.pods.AllowedOrigins = redisconn.ParseAddrs(origins)
	var err error
	if c.roomNamespaces, err = controllers.ParseRoomNamespaces(roomNamespaces); err != nil {
		return c, fmt.Errorf("--room-namespaces: %w", err)
	}
	return c, c.validate()
}

func (c operatorConfig) validate() error {
	switch {
	case c.pods.Image == "":
		return errors.New("--gameserver-image must not be empty")
	case c.pods.HeartbeatPeriod < time.Second:
		return fmt.Errorf("--heartbeat-period %s is under 1s", c.pods.HeartbeatPeriod)
	case c.pods.SessionKeysSecret == "":
		return errors.New("--session-keys-secret must not be empty: game pods cannot sign sessions without keys")
	case c.sweepInterval != 0 && c.sweepInterval < 100*time.Millisecond:
		return fmt.Errorf("--heartbeat-sweep-interval %s is under 100ms", c.sweepInterval)
	case c.auditRetention < 0:
		return fmt.Errorf("--audit-retention %s is negative", c.auditRetention)
	case c.cleanupTimeout < time.Minute:
		return fmt.Errorf("--redis-cleanup-timeout %s is under 1m: a short Redis restart would leak every deleted room's keys", c.cleanupTimeout)
	case c.workers < 1:
		return fmt.Errorf("--workers %d must be at least 1", c.workers)
	case c.kubeQPS <= 0 || c.kubeBurst <= 0:
		return fmt.Errorf("--kube-api-qps %v and --kube-api-burst %d must be positive", c.kubeQPS, c.kubeBurst)
	}
	if err := c.redis.Validate(); err != nil {
		return fmt.Errorf("--redis-mode/--redis-addrs/--redis-master-name: %w", err)
	}
	return nil
}

func runOperator(args []string) error {
	c, err := parseOperatorFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&c.zap)))
	lowerGCTarget()

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := gamesv1.AddToScheme(scheme); err != nil {
		return err
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("find the cluster (kubeconfig or in-cluster config): %w", err)
	}
	cfg.QPS, cfg.Burst = float32(c.kubeQPS), c.kubeBurst
	rdb, err := c.redis.Client()
	if err != nil {
		return fmt.Errorf("redis client: %w", err)
	}
	defer rdb.Close()
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                        scheme,
		Cache:                         controllers.CacheOptions(c.roomNamespaces...),
		Metrics:                       metricsserver.Options{BindAddress: c.metricsAddr},
		HealthProbeBindAddress:        c.probeAddr,
		PprofBindAddress:              c.pprofAddr,
		LeaderElection:                c.leaderElect,
		LeaderElectionID:              "operator.croupier.dev",
		LeaderElectionNamespace:       c.leaderElectionNS,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	rec := &controllers.GameRoomReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("croupier-operator"),
		Clock:     clock.RealClock{},
		Pods:      c.pods,
		Redis:     rdb,

		SweepInterval:  c.sweepInterval,
		AuditRetention: c.auditRetention,
		CleanupTimeout: c.cleanupTimeout,
		Workers:        c.workers,
		RoomNamespaces: c.roomNamespaces,
	}
	if err := rec.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the GameRoom controller: %w", err)
	}
	pools := &controllers.GameRoomPoolReconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("croupier-operator"),
		Clock:    clock.RealClock{},
		Redis:    rdb,
	}
	if err := pools.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the GameRoomPool controller: %w", err)
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	ctrl.Log.WithName("operator").Info("starting", "gameserverImage", c.pods.Image,
		"redisMode", c.redis.Mode, "redisAddrs", c.redis.Addrs, "leaderElection", c.leaderElect,
		"roomNamespaces", c.roomNamespaces)
	return mgr.Start(ctrl.SetupSignalHandler())
}

// operatorGCPercent is the operator's garbage-collection target unless
// GOGC sets one. Its heap is nearly all the informer cache, live for as
// long as the rooms are; with Go's default of 100 the process holds
// twice that cache plus the runtime's share, about three times the live
// heap per room. Its steady work (one sweep a heartbeat period) allocates
// little, so collecting more often costs little CPU.
const operatorGCPercent = 25

func lowerGCTarget() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(operatorGCPercent)
	}
}
