package matchmaker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// Options configure a Matchmaker.
type Options struct {
	// Config reaches the API server (the matchmaker's ServiceAccount).
	Config *rest.Config
	// Namespaces whose rooms it reads, claims and creates; empty: all.
	Namespaces []string
	Redis      redis.UniversalClient
	// TemplatePool, "<namespace>/<name>", is the pool whose template new
	// rooms are made from when none can be claimed; empty: never create.
	TemplatePool string
	// ID names this replica in a claimed room's claimed-by annotation.
	ID string
	// PlayTimeout bounds one quick play, waiting included.
	PlayTimeout time.Duration
	// StartTimeout bounds waiting for a created room's pod to be ready.
	StartTimeout time.Duration
	// ResultTTL: a retried request_id gets the first answer this long.
	ResultTTL time.Duration
	// Times tune the seat coordination; zero fields take DefaultCoordTimes.
	Times CoordTimes
	// HTTPTimeout bounds one call to a room pod's /join.
	HTTPTimeout time.Duration
	// RequestTimeout bounds a client's sending of one request: its
	// headers, then its body.
	RequestTimeout time.Duration
	Registerer     prometheus.Registerer
	Log            logr.Logger
}

// Defaults of Options.
const (
	DefaultPlayTimeout    = 2 * time.Minute
	DefaultStartTimeout   = 90 * time.Second
	DefaultResultTTL      = time.Hour
	DefaultHTTPTimeout    = 5 * time.Second
	DefaultRequestTimeout = 10 * time.Second
)

// obtainMargin is how long an obtain's lease outlives the wait for its
// room's pod.
const obtainMargin = 30 * time.Second

// obtainLease is the lease of an obtain: lease, unless the wait for a new
// room's pod (start) plus the margin is longer; else the lease would end
// while the room is still coming, and a second room would be made.
func obtainLease(lease, start time.Duration) time.Duration {
	return max(lease, start+obtainMargin)
}

// Matchmaker answers POST /v1/play.
type Matchmaker struct {
	opts     Options
	log      logr.Logger
	times    CoordTimes
	coord    *coord
	requests *requests
	rooms    roomSource
	joiner   seatJoiner
	feed     *feeder
	finish   *finisher
	cache    cache.Cache
	mux      *http.ServeMux
	gather   prometheus.Gatherer
	synced   atomic.Bool
	// warned is when misconfigured last logged (unix seconds).
	warned atomic.Int64
}

// misconfigured logs what the platform team must fix (a template pool
// that does not exist), at most once a minute however many players ask.
func (m *Matchmaker) misconfigured(err error) {
	now := time.Now().Unix()
	if last := m.warned.Load(); now-last >= 60 && m.warned.CompareAndSwap(last, now) {
		m.log.Error(err, "quick play answers no_room until this is fixed")
	}
}

// roomSource obtains a room of a table and offers its seats.
type roomSource interface {
	obtain(ctx context.Context, t Table, give offer) error
}

// seatJoiner seats a player in a room it was handed a seat of.
type seatJoiner interface {
	join(ctx context.Context, room, name string) (map[string]json.RawMessage, error)
}

