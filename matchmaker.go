package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/croupier-dev/croupier/matchmaker"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

func init() {
	roles["matchmaker"] = role{summary: "quick play: seat players at a table, claiming warm-pool rooms", run: runMatchmaker}
}

// matchmakerConfig is everything the matchmaker's flags set.
type matchmakerConfig struct {
	listen       string
	namespaces   []string
	templatePool string
	playTimeout  time.Duration
	startTimeout time.Duration
	resultTTL    time.Duration
	grace        time.Duration
	redis        redisconn.Options
	kubeQPS      float64
	kubeBurst    int
	zap          zap.Options
}

func parseMatchmakerFlags(args []string) (matchmakerConfig, error) {
	var c matchmakerConfig
	var namespaces, redisAddrs string
	fs := flag.NewFlagSet("matchmaker", flag.ContinueOnError)
	fs.StringVar(&c.listen, "listen-address", ":8090", "address of POST /v1/play (for the router), /healthz, /readyz and /metrics")
	fs.StringVar(&namespaces, "namespaces", "", "comma-separated namespaces whose rooms it seats players in; empty: all")
	fs.StringVar(&c.templatePool, "template-pool", "", "<namespace>/<name> of the GameRoomPool whose template new rooms are made from when no room can be claimed; empty: never create rooms")
	fs.DurationVar(&c.playTimeout, "play-timeout", matchmaker.DefaultPlayTimeout, "longest a quick play waits for a seat")
	fs.DurationVar(&c.startTimeout, "start-timeout", matchmaker.DefaultStartTimeout, "longest it waits for a created room's pod to be ready")
	fs.DurationVar(&c.resultTTL, "result-ttl", matchmaker.DefaultResultTTL, "how long a retried request_id gets the first answer")
	fs.DurationVar(&c.grace, "shutdown-grace", 20*time.Second, "on SIGTERM, how long quick plays in flight may take to finish")
	fs.StringVar(&c.redis.Mode, "redis-mode", redisconn.ModeSingle, "Redis deployment: single, sentinel or cluster")
	fs.StringVar(&redisAddrs, "redis-addrs", "localhost:6379", "comma-separated Redis addresses (Sentinel addresses in sentinel mode)")
	fs.StringVar(&c.redis.MasterName, "redis-master-name", "", "Sentinel master name (sentinel mode only)")
	fs.StringVar(&c.redis.Username, "redis-username", "", "Redis ACL user name, if any")
	fs.BoolVar(&c.redis.TLS, "redis-tls", false, "connect to Redis with TLS")
	fs.Float64Var(&c.kubeQPS, "kube-api-qps", 50, "queries per second to the API server (claims and creates)")
	fs.IntVar(&c.kubeBurst, "kube-api-burst", 100, "burst of queries above --kube-api-qps")
	c.zap.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.namespaces = redisconn.ParseAddrs(namespaces)
	c.redis.Addrs = redisconn.ParseAddrs(redisAddrs)
	c.redis.Password = os.Getenv(roomcontract.EnvRedisPassword)
	switch {
	case c.playTimeout < time.Second || c.startTimeout < time.Second:
		return c, fmt.Errorf("--play-timeout %s and --start-timeout %s must be at least 1s", c.playTimeout, c.startTimeout)
	case c.resultTTL < time.Minute:
		return c, fmt.Errorf("--result-ttl %s is under 1m: a client's retry would seat it twice", c.resultTTL)
	case c.grace <= 0:
		return c, fmt.Errorf("--shutdown-grace %s must be positive", c.grace)
	}
	if err := c.redis.Validate(); err != nil {
		return c, fmt.Errorf("--redis-mode/--redis-addrs/--redis-master-name: %w", err)
	}
	return c, nil
}

func runMatchmaker(args []string) error {
	c, err := parseMatchmakerFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&c.zap)))
	log := ctrl.Log.WithName("matchmaker")
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
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	id, _ := os.Hostname()
	m, err := matchmaker.New(matchmaker.Options{
		Config: cfg, Namespaces: c.namespaces, Redis: rdb, TemplatePool: c.templatePool, ID: id,
		PlayTimeout: c.playTimeout, StartTimeout: c.startTimeout, ResultTTL: c.resultTTL,
		Registerer: reg, Log: ctrl.Log,
	})
	if err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	l, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	serveCtx, stopServing := context.WithCancel(context.Background())
	defer stopServing()
	served := make(chan error, 1)
	go func() { served <- m.Serve(serveCtx, l, c.grace) }()
	log.Info("listening", "addr", l.Addr().String(), "namespaces", c.namespaces, "templatePool", c.templatePool,
		"redisMode", c.redis.Mode, "redisAddrs", c.redis.Addrs)
	if err := m.Start(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stopServing()
	return <-served
}
