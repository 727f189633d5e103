package wsserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/metrics"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

const roomID = "games/t1"

var keys = roomcontract.For("games", "t1")

func withOptions(f func(*cassino.Options)) tableOption { return func(t *table) { f(&t.opts) } }

// table is a game pod under test: a real redis-server, the room, and the
// HTTP server on a loopback port. restart replaces the pod like a crash.
type table struct {
	t       testing.TB
	redis   *redisserver.Redis
	rdb     redis.UniversalClient
	keyring *session.Keyring
	opts    cassino.Options
	seed    int64
	roomCfg func(*room.Config)
	srvCfg  func(*wsserver.Config)

	room    *room.Room
	server  *wsserver.Server
	metrics *room.Metrics
	pod     redis.UniversalClient // the pod's own client, built as in production
	http    *httptest.Server
	conns   *connSet
	reg     *metrics.Registry
}

type tableOption func(*table)

func withRoom(f func(*room.Config)) tableOption       { return func(t *table) { t.roomCfg = f } }
func withServer(f func(*wsserver.Config)) tableOption { return func(t *table) { t.srvCfg = f } }

func newTable(t testing.TB, players int, opts ...tableOption) *table {
	t.Helper()
	srv := redisserver.Pick(t)
	kr, err := session.NewKeyring(map[string][]byte{"2026-11-26": bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	tb := &table{
		t: t, redis: srv, rdb: srv.Client(t), keyring: kr,
		opts: cassino.DefaultOptions(players), seed: 20261126,
		roomCfg: func(*room.Config) {}, srvCfg: func(*wsserver.Config) {},
	}
	for _, o := range opts {
		o(tb)
	}
	tb.opts.Players = players
	tb.start()
	t.Cleanup(tb.stop)
	return tb
}

func (tb *table) start() {
	tb.t.Helper()
	tb.reg = metrics.NewRegistry()
	counted := room.NewMetrics(tb.reg)
	tb.metrics = counted
	pod, err := tb.redis.Conn.Client()
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.pod = pod
	rc := room.Config{
		Keys: keys, Options: tb.opts, Redis: pod, Log: logr.Discard(),
		Seed:    func() (int64, error) { return tb.seed, nil },
		Metrics: counted,
	}
	tb.roomCfg(&rc)
	rm, err := room.Open(context.Background(), rc)
	if err != nil {
		tb.t.Fatalf("open room: %v", err)
	}
	sc := wsserver.Config{
		RoomID: roomID, Keys: func() *session.Keyring { return tb.keyring },
		SessionTTL: time.Hour, Redis: pod, Registry: tb.reg, Metrics: counted, Log: logr.Discard(),
		RatePerSec: 10000, RateBurst: 10000, // bots play far faster than people
	}
	tb.srvCfg(&sc)
	s := wsserver.New(sc)
	s.SetRoom(rm)
	tb.server = s
	tb.conns = &connSet{}
	tb.http = httptest.NewUnstartedServer(s.Handler())
	tb.http.Listener = &trackingListener{Listener: tb.http.Listener, set: tb.conns}
	tb.http.Start()
	tb.room = rm
}

// connSet remembers every accepted connection, websockets included (the
// HTTP server forgets those once they are hijacked), so a crash can cut them.
type connSet struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
}

// peerOf is the accepted connection whose client end is at client.
func (s *connSet) peerOf(client net.Addr) net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.RemoteAddr().String() == client.String() {
			return c
		}
	}
	return nil
}

type trackingListener struct {
	net.Listener
	set *connSet
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.set.mu.Lock()
		l.set.conns = append(l.set.conns, c)
		l.set.mu.Unlock()
	}
	return c, err
}

func (tb *table) stop() {
	if tb.http != nil {
		tb.conns.closeAll()
		tb.http.CloseClientConnections()
		tb.http.Close()
		tb.http = nil
		_ = tb.pod.Close()
	}
}

// restart kills the pod (every connection drops, the room's memory is
// gone) and starts a new one on the same Redis.
func (tb *table) restart() {
	tb.stop()
	tb.start()
}

func (tb *table) wsURL() string { return "ws" + strings.TrimPrefix(tb.http.URL, "http") + "/ws" }

type joined struct {
	wsserver.JoinResponse
	status int
	err    httpjson.Refusal
}

func (tb *table) join(body string) joined {
	tb.t.Helper()
	resp, err := http.Post(tb.http.URL+"/join", "application/json", strings.NewReader(body))
	if err != nil {
		tb.t.Fatal(err)
	}
	defer resp.Body.Close()
	j := joined{status: resp.StatusCode}
	if resp.StatusCode == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&j.JoinResponse)
	} else {
		err = json.NewDecoder(resp.Body).Decode(&j.err)
	}
	if err != nil {
		tb.t.Fatalf("join answer: %v", err)
	}
	return j
}

// seatAll joins every seat and connects a bot to each.
func (tb *table) seatAll() []*bot {
	tb.t.Helper()
	bots := make([]*bot, tb.opts.Players)
	for i := range bots {
		j := tb.join(fmt.Sprintf(`{"name":"bot %d"}`, i))
		if j.status != http.StatusOK || j.Seat != i {
			tb.t.Fatalf("join %d: %+v", i, j)
		}
		bots[i] = newBot(tb.t, j.Seat, j.Token)
		bots[i].truth = tb.handAt
	}
	for _, b := range bots {
		b.connect(tb.wsURL())
	}
	return bots
}

func (tb *table) logLen() int64 {
	tb.t.Helper()
	n, err := tb.rdb.XLen(context.Background(), keys.Log()).Result()
	if err != nil {
		tb.t.Fatal(err)
	}
	return n
}

// handAt replays the full-information log to seq and returns the seat's
// hand; ok is false when the log no longer starts at the match start.
func (tb *table) handAt(seq int64, seat int) ([]cassino.Card, bool) {
	tb.t.Helper()
	ctx := context.Background()
	log := actionlog.New(tb.rdb, keys)
	raw, ok, err := log.LoadSetup(ctx)
	if err != nil || !ok {
		return nil, false
	}
	var setup cassino.Setup
	if err := json.Unmarshal(raw, &setup); err != nil {
		tb.t.Fatal(err)
	}
	entries, err := log.After(ctx, 1)
	if err != nil {
		tb.t.Fatal(err)
	}
	if len(entries) > 0 && entries[0].Seq != 2 {
		return nil, false
	}
	var events []cassino.Event
	for _, e := range entries {
		if e.Seq > seq {
			break
		}
		var evs []cassino.Event
		if err := json.Unmarshal(e.Events, &evs); err != nil {
			tb.t.Fatal(err)
		}
		events = append(events, evs...)
	}
	m, err := cassino.Replay(setup, events)
	if err != nil {
		tb.t.Fatal(err)
	}
	return m.View(seat).Hand, true
}

func (tb *table) roomPlayers() ([]seating.Player, error) {
	return seating.New(tb.rdb, keys, tb.opts.Players).All(context.Background())
}
