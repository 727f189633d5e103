package room_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// midMatch seats two players and plays n actions; it returns the room,
// the players' ids and connections, and the engine the room should match.
func midMatch(t *testing.T, rdb redis.UniversalClient, n int) (*room.Room, []string, []*fakeConn, *cassino.Match) {
	t.Helper()
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	ids, conns := seat(t, r, 2)
	ref, _, _ := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	for i := range n {
		playNext(t, r, ref, conns, "a"+string(rune('0'+i)))
	}
	return r, ids, conns, ref
}

// playNext plays the greedy move of the seat whose turn it is and checks
// that it was acked.
func playNext(t *testing.T, r *room.Room, ref *cassino.Match, conns []*fakeConn, id string) {
	t.Helper()
	s := ref.Turn()
	a := cassino.Greedy(ref.View(s))
	before := r.Seq()
	r.Act(context.Background(), s, conns[s], protocol.Act{ActionID: id, Action: a})
	if r.Seq() != before+1 {
		t.Fatalf("action %s not played: room at %d, last frame %v", id, r.Seq(), lastFrame(t, conns[s]))
	}
	if _, err := ref.Apply(s, a); err != nil {
		t.Fatal(err)
	}
}

// actNext sends the next legal move and returns the frame it got.
func actNext(t *testing.T, r *room.Room, ref *cassino.Match, conns []*fakeConn, id string) map[string]any {
	t.Helper()
	s := ref.Turn()
	r.Act(context.Background(), s, conns[s], protocol.Act{ActionID: id, Action: cassino.Greedy(ref.View(s))})
	return lastFrame(t, conns[s])
}

func wantLost(t *testing.T, r *room.Room) {
	t.Helper()
	if why, lost := r.DataLost(); !lost {
		t.Fatal("the room does not report its data lost")
	} else if why == "" {
		t.Fatal("the loss has no reason")
	}
	if b := r.Beat("pod"); !b.DataLost {
		t.Fatalf("heartbeat %+v does not carry dataLost", b)
	}
}

// wantNothingWritten: after a loss the room's keys stay empty, save for
// the heartbeat that reports it.
func wantNothingWritten(t *testing.T, rdb redis.UniversalClient) {
	t.Helper()
	for _, k := range keys.All() {
		if k == keys.Heartbeat() {
			continue
		}
		if n := rdb.Exists(context.Background(), k).Val(); n != 0 {
			t.Fatalf("%s was written after the loss", k)
		}
	}
}

func TestFlushAllMidMatchRefusesTheNextActionAndKeepsTheGame(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	r, ids, conns, ref := midMatch(t, rdb, 3)
	seq := r.Seq()
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}

	f := actNext(t, r, ref, conns, "after-flush")
	if f["type"] != protocol.TypeError || f["code"] != protocol.CodeDataLost {
		t.Fatalf("action after FLUSHALL got %v, want error %s", f, protocol.CodeDataLost)
	}
	wantLost(t, r)
	other := conns[1-ref.Turn()]
	if f := lastFrame(t, other); f["code"] != protocol.CodeDataLost {
		t.Fatalf("the other player was not told: last frame %v", f)
	}
	if r.Seq() != seq || r.Phase() != roomcontract.PhasePlaying {
		t.Fatalf("room moved to seq %d phase %s, want %d playing", r.Seq(), r.Phase(), seq)
	}
	// Every later attempt is refused the same way, and nothing is written.
	if f := actNext(t, r, ref, conns, "again"); f["code"] != protocol.CodeDataLost {
		t.Fatalf("second action got %v", f)
	}
	if _, err := r.Join(context.Background(), "late", -1); !errors.Is(err, room.ErrDataLost) {
		t.Fatalf("join after the loss: %v, want ErrDataLost", err)
	}
	last := seq
	if err := r.Attach(context.Background(), ids[0], 0, &last, &fakeConn{}); !errors.Is(err, room.ErrDataLost) {
		t.Fatalf("reconnect after the loss: %v, want ErrDataLost", err)
	}
	r.Detach(context.Background(), 1, conns[1])
	wantNothingWritten(t, rdb)

	// The heartbeat carries it to the operator.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.RunHeartbeat(ctx, "r1-game", time.Hour); close(done) }()
	b := waitBeat(t, rdb, func(b roomcontract.Beat) bool { return true })
	cancel()
	<-done
	if !b.DataLost || b.Phase != roomcontract.PhasePlaying {
		t.Fatalf("heartbeat in Redis %+v, want dataLost while playing", b)
	}
}

