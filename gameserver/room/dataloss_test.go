package room_test

import (
	"context"
	"errors"
	"strconv"
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

// A replacement pod that recovers a log shorter than a seated player saw
// (a failover to a replica that missed entries, a restore from an older
// copy) learns it from that player's last_seq.
func TestSeatedPlayerWhoSawMoreThanTheLogIsEvidence(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	r, ids, _, _ := midMatch(t, rdb, 3)
	ctx := context.Background()
	seq := r.Seq()
	rdb.XDel(ctx, keys.Log(), strconv.FormatInt(seq, 10)+"-0")
	rdb.Set(ctx, keys.Seq(), seq-1, 0)
	replacement := openRoom(t, rdb, cassino.DefaultOptions(2), nil)
	if err := replacement.Attach(ctx, ids[0], 0, &seq, &fakeConn{}); !errors.Is(err, room.ErrDataLost) {
		t.Fatalf("reconnect with last_seq %d over a log at %d: %v, want ErrDataLost", seq, seq-1, err)
	}
	wantLost(t, replacement)
}
