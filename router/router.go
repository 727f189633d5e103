package router

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Router is the public endpoint. Feed its table with Watch, serve it as an
// http.Handler, and Drain it at shutdown.
type Router struct {
	opts    Options
	limits  Limits
	log     logr.Logger
	table   *table
	conns   *connSet
	joins   *joinLimiter
	metrics *metrics
	gather  prometheus.Gatherer
	mux     *http.ServeMux
	// synced: the table holds the first full list of rooms.
	synced atomic.Bool
	// draining: shutdown began; readiness is false from then on.
	draining atomic.Bool
	podHTTP  *http.Client
	playHTTP *http.Client
}

// New returns a Router with an empty table: it is not ready until Watch
// has synced.
func New(opts Options) (*Router, error) {
	if opts.Keys == nil {
		return nil, errors.New("router: no session keys")
	}
	if err := opts.Limits.Validate(); err != nil {
		return nil, err
	}
	if opts.Dial == nil {
		opts.Dial = (&net.Dialer{}).DialContext
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Router{opts: opts, limits: opts.Limits.withDefaults(), log: opts.Log.WithName("router")}
	reg := opts.Registerer
	if reg == nil {
		pr := prometheus.NewRegistry()
		reg, r.gather = pr, pr
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		r.gather = g
	}
	r.metrics = newMetrics(reg)
	r.table = newTable(r.roomMoved, func(n int) { r.metrics.routes.Set(float64(n)) })
	r.conns = newConnSet(r.limits.MaxConns, r.limits.MaxConnsPerIP, func(n int) { r.metrics.openConns.Set(float64(n)) })
	r.joins = newJoinLimiter(r.limits.JoinsPerIPPerMinute)
	r.podHTTP = &http.Client{
		Transport: &http.Transport{
			DialContext:           r.dialPod,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: r.limits.HandshakeTimeout,
		},
		Timeout: 2 * r.limits.HandshakeTimeout,
		// A pod never redirects; following one would dial an address
		// that did not come from the table.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if opts.PlayTimeout == 0 {
		r.opts.PlayTimeout = DefaultPlayTimeout
	}
	r.playHTTP = newPlayClient(r.opts.PlayTimeout)
	r.mux = r.routes()
	return r, nil
}

func (r *Router) routes() *http.ServeMux {
	mux := http.NewServeMux()
	api := []struct {
		method, path string
		handle       http.HandlerFunc
	}{
		{http.MethodGet, "/v1/rooms", r.lobby},
		{http.MethodPost, "/v1/play", r.play},
		{http.MethodGet, "/v1/rooms/{namespace}/{name}", r.roomFacts},
		{http.MethodPost, "/v1/rooms/{namespace}/{name}/join", r.join},
		{http.MethodPost, "/v1/rooms/{namespace}/{name}/watch", r.watch},
		{http.MethodGet, "/v1/rooms/{namespace}/{name}/ws", r.websocket},
		{http.MethodGet, "/v1/rooms/{namespace}/{name}/replay", r.replay},
	}
	// ServeMux answers 405 only when no pattern matches a path, and the
	// /v1/ catch-all matches every path: a known path asked with another
	// method is found here instead.
	otherMethod := http.NewServeMux()
	for _, e := range api {
		mux.HandleFunc(e.method+" "+e.path, e.handle)
		allow := e.method
		if allow == http.MethodGet {
			allow = "GET, HEAD"
		}
		otherMethod.HandleFunc(e.path, func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Allow", allow)
			httpjson.Refuse(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				fmt.Sprintf("%s %s: this endpoint takes %s (docs/PROTOCOL.md, section Router)", req.Method, req.URL.Path, e.method))
		})
	}
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, req *http.Request) {
		if h, pattern := otherMethod.Handler(req); pattern != "" {
			h.ServeHTTP(w, req)
			return
		}
		httpjson.Refuse(w, http.StatusNotFound, CodeNotFound, "no such endpoint: see docs/PROTOCOL.md, section Router")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", r.readyz)
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		if r.opts.Static != nil {
			r.opts.Static.ServeHTTP(w, req)
			return
		}
		httpjson.Refuse(w, http.StatusNotFound, CodeNotFound, "not found")
	})
	return mux
}

func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// ServeMux answers a path with "." or ".." or empty segments, and /v1
	// itself, with a redirect; the API's paths are exact, so those are no
	// endpoint, as docs/PROTOCOL.md says of every other path under /v1/.
	if p := req.URL.Path; p == "/v1" || strings.HasPrefix(p, "/v1/") && path.Clean(p) != strings.TrimSuffix(p, "/") {
		httpjson.Refuse(w, http.StatusNotFound, CodeNotFound, "no such endpoint: see docs/PROTOCOL.md, section Router")
		return
	}
	r.mux.ServeHTTP(w, req)
}

// MetricsHandler serves the router's metrics. It is not on the public
// mux: what the router carries (rooms, refusals by reason, connection
// counts) is for the platform team, not for anyone who can reach a player
// port through an Ingress.
func (r *Router) MetricsHandler() http.Handler {
	if r.gather == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(r.gather, promhttp.HandlerOpts{})
}

// Gatherer serves the router's own registry (nil when Options.Registerer
// was given and is not a Gatherer).
func (r *Router) Gatherer() prometheus.Gatherer { return r.gather }

// Ready: the table is synced and shutdown has not begun.
func (r *Router) Ready() bool { return r.synced.Load() && !r.draining.Load() }

func (r *Router) readyz(w http.ResponseWriter, _ *http.Request) {
	switch {
	case r.draining.Load():
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
	case !r.synced.Load():
		http.Error(w, "room table not synced yet", http.StatusServiceUnavailable)
	default:
		_, _ = w.Write([]byte("ok\n"))
	}
}

// OpenConnections is the number of proxied websockets open now.
func (r *Router) OpenConnections() int { return r.conns.count() }

func (r *Router) routeCount() int {
	r.table.mu.RLock()
	defer r.table.mu.RUnlock()
	return len(r.table.routes)
}

// dialPod dials a game pod; the address always comes from the table.
func (r *Router) dialPod(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := r.opts.Dial(ctx, network, addr)
	if err != nil {
		r.metrics.dials.WithLabelValues("error").Inc()
		return nil, err
	}
	r.metrics.dials.WithLabelValues("ok").Inc()
	return c, nil
}

// roomMoved closes a room's connections to a pod it no longer routes to.
// It runs on the watch's goroutine, so the closes happen beside it.
func (r *Router) roomMoved(room string) {
	cur, _ := r.table.lookup(room)
	for _, c := range r.conns.of(room) {
		if c.endpoint != cur.endpoint {
			go c.closeWith(closeServiceRestart, "the room's pod is not serving (moving, restarting or waiting for its storage); reconnect", closeRoomMoved)
		}
	}
}