func waitBeat(t *testing.T, rdb redis.UniversalClient, ok func(roomcontract.Beat) bool) roomcontract.Beat {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, errs, err := roomcontract.ReadBeats(context.Background(), rdb, []roomcontract.Room{keys})
		if err == nil && errs[0] == nil && ok(b[0]) {
			return b[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no heartbeat as expected within 10s")
	return roomcontract.Beat{}
}

func TestHeartbeatNoticesAFlushWhileNobodyPlays(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	r, _, conns, _ := midMatch(t, rdb, 2)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go r.RunHeartbeat(ctx, "r1-game", 50*time.Millisecond)
	waitBeat(t, rdb, func(b roomcontract.Beat) bool { return !b.DataLost })
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	waitBeat(t, rdb, func(b roomcontract.Beat) bool { return b.DataLost })
	wantLost(t, r)
	deadline := time.Now().Add(5 * time.Second)
	for _, c := range conns {
		for lastFrame(t, c)["code"] != protocol.CodeDataLost {
			if time.Now().After(deadline) {
				t.Fatalf("a connected player was not told: %v", lastFrame(t, c))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestRedisRestartedWithoutPersistenceIsDetectedNotAFreshMatch(t *testing.T) {
	srv := redisserver.Start(t)
	rdb := srv.Client(t)
	old, ids, conns, ref := midMatch(t, rdb, 4)
	seq := old.Seq()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}

	t.Run("the running pod refuses the next action", func(t *testing.T) {
		if f := actNext(t, old, ref, conns, "after-restart"); f["code"] != protocol.CodeDataLost {
			t.Fatalf("got %v", f)
		}
		wantLost(t, old)
	})
	t.Run("a replacement pod told the match started", func(t *testing.T) {
		r := openRoom(t, rdb, cassino.DefaultOptions(2), func(c *room.Config) { c.MatchStarted = true })
		wantLost(t, r)
		if _, err := r.Join(context.Background(), "p0", -1); !errors.Is(err, room.ErrDataLost) {
			t.Fatalf("join: %v, want ErrDataLost", err)
		}
		if err := r.SeatBot(context.Background(), 1, "bot"); err != nil {
			t.Fatalf("seating a bot must not stop the pod: %v", err)
		}
		if r.Phase() != roomcontract.PhaseWaiting || r.Seq() != 0 {
			t.Fatalf("replacement at %s seq %d", r.Phase(), r.Seq())
		}
		wantNothingWritten(t, rdb)
	})
	t.Run("a replacement pod not told, and a player who saw the match", func(t *testing.T) {
		// The seats went with the data, so the player is not seated here:
		// it is refused like a token of a room made again under the same
		// name (which it cannot be told apart from), and joins again.
		r := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
		if err := r.Attach(context.Background(), ids[0], 0, &seq, &fakeConn{}); !errors.Is(err, room.ErrNotSeated) {
			t.Fatalf("reconnect with last_seq %d: %v, want ErrNotSeated", seq, err)
		}
		if why, lost := r.DataLost(); lost {
			t.Fatalf("a stranger's last_seq marked the room lost: %s", why)
		}
	})
}

func TestRedisRestartedWithAppendOnlyKeepsPlaying(t *testing.T) {
	srv := redisserver.StartWith(t, redisserver.Options{AppendOnly: true})
	rdb := srv.Client(t)
	r, ids, conns, ref := midMatch(t, rdb, 3)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go r.RunHeartbeat(ctx, "r1-game", 50*time.Millisecond)

	playNext(t, r, ref, conns, "after-restart")
	last := r.Seq()
	if err := r.Attach(context.Background(), ids[0], 0, &last, conns[0]); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	playNext(t, r, ref, conns, "after-reconnect")
	// A few heartbeats, each checking Redis, raise no alarm.
	for range 3 {
		waitBeat(t, rdb, func(b roomcontract.Beat) bool { return b.Seated == 2 })
		time.Sleep(60 * time.Millisecond)
	}
	if b := waitBeat(t, rdb, func(roomcontract.Beat) bool { return true }); b.DataLost {
		t.Fatalf("false alarm: %+v", b)
	}
	if why, lost := r.DataLost(); lost {
		t.Fatalf("false alarm: %s", why)
	}

	next := openRoom(t, rdb, cassino.DefaultOptions(2), func(c *room.Config) { c.MatchStarted = true })
	if why, lost := next.DataLost(); lost {
		t.Fatalf("replacement pod raised a false alarm: %s", why)
	}
	if next.Seq() != r.Seq() {
		t.Fatalf("replacement at %d, want %d", next.Seq(), r.Seq())
	}
	nconns := []*fakeConn{{}, {}}
	for s := range 2 {
		at := r.Seq()
		if err := next.Attach(context.Background(), ids[s], s, &at, nconns[s]); err != nil {
			t.Fatal(err)
		}
	}
	playNext(t, next, ref, nconns, "on-the-new-pod")
}

func TestLogThatWentBackIsALoss(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	r, _, conns, ref := midMatch(t, rdb, 3)
	// What a failover to a replica that had not received the last entry
	// leaves: the same epoch, a shorter log.
	ctx := context.Background()
	seq := r.Seq()
	rdb.XDel(ctx, keys.Log(), strconv.FormatInt(seq, 10)+"-0")
	rdb.Set(ctx, keys.Seq(), seq-1, 0)
	if f := actNext(t, r, ref, conns, "after-failover"); f["code"] != protocol.CodeDataLost {
		t.Fatalf("got %v", f)
	}
	wantLost(t, r)
}

func TestSetupStoredBeforeEpochsIsAdoptedWithoutAlarm(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	r, ids, _, ref := midMatch(t, rdb, 2)
	rdb.Del(context.Background(), keys.Epoch())

	next := openRoom(t, rdb, cassino.DefaultOptions(2), func(c *room.Config) { c.MatchStarted = true })
	if why, lost := next.DataLost(); lost {
		t.Fatalf("an upgraded room was reported lost: %s", why)
	}
	if rdb.Get(context.Background(), keys.Epoch()).Val() == "" {
		t.Fatal("the upgraded room got no epoch")
	}
	conns := []*fakeConn{{}, {}}
	for s := range 2 {
		at := r.Seq()
		if err := next.Attach(context.Background(), ids[s], s, &at, conns[s]); err != nil {
			t.Fatal(err)
		}
	}
	playNext(t, next, ref, conns, "upgraded")
}

// A seated player's last_seq beyond the log proves nothing (nothing shows
// the client saw it), so it stops nothing: whether the log lost its last
// entry before a replacement pod recovered it (a failover to a replica
// that missed it) or the client claims a sequence never played, the
// player gets the room as the log has it, a full view, and play goes on.
func TestALastSeqBeyondTheLogGetsAFullViewAndStopsNothing(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	r, ids, conns, ref := midMatch(t, rdb, 3)
	ctx := context.Background()

	claimed := int64(50)
	if err := r.Attach(ctx, ids[0], 0, &claimed, conns[0]); err != nil {
		t.Fatalf("reconnect with last_seq %d over a room at %d: %v", claimed, r.Seq(), err)
	}
	if why, lost := r.DataLost(); lost {
		t.Fatalf("a claimed last_seq marked the room lost: %s", why)
	}
	if v := lastOfType(t, conns[0], "view"); v["seq"] != float64(r.Seq()) {
		t.Fatalf("view after the reconnect: %v, want the room's at seq %d", v, r.Seq())
	}
	playNext(t, r, ref, conns, "after-claim")

	// The log loses its last entry, as on a replica that never got it (a
	// stream rewritten without it: XDEL would keep its id as the stream's
	// last); a replacement pod recovers the rest.
	seq := r.Seq()
	kept, err := rdb.XRange(ctx, keys.Log(), "-", "("+strconv.FormatInt(seq, 10)+"-0").Result()
	if err != nil {
		t.Fatal(err)
	}
	rdb.Del(ctx, keys.Log())
	for _, e := range kept {
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: keys.Log(), ID: e.ID, Values: e.Values})
	}
	rdb.Set(ctx, keys.Seq(), seq-1, 0)
	replacement := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	fresh := []*fakeConn{{}, {}}
	for s := range 2 {
		if err := replacement.Attach(ctx, ids[s], s, &seq, fresh[s]); err != nil {
			t.Fatalf("seat %d reconnects with last_seq %d over a log at %d: %v", s, seq, seq-1, err)
		}
		if v := lastOfType(t, fresh[s], "view"); v["seq"] != float64(seq-1) {
			t.Fatalf("seat %d view: %v, want the log's at seq %d", s, v, seq-1)
		}
	}
	if why, lost := replacement.DataLost(); lost {
		t.Fatalf("the replacement reported a loss from a client's word: %s", why)
	}
	undone, _, _ := cassino.New(cassino.Setup{Options: cassino.DefaultOptions(2), Seed: 7})
	for _, e := range replayed(t, rdb)[1:] { // the first entry is New's own deal
		if err := undone.Evolve(e...); err != nil {
			t.Fatal(err)
		}
	}
	playNext(t, replacement, undone, fresh, "after-recovery")
}

// replayed is every logged entry's events, in order.
func replayed(t *testing.T, rdb redis.UniversalClient) [][]cassino.Event {
	t.Helper()
	entries, err := rdb.XRange(context.Background(), keys.Log(), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]cassino.Event
	for _, e := range entries {
		var evs []cassino.Event
		if err := json.Unmarshal([]byte(e.Values["events"].(string)), &evs); err != nil {
			t.Fatal(err)
		}
		out = append(out, evs)
	}
	return out
}

// lastOfType is the last frame of type typ the connection got.
func lastOfType(t *testing.T, c *fakeConn, typ string) map[string]any {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.frames) - 1; i >= 0; i-- {
		var m map[string]any
		if json.Unmarshal(c.frames[i], &m) == nil && m["type"] == typ {
			return m
		}
	}
	t.Fatalf("no %s frame among %d", typ, len(c.frames))
	return nil
}

// Redis that lost some of a room's log entries (an eviction drops keys,
// or a stream's entries, one at a time) lost the match: a pod that
// recovers the room finds the gap and refuses to play on, as for any
// other loss, instead of failing its recovery again and again.
func TestALogWithEntriesMissingIsALoss(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	midMatch(t, rdb, 6)
	msgs, err := rdb.XRange(context.Background(), keys.Log(), "-", "+").Result()
	if err != nil || len(msgs) < 5 {
		t.Fatalf("log: %d entries, %v", len(msgs), err)
	}
	if err := rdb.XDel(context.Background(), keys.Log(), msgs[2].ID, msgs[3].ID).Err(); err != nil {
		t.Fatal(err)
	}
	r := openRoom(t, rdb, cassino.DefaultOptions(2), func(c *room.Config) { c.MatchStarted = true })
	wantLost(t, r)
	if why, _ := r.DataLost(); !strings.Contains(why, "missing") {
		t.Errorf("the loss says %q; want it to name the missing entries", why)
	}
}
