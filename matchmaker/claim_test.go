package matchmaker

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
)

// memLabels stands in for the API server's side of a claim: it records
// every label written, and may fail.
type memLabels struct {
	mu      sync.Mutex
	written map[string][]string // room → claimants, one per write
	fail    bool
}

func (l *memLabels) writeClaim(_ context.Context, room, by string, _ time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail {
		return fmt.Errorf("api server down")
	}
	if l.written == nil {
		l.written = map[string][]string{}
	}
	l.written[room] = append(l.written[room], by)
	return nil
}

func (l *memLabels) of(room string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.written[room]
}

// feedWarmRooms tells Redis, as a replica's watch would, that n pool rooms of
// the table are warm; the rooms seat their table's players.
func feedWarmRooms(t *testing.T, m *Matchmaker, rooms *memRooms, tb Table, prefix string, n int) []string {
	t.Helper()
	var names []string
	for i := range n {
		room := fmt.Sprintf("ns/%s-%d", prefix, i)
		rooms.mu.Lock()
		rooms.seats[room] = tb.HumanSeats()
		rooms.mu.Unlock()
		if err := m.coord.feed(context.Background(), keysOf(tb), room, feedWarm, 0); err != nil {
			t.Fatal(err)
		}
		names = append(names, room)
	}
	return names
}

// withFinisher gives each replica a claim finisher writing to labels.
func withFinisher(t *testing.T, ms []*Matchmaker, labels *memLabels, after time.Duration, tb Table) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for i, m := range ms {
		m.opts.ID = fmt.Sprintf("replica-%d", i)
		m.finish = newFinisher(m.coord, labels, func() []string { return []string{tb.Bucket()} }, logr.Discard())
		m.finish.after, m.finish.every = after, 50*time.Millisecond
		go m.finish.run(ctx)
	}
}

// Two hundred players at once over three replicas and 105 warm rooms:
// exactly 100 rooms are claimed, each by one compare-and-set in Redis,
// each seats two, nothing is made, and every claim gets its label once
// its replica writes it.
func TestWarmRoomsAreClaimedInRedisOnceEach(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true // obtaining a room (lobby, template) is never needed
	ms := replicas(t, 3, rooms)
	labels := &memLabels{}
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	tb := req.Table()
	withFinisher(t, ms, labels, time.Hour, tb) // only the claimants write
	feedWarmRooms(t, ms[0], rooms, tb, "warm", 105)

	for i, err := range playN(ms, 200, req, 0) {
		if err != nil {
			t.Fatalf("player %d: %v", i, err)
		}
	}
	if len(rooms.seated) != 100 {
		t.Errorf("players sit in %d rooms, want 100", len(rooms.seated))
	}
	for room, n := range rooms.seated {
		if n != 2 {
			t.Errorf("room %s seats %d", room, n)
		}
	}
	ctx := context.Background()
	b := keysOf(tb)
	if left, _ := ms[0].coord.rdb.SCard(ctx, b.warm()).Result(); left != 5 {
		t.Errorf("%d warm rooms left, want 5", left)
	}
	waitFor(t, func() bool { n, _ := ms[0].coord.rdb.HLen(ctx, b.claims()).Result(); return n == 0 })
	for room := range rooms.seated {
		if by := labels.of(room); len(by) != 1 {
			t.Errorf("room %s: labels written by %v, want one claimant", room, by)
		}
	}
	assertBucketEmpty(t, ms[0], tb)
}

