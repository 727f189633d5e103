package router

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/gorilla/websocket"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// Unit tests put rooms in the table by hand and stand a small websocket
// server in for each game pod; the real platform is in test/routing.

var testKey = []byte(strings.Repeat("k", 32))

func testKeys(t testing.TB) *session.Keyring {
	k, err := session.NewKeyring(map[string][]byte{"2026-01-01": testKey})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fakePod echoes every message back and counts what it saw.
type fakePod struct {
	srv      *httptest.Server
	mu       sync.Mutex
	conns    int
	messages [][]byte
	live     []*websocket.Conn
	joins    int
	origins  []string // the Origin of each websocket handshake
}

func newFakePod(t testing.TB) *fakePod {
	p := &fakePod{}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		// Recorded before the handshake's answer, so a client whose dial
		// through the router returned finds it.
		p.mu.Lock()
		p.origins = append(p.origins, r.Header.Get("Origin"))
		p.mu.Unlock()
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns++
		p.live = append(p.live, c)
		p.mu.Unlock()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.messages = append(p.messages, msg)
			p.mu.Unlock()
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("POST /join", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		p.joins++
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"room":"ns/r","player_id":"p","seat":0,"token":"t","expires_at":1}`))
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakePod) addr() string { return strings.TrimPrefix(p.srv.URL, "http://") }

func (p *fakePod) seen() (conns, messages int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns, len(p.messages)
}

// dropAll closes the pod's connections without a close frame, as a pod
// process that dies does.
func (p *fakePod) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.live {
		_ = c.NetConn().Close()
	}
}

// dialLog records every address the router dials.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

func (d *dialLog) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	d.mu.Unlock()
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

func (d *dialLog) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}

// logLines records the router's log.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		l.lines = append(l.lines, prefix+" "+args)
		l.mu.Unlock()
	}, funcr.Options{})
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// testRouter is a served router with hand-fed rooms.
type testRouter struct {
	t      testing.TB
	r      *Router
	url    string
	dials  *dialLog
	logs   *logLines
	cancel context.CancelFunc
	done   chan error
}

func startRouter(t testing.TB, adjust func(*Options)) *testRouter {
	t.Helper()
	tr := &testRouter{t: t, dials: &dialLog{}, logs: &logLines{}, done: make(chan error, 1)}
	opts := Options{Keys: func() *session.Keyring { return testKeys(t) }, Dial: tr.dials.dial, Log: tr.logs.logger()}
	if adjust != nil {
		adjust(&opts)
	}
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.synced.Store(true)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tr.r, tr.url, tr.cancel = r, "http://"+l.Addr().String(), cancel
	go func() { tr.done <- r.Serve(ctx, l, 0, 5*time.Second) }()
	t.Cleanup(tr.stop)
	return tr
}

func (tr *testRouter) stop() {
	if tr.cancel != nil {
		tr.cancel()
		<-tr.done
		tr.cancel = nil
	}
}

// setRoom puts a room in the table as the watch would; endpoint "" is a
// room whose pod is not ready.
func (tr *testRouter) setRoom(ns, name, endpoint string) {
	gr := &gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	gr.Status.Endpoint = endpoint
	status := metav1.ConditionFalse
	if endpoint != "" {
		status = metav1.ConditionTrue
	}
	gr.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: status}}
	tr.r.table.set(gr)
}

func (tr *testRouter) token(room string) string {
	tok, _, err := testKeys(tr.t).Issue(session.Claims{Room: room, PlayerID: "p", Seat: 0}, time.Now(), time.Hour)
	if err != nil {
		tr.t.Fatal(err)
	}
	return tok
}

func (tr *testRouter) wsURL(path string) string {
	return "ws" + strings.TrimPrefix(tr.url, "http") + path
}

// dial opens a websocket the documented way.
func (tr *testRouter) dial(path, token string, h http.Header) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{Subprotocols: []string{ProtocolV1, TokenProtocolPrefix + token}, HandshakeTimeout: 5 * time.Second}
	return d.Dial(tr.wsURL(path), h)
}
