// Package wsserver is the game pod's HTTP face: POST /join, the players'
// websockets on GET /ws, a finished match's replay on GET /replay,
// health and readiness probes, and metrics.
package wsserver

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/metrics"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// Config of the server.
type Config struct {
	RoomID         string // "<namespace>/<name>", the room tokens are for
	Keys           func() *session.Keyring
	SessionTTL     time.Duration
	AllowedOrigins []string // empty: same host only
	Redis          redis.UniversalClient
	Registry       *metrics.Registry // served on /metrics; nil: no /metrics
	Metrics        *room.Metrics     // the room's, shared; nil: not counted
	Log            logr.Logger
	Now            func() time.Time

	// Limits; zero values take the defaults below.
	SendQueue  int           // frames queued per connection before it counts as slow
	RatePerSec float64       // client messages per second, sustained
	RateBurst  int           // client messages in a burst
	HelloWait  time.Duration // time to send hello after connecting
	PongWait   time.Duration // silence (no pong, no message) before the connection is dropped
	WriteWait  time.Duration // time to write one frame
	BodyWait   time.Duration // time to send a join's or a watch's body after its headers
}

func (c *Config) defaults() {
	if c.SendQueue <= 0 {
		c.SendQueue = 256
	}
	if c.RatePerSec <= 0 {
		c.RatePerSec = 10
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 20
	}
	if c.HelloWait <= 0 {
		c.HelloWait = 10 * time.Second
	}
	if c.PongWait <= 0 {
		c.PongWait = 60 * time.Second
	}
	if c.WriteWait <= 0 {
		c.WriteWait = 10 * time.Second
	}
	if c.BodyWait <= 0 {
		c.BodyWait = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Metrics == nil {
		c.Metrics = room.NewMetrics(nil)
	}
}

// Server serves one room. The room is set once it is recovered; until then
// /readyz fails and the game endpoints answer 503.
type Server struct {
	cfg  Config
	room atomic.Pointer[room.Room]

	mu       sync.Mutex
	conns    map[*conn]struct{}
	closing  bool
	sessions sync.WaitGroup // one per websocket until its writer closed the socket
}

// New returns a server; call SetRoom once the room is open.
func New(cfg Config) *Server {
	cfg.defaults()
	return &Server{cfg: cfg}
}

// track registers an upgraded connection; false once Shutdown began.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	s.sessions.Add(1)
	return !s.closing
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

func (s *Server) untrack(c *conn) {
	<-c.writerDone
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.sessions.Done()
}

// Shutdown closes every websocket with 1001 (going away), so clients
// reconnect at once to the room's next pod, and waits until each close
// frame is written, then up to shutdownGrace for the clients to answer
// it (closing a socket they still write to would reset it). New
// websockets are refused the same way. http.Server.Shutdown does none of
// this: it forgets hijacked connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		c.Close(CloseGoingAway, "the pod is shutting down; reconnect")
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		select {
		case <-c.closeSent:
		case <-ctx.Done():
			return fmt.Errorf("close websockets: %w", ctx.Err())
		}
	}
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
	case <-ctx.Done():
	}
	return nil
}

// shutdownGrace is how long Shutdown lets clients answer the close.
const shutdownGrace = time.Second

// SetRoom makes the recovered room available.
func (s *Server) SetRoom(r *room.Room) { s.room.Store(r) }

// Handler routes the pod's endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /join", s.join)
	mux.HandleFunc("POST /watch", s.watch)
	mux.HandleFunc("GET /ws", s.websocket)
	mux.HandleFunc("GET /replay", s.replay)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.cfg.Registry != nil {
		mux.Handle("GET /metrics", s.cfg.Registry)
	}
	return mux
}

// healthz is the liveness probe: the process serves and, once the room
// is open, its heartbeat loop runs on time.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	if rm := s.room.Load(); rm != nil {
		if err := rm.Alive(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.room.Load() == nil {
		http.Error(w, "room not recovered yet", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.cfg.Redis.Ping(ctx).Err(); err != nil {
		http.Error(w, "redis does not answer", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
