package room_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/metrics"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

var keys = roomcontract.For("games", "r1")

// fakeConn records frames; a full queue makes Send refuse, like a client
// that stopped reading.
type fakeConn struct {
	mu     sync.Mutex
	frames [][]byte
	limit  int
	closed int
}

func (c *fakeConn) Send(f []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limit > 0 && len(c.frames) >= c.limit {
		return false
	}
	c.frames = append(c.frames, f)
	return true
}

func (c *fakeConn) Close(code int, _ string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == 0 {
		c.closed = code
	}
}

func (c *fakeConn) types() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.frames {
		var m struct{ Type string }
		_ = json.Unmarshal(f, &m)
		out = append(out, m.Type)
	}
	return out
}

func openRoom(tb testing.TB, rdb redis.UniversalClient, opts cassino.Options, mod func(*room.Config)) *room.Room {
	tb.Helper()
	cfg := room.Config{
		Keys: keys, Options: opts, Redis: rdb, Log: logr.Discard(),
		Seed: func() (int64, error) { return 7, nil },
		Now:  func() time.Time { return time.UnixMilli(1_790_000_000_000) },
	}
	if mod != nil {
		mod(&cfg)
	}
	r, err := room.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// seat fills every seat and attaches a fake connection to each.
func seat(tb testing.TB, r *room.Room, n int) ([]string, []*fakeConn) {
	tb.Helper()
	ids := make([]string, n)
	conns := make([]*fakeConn, n)
	for i := range n {
		p, err := r.Join(context.Background(), fmt.Sprintf("p%d", i), -1)
		if err != nil {
			tb.Fatal(err)
		}
		ids[i], conns[i] = p.ID, &fakeConn{}
		if err := r.Attach(context.Background(), p.ID, p.Seat, nil, conns[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return ids, conns
}

func TestSlowClientIsDisconnectedAndTheRoomGoesOn(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	opts := cassino.DefaultOptions(2)
	counted := room.NewMetrics(metrics.NewRegistry())
	r := openRoom(t, rdb, opts, func(c *room.Config) { c.Metrics = counted })
	_, conns := seat(t, r, 2)
	slow := conns[1]
	slow.mu.Lock()
	slow.limit = len(slow.frames) // its queue is full from now on
	slow.mu.Unlock()
	ref, _, _ := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	for range 3 {
		s := ref.Turn()
		a := cassino.Greedy(ref.View(s))
		r.Act(context.Background(), s, conns[s], protocol.Act{ActionID: fmt.Sprint("a", r.Seq()), Action: a})
		if s == 1 {
			break // the slow seat was disconnected; its actions no longer count
		}
		if _, err := ref.Apply(s, a); err != nil {
			t.Fatal(err)
		}
	}
	if slow.closed != room.CloseTooSlow {
		t.Fatalf("slow client closed with %d, want %d", slow.closed, room.CloseTooSlow)
	}
	if b := r.Beat("pod"); b.Connected != 1 || b.Seated != 2 {
		t.Fatalf("beat %+v, want 1 connected of 2", b)
	}
	if n := counted.SlowClients.Value(); n != 1 {
		t.Fatalf("croupier_game_slow_clients_total is %v, want 1", n)
	}
}

func TestHeartbeatIsWrittenForTheOperator(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	r := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.RunHeartbeat(ctx, "r1-game", time.Hour); close(done) }()
	var beats []roomcontract.Beat
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, errs, err := roomcontract.ReadBeats(context.Background(), rdb, []roomcontract.Room{keys})
		if err == nil && errs[0] == nil {
			beats = b
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if len(beats) != 1 {
		t.Fatal("no heartbeat written")
	}
	b := beats[0]
	if b.Pod != "r1-game" || b.Phase != roomcontract.PhaseWaiting || b.Seated != 0 || b.Connected != 0 || !b.LastActivity.IsZero() {
		t.Fatalf("beat %+v", b)
	}
	// Ten heartbeat periods (docs/API.md, docs/REDIS.md): here an hour's.
	if ttl := rdb.PTTL(context.Background(), keys.Heartbeat()).Val(); ttl <= 9*time.Hour || ttl > 10*time.Hour {
		t.Fatalf("heartbeat expires in %v, want 10 heartbeat periods (10h)", ttl)
	}
	seat(t, r, 2)
	if b := r.Beat("r1-game"); b.Phase != roomcontract.PhasePlaying || b.Seated != 2 || b.Connected != 2 || b.LastActivity.IsZero() {
		t.Fatalf("beat after seating %+v", b)
	}
}

func TestOpenResetsConnectionCountsOfADeadPod(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	r := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	seat(t, r, 2)
	// The pod dies with both players connected; a new one starts.
	r2 := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	if b := r2.Beat("new"); b.Connected != 0 || b.Seated != 2 || b.Phase != roomcontract.PhasePlaying {
		t.Fatalf("new pod's beat %+v", b)
	}
	raw := rdb.HGetAll(context.Background(), keys.Sessions()).Val()
	for id, rec := range raw {
		var p struct{ Connections int }
		_ = json.Unmarshal([]byte(rec), &p)
		if p.Connections != 0 {
			t.Fatalf("player %s still has %d connections in Redis", id, p.Connections)
		}
	}
	if r2.Seq() != r.Seq() {
		t.Fatalf("new pod at %d, old at %d", r2.Seq(), r.Seq())
	}
}