// New builds a Matchmaker; Start runs its cache.
func New(opts Options) (*Matchmaker, error) {
	if opts.Config == nil || opts.Redis == nil {
		return nil, errors.New("matchmaker: needs an API server config and a Redis client")
	}
	if opts.PlayTimeout == 0 {
		opts.PlayTimeout = DefaultPlayTimeout
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.ResultTTL == 0 {
		opts.ResultTTL = DefaultResultTTL
	}
	if opts.HTTPTimeout == 0 {
		opts.HTTPTimeout = DefaultHTTPTimeout
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.ID == "" {
		opts.ID = "matchmaker-" + randomID()[:8]
	}
	times := withDefaultTimes(opts.Times)
	times.ObtainLease = obtainLease(times.ObtainLease, opts.StartTimeout)
	var tmpl *poolRef
	if opts.TemplatePool != "" {
		ns, name, ok := strings.Cut(opts.TemplatePool, "/")
		if !ok || ns == "" || name == "" {
			return nil, fmt.Errorf("template pool %q is not <namespace>/<name>", opts.TemplatePool)
		}
		tmpl = &poolRef{Namespace: ns, Name: name}
	}
	scheme := runtime.NewScheme()
	if err := gamesv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	copts := cache.Options{Scheme: scheme, DefaultTransform: cache.TransformStripManagedFields()}
	if len(opts.Namespaces) > 0 {
		copts.DefaultNamespaces = map[string]cache.Config{}
		for _, ns := range opts.Namespaces {
			copts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	c, err := cache.New(opts.Config, copts)
	if err != nil {
		return nil, fmt.Errorf("matchmaker cache: %w", err)
	}
	w, err := client.New(opts.Config, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("matchmaker client: %w", err)
	}
	co := newCoord(opts.Redis, times)
	kr := &kubeRooms{cache: c, client: w, template: tmpl, startWait: opts.StartTimeout}
	feed := newFeeder(c, co)
	log := opts.Log.WithName("matchmaker")
	m := &Matchmaker{
		opts: opts, log: log, times: times, cache: c,
		coord:    co,
		requests: &requests{rdb: opts.Redis, pendingTTL: opts.PlayTimeout + 10*time.Second, resultTTL: opts.ResultTTL, pollEvery: 50 * time.Millisecond},
		rooms:    kr,
		feed:     feed,
		finish:   newFinisher(co, kr, feed.buckets, log.WithName("claims")),
		joiner: &joiner{cache: c, retries: joinRetries, http: &http.Client{
			Timeout:       opts.HTTPTimeout,
			Transport:     &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second, DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}},
	}
	reg := opts.Registerer
	if reg == nil {
		pr := prometheus.NewRegistry()
		reg, m.gather = pr, pr
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		m.gather = g
	}
	registerMetrics(reg)
	m.mux = m.routes()
	return m, nil
}

func withDefaultTimes(t CoordTimes) CoordTimes {
	d := DefaultCoordTimes
	if t.PlayerLease == 0 {
		t.PlayerLease = d.PlayerLease
	}
	if t.Poll == 0 {
		t.Poll = d.Poll
	}
	if t.ObtainLease == 0 {
		t.ObtainLease = d.ObtainLease
	}
	if t.Keep == 0 {
		t.Keep = d.Keep
	}
	if t.Supplied == 0 {
		t.Supplied = d.Supplied
	}
	return t
}

// resyncEvery: the whole watch is fed to Redis again this often, which
// repairs a Redis that lost the warm sets and keeps a quiet table's keys
// from expiring (CoordTimes.Keep).
const resyncEvery = 5 * time.Minute

// Start runs the room cache, its feed to Redis, the claim finisher and
// the seat notices until ctx ends; it returns once the cache holds the
// first full list of rooms and Redis has been fed it.
func (m *Matchmaker) Start(ctx context.Context) error {
	for _, obj := range []client.Object{&gamesv1.GameRoom{}, &gamesv1.GameRoomPool{}} {
		inf, err := m.cache.GetInformer(ctx, obj)
		if err != nil {
			return fmt.Errorf("watch %T: %w", obj, err)
		}
		if _, ok := obj.(*gamesv1.GameRoom); ok {
			if _, err := inf.AddEventHandler(m.feed.handler()); err != nil {
				return fmt.Errorf("feed GameRooms: %w", err)
			}
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- m.cache.Start(ctx) }()
	if !m.cache.WaitForCacheSync(ctx) {
		select {
		case err := <-errc:
			return fmt.Errorf("watch GameRooms: %w", err)
		default:
			return fmt.Errorf("watch GameRooms: the first list did not complete: %w", context.Cause(ctx))
		}
	}
	go m.feed.run(ctx, m.log.Error)
	if err := m.feed.resync(ctx); err != nil {
		return fmt.Errorf("feed the rooms to Redis: %w", err)
	}
	if !m.feed.drained(ctx) {
		return fmt.Errorf("feed the rooms to Redis: %w", context.Cause(ctx))
	}
	go m.resync(ctx, resyncEvery)
	go m.finish.run(ctx)
	go m.coord.listen(ctx)
	m.synced.Store(true)
	return nil
}

func (m *Matchmaker) resync(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := m.feed.resync(ctx); err != nil && ctx.Err() == nil {
				m.log.Error(err, "feed the watched rooms to Redis again")
			}
		}
	}
}

func (m *Matchmaker) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/play", m.play)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", m.readyz)
	if m.gather != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(m.gather, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		httpjson.Refuse(w, http.StatusNotFound, "not_found", "no such endpoint: the matchmaker serves POST /v1/play")
	})
	return mux
}

func (m *Matchmaker) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

func (m *Matchmaker) readyz(w http.ResponseWriter, r *http.Request) {
	if !m.synced.Load() {
		http.Error(w, "room cache not synced yet", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := m.opts.Redis.Ping(ctx).Err(); err != nil {
		http.Error(w, "redis does not answer", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// Serve answers on l until ctx ends, then lets requests in flight finish
// within grace.
func (m *Matchmaker) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{Handler: m, ReadHeaderTimeout: m.opts.RequestTimeout, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(sctx)
}