// A replica that dies between winning a claim in Redis and writing its
// label leaves a claim record; another replica finishes it under the
// dead replica's name, and the room is never handed out again, even when
// a replica whose watch lags feeds it as warm once more.
func TestAClaimLeftByADeadReplicaIsFinishedAndNeverHandedOutAgain(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true
	ms := replicas(t, 2, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	tb := req.Table()
	b := keysOf(tb)
	ctx := context.Background()
	feedWarmRooms(t, ms[0], rooms, tb, "warm", 2)

	// The dead replica's last act: one arrival that claimed a room.
	st, err := ms[0].coord.arrive(ctx, b, "dead-ticket", "oid", 2, "dead-replica")
	if err != nil || st.kind != stepSeat || len(st.claimed) != 1 {
		t.Fatalf("arrive: %+v %v", st, err)
	}
	taken := st.claimed[0]
	// A lagging watch feeds the room as warm again: refused.
	if err := ms[1].coord.feed(ctx, b, taken, feedWarm, 0); err != nil {
		t.Fatal(err)
	}
	if in, _ := ms[1].coord.rdb.SIsMember(ctx, b.warm(), taken).Result(); in {
		t.Fatal("a claimed room went back into the warm set")
	}

	labels := &memLabels{}
	withFinisher(t, ms[1:], labels, 200*time.Millisecond, tb)
	waitFor(t, func() bool { return len(labels.of(taken)) > 0 })
	if by := labels.of(taken); by[0] != "dead-replica" {
		t.Errorf("label written for %v, want the dead replica that claimed it", by)
	}
	waitFor(t, func() bool { n, _ := ms[1].coord.rdb.HLen(ctx, b.claims()).Result(); return n == 0 })

	// The dead player's seat is still free: it takes the next player; the
	// player after that gets the other warm room, never the taken one twice.
	for i, err := range playN(ms[1:], 2, req, 20*time.Millisecond) {
		if err != nil {
			t.Fatalf("player %d: %v", i, err)
		}
	}
	if rooms.seated[taken] != 1 {
		t.Errorf("the claimed room seats %d, want the one player of its free seat", rooms.seated[taken])
	}
	if len(rooms.seated) != 2 {
		t.Errorf("rooms used: %v", rooms.seated)
	}
}

// A claim whose label cannot be written (the API server refuses) stays
// recorded and is written once it can be.
func TestAClaimLabelThatFailsIsRetried(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true
	ms := replicas(t, 1, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	tb := req.Table()
	labels := &memLabels{fail: true}
	withFinisher(t, ms, labels, 200*time.Millisecond, tb)
	room := feedWarmRooms(t, ms[0], rooms, tb, "warm", 1)[0]
	for _, err := range playN(ms, 2, req, 0) {
		if err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	ctx := context.Background()
	if n, _ := ms[0].coord.rdb.HLen(ctx, keysOf(tb).claims()).Result(); n != 1 {
		t.Fatalf("%d claim records while the label cannot be written, want 1", n)
	}
	labels.mu.Lock()
	labels.fail = false
	labels.mu.Unlock()
	waitFor(t, func() bool { return len(labels.of(room)) > 0 })
	waitFor(t, func() bool { n, _ := ms[0].coord.rdb.HLen(ctx, keysOf(tb).claims()).Result(); return n == 0 })
}

// A room the pool drains leaves the warm set for good: no player gets it,
// even when a lagging watch feeds it as warm afterwards.
func TestADrainedRoomIsNeverClaimed(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true
	ms := replicas(t, 2, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	tb := req.Table()
	b := keysOf(tb)
	ctx := context.Background()
	names := feedWarmRooms(t, ms[0], rooms, tb, "warm", 2)
	if err := ms[0].coord.feed(ctx, b, names[0], feedDrained, 0); err != nil {
		t.Fatal(err)
	}
	if err := ms[1].coord.feed(ctx, b, names[0], feedWarm, 0); err != nil {
		t.Fatal(err)
	}
	for _, err := range playN(ms, 2, req, 0) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if rooms.seated[names[0]] != 0 || rooms.seated[names[1]] != 2 {
		t.Errorf("seated %v: want both players in %s, none in the drained %s", rooms.seated, names[1], names[0])
	}
	// The last warm room is taken: the next players have none to claim.
	if errs := playN(ms, 1, req, 0); errs[0] == nil {
		t.Error("a player was seated with no warm room left and no room to obtain")
	}
}

// A listed room waiting for players comes before a warm room.
func TestAListedRoomIsFilledBeforeAWarmRoomIsClaimed(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true
	ms := replicas(t, 1, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	tb := req.Table()
	feedWarmRooms(t, ms[0], rooms, tb, "warm", 1)
	rooms.seats["ns/open"], rooms.seated["ns/open"] = 2, 1
	if err := ms[0].coord.feed(context.Background(), keysOf(tb), "ns/open", feedOpen, 1); err != nil {
		t.Fatal(err)
	}
	if err := playN(ms, 1, req, 0)[0]; err != nil {
		t.Fatal(err)
	}
	if rooms.seated["ns/open"] != 2 || rooms.seated["ns/warm-0"] != 0 {
		t.Errorf("seated %v: want the listed room's free seat taken first", rooms.seated)
	}
}
