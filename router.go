package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/croupier-dev/croupier/roomcontract/redisconn"
	"github.com/croupier-dev/croupier/roomcontract/session"
	"github.com/croupier-dev/croupier/router"
)

func init() {
	roles["router"] = role{summary: "serve players: the public API and websockets of every room", run: runRouter}
}

// routerConfig is everything the router's flags set.
type routerConfig struct {
	listen            string
	metricsListen     string
	namespaces        []string
	keysDir           string
	allowedOrigins    []string
	trustForwardedFor bool
	matchmakerURL     string
	limits            router.Limits
	drainDelay, grace time.Duration
	kubeQPS           float64
	kubeBurst         int
	zap               zap.Options
}

func parseRouterFlags(args []string) (routerConfig, error) {
	var c routerConfig
	var namespaces, origins string
	fs := flag.NewFlagSet("router", flag.ContinueOnError)
	fs.StringVar(&c.listen, "listen-address", ":8080", "address of the public API, websockets, /healthz and /readyz")
	fs.StringVar(&c.metricsListen, "metrics-address", ":9090", "address of /metrics, kept off the public port; \"0\" serves none")
	fs.StringVar(&namespaces, "namespaces", "", "comma-separated namespaces whose rooms are served; empty: all")
	fs.StringVar(&c.keysDir, "session-keys-dir", "/var/run/croupier/session-keys", "directory of session signing keys (the mounted session-keys Secret), reread every 30s")
	fs.StringVar(&origins, "allowed-origins", "", "comma-separated browser Origins allowed to open websockets; empty: the router's own host only")
	fs.StringVar(&c.matchmakerURL, "matchmaker-url", "", "base URL of the matchmaker that POST /v1/play is carried to (e.g. http://croupier-matchmaker:8090); empty: quick play is off")
	fs.BoolVar(&c.trustForwardedFor, "trust-forwarded-for", false, "take the client address from the last X-Forwarded-For entry (behind a proxy that appends it)")
	fs.IntVar(&c.limits.MaxConns, "max-connections", router.DefaultMaxConns, "open websockets this replica carries at most")
	fs.IntVar(&c.limits.MaxConnsPerIP, "max-connections-per-ip", router.DefaultMaxConnsPerIP, "open websockets of one client address at most")
	fs.IntVar(&c.limits.JoinsPerIPPerMinute, "joins-per-ip-per-minute", router.DefaultJoinsPerIPPerMinute, "joins, watches and quick plays of one client address per minute at most (counted once the room is known and routable, whatever the answer)")
	fs.DurationVar(&c.limits.HandshakeTimeout, "handshake-timeout", router.DefaultHandshakeTimeout, "bound on reading a request's headers and body (join, quick play) and on the game pod's dial and handshake")
	fs.DurationVar(&c.limits.IdleTimeout, "idle-timeout", router.DefaultIdleTimeout, "close a websocket whose client sent nothing (not even a pong) this long; above the pods' 54s ping")
	fs.Int64Var(&c.limits.ReadLimit, "read-limit", router.DefaultReadLimit, "largest client message forwarded; bigger closes the websocket with 1009")
	fs.DurationVar(&c.drainDelay, "drain-delay", 5*time.Second, "on SIGTERM, how long readiness is false before websockets are closed")
	fs.DurationVar(&c.grace, "shutdown-grace", 20*time.Second, "on SIGTERM, how long closing every websocket may take")
	fs.Float64Var(&c.kubeQPS, "kube-api-qps", 20, "queries per second the router may send the API server (only its watch)")
	fs.IntVar(&c.kubeBurst, "kube-api-burst", 40, "burst of queries above --kube-api-qps")
	c.zap.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.namespaces = redisconn.ParseAddrs(namespaces)
	c.allowedOrigins = redisconn.ParseAddrs(origins)
	switch {
	case c.metricsListen == "":
		return c, errors.New(`--metrics-address must not be empty: give an address, or "0" for no metrics`)
	case c.metricsListen != "0" && c.metricsListen == c.listen:
		return c, fmt.Errorf("--metrics-address %s must differ from --listen-address: metrics stay off the public port", c.metricsListen)
	case c.keysDir == "":
		return c, errors.New("--session-keys-dir must not be empty: the router checks every token")
	case c.drainDelay < 0 || c.grace <= 0:
		return c, fmt.Errorf("--drain-delay %s must not be negative and --shutdown-grace %s must be positive", c.drainDelay, c.grace)
	case c.matchmakerURL != "" && !validBaseURL(c.matchmakerURL):
		return c, fmt.Errorf("--matchmaker-url %q must be an http(s) URL with a host and no query", c.matchmakerURL)
	case c.limits.MaxConns < 1 || c.limits.MaxConnsPerIP < 1 || c.limits.JoinsPerIPPerMinute < 1:
		return c, errors.New("--max-connections, --max-connections-per-ip and --joins-per-ip-per-minute must be at least 1")
	}
	return c, c.limits.Validate()
}

func runRouter(args []string) error {
	c, err := parseRouterFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&c.zap)))
	log := ctrl.Log.WithName("router")
	first, err := session.ReadKeyDir(c.keysDir)
	if err != nil {
		return err
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("find the cluster (kubeconfig or in-cluster config): %w", err)
	}
	cfg.QPS, cfg.Burst = float32(c.kubeQPS), c.kubeBurst
	ctx := ctrl.SetupSignalHandler()
	var keys atomic.Pointer[session.Keyring]
	keys.Store(first)
	go reloadKeys(ctx, c.keysDir, &keys, log, keyReloadPeriod)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r, err := router.New(router.Options{
		Keys: keys.Load, AllowedOrigins: c.allowedOrigins, TrustForwardedFor: c.trustForwardedFor,
		Limits: c.limits, Registerer: reg, Log: ctrl.Log, MatchmakerURL: c.matchmakerURL,
		Static: staticHandler(),
	})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	serveCtx, stopServing := context.WithCancel(context.Background())
	defer stopServing()
	served := make(chan error, 1)
	go func() { served <- r.Serve(serveCtx, l, c.drainDelay, c.grace) }()
	if c.metricsListen != "0" {
		ml, err := net.Listen("tcp", c.metricsListen)
		if err != nil {
			return fmt.Errorf("listen for metrics: %w", err)
		}
		go serveMetrics(serveCtx, ml, r.MetricsHandler())
		log.Info("serving metrics", "addr", ml.Addr().String())
	}
	log.Info("listening", "addr", l.Addr().String(), "namespaces", c.namespaces, "allowedOrigins", c.allowedOrigins)
	// Readiness stays false until the first list of rooms is in.
	if err := r.Watch(ctx, cfg, c.namespaces); err != nil && ctx.Err() == nil {
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

// serveMetrics serves /metrics on its own listener until ctx ends.
func serveMetrics(ctx context.Context, l net.Listener, h http.Handler) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	_ = srv.Serve(l)
}

// validBaseURL: http or https, a host, nothing after the path.
func validBaseURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.RawQuery == "" && u.Fragment == "" && u.User == nil
}
