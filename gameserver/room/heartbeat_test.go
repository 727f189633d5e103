package room_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// slowRoomRedis delays every single command (the room's own calls: seats,
// log, presence) and records when each heartbeat write reaches Redis.
type slowRoomRedis struct {
	delay time.Duration
	mu    sync.Mutex
	beats []time.Time
}

func (*slowRoomRedis) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *slowRoomRedis) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		for _, a := range cmd.Args() {
			if k, ok := a.(string); ok && strings.HasPrefix(k, "croupier:") {
				time.Sleep(h.delay)
				break
			}
		}
		return next(ctx, cmd)
	}
}
func (h *slowRoomRedis) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if len(c.Args()) > 1 && c.Args()[1] == keys.Heartbeat() {
				h.mu.Lock()
				h.beats = append(h.beats, time.Now())
				h.mu.Unlock()
				break
			}
		}
		return next(ctx, cmds)
	}
}

func (h *slowRoomRedis) gaps() (n int, longest time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := 1; i < len(h.beats); i++ {
		longest = max(longest, h.beats[i].Sub(h.beats[i-1]))
	}
	return len(h.beats), longest
}

// A room kept busy by a slow Redis (each of its calls takes several
// heartbeat periods, one after another, under the room's lock) still
// writes its heartbeat every period.
func TestHeartbeatKeepsItsPeriodWhileTheRoomIsBusy(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	r := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	ids, conns := seat(t, r, 2)

	slow := &slowRoomRedis{delay: 1500 * time.Millisecond}
	rdb.AddHook(slow)
	const period = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.RunHeartbeat(ctx, "r1-game", period)

	busy := make(chan struct{})
	go func() {
		defer close(busy)
		// Reconnects: each holds the room across a (slow) presence write.
		for i := range 2 {
			_ = r.Attach(context.Background(), ids[i%2], i%2, nil, conns[i%2])
		}
	}()
	<-busy
	cancel()
	n, longest := slow.gaps()
	if n < 10 || longest > 5*period {
		t.Fatalf("%d heartbeats while the room was busy, longest gap %s; want one every %s", n, longest, period)
	}
}

// A heartbeat loop that stopped fails the liveness check; a running one
// passes it.
func TestAliveFailsOnceTheHeartbeatLoopStops(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	r := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	if err := r.Alive(); err != nil {
		t.Fatalf("before the loop starts (recovery): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.RunHeartbeat(ctx, "r1-game", 50*time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for rdb.Exists(context.Background(), keys.Heartbeat()).Val() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := r.Alive(); err != nil {
		t.Fatalf("while the loop runs: %v", err)
	}
	cancel()
	<-done
	if err := r.Alive(); err == nil {
		t.Fatal("the heartbeat loop stopped, yet the room reports itself alive")
	}
}

// While Redis hangs, each heartbeat write gives up after one period, so
// the loop keeps running (and logs), and the pod stays live.
func TestHeartbeatLoopKeepsRunningWhileRedisHangs(t *testing.T) {
	srv := redisserver.Pick(t).Single(t)
	rdb, err := redisconn.Options{Addrs: []string{srv.Addr}}.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	r := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	const period = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.RunHeartbeat(ctx, "r1-game", period)
	srv.Freeze(t)
	for end := time.Now().Add(8 * period); time.Now().Before(end); time.Sleep(period / 2) {
		if err := r.Alive(); err != nil {
			t.Fatalf("with Redis frozen: %v", err)
		}
	}
}
