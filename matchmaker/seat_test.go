package matchmaker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/croupier-dev/croupier/internal/redisserver"
)

// memRooms stands in for the API server and the game pods, so the seat
// coordination in Redis (real redis-server) can be driven hard: obtaining
// a room takes a few random milliseconds, and a room seats at most its
// seats, refusing the rest as a pod does.
type memRooms struct {
	mu       sync.Mutex
	seated   map[string]int32
	seats    map[string]int32
	obtained atomic.Int32
	fail     bool
	// hold, when set, keeps every obtain waiting until it is closed.
	hold chan struct{}
}

func newMemRooms() *memRooms {
	return &memRooms{seated: map[string]int32{}, seats: map[string]int32{}}
}

func (r *memRooms) obtain(ctx context.Context, t Table, give offer) error {
	if r.fail {
		return errNoRoom
	}
	if r.hold != nil {
		<-r.hold
	}
	time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
	room := fmt.Sprintf("ns/room-%d", r.obtained.Add(1))
	r.mu.Lock()
	r.seats[room] = t.HumanSeats()
	r.mu.Unlock()
	_, err := give(room, t.HumanSeats())
	return err
}

func (r *memRooms) join(_ context.Context, room, name string) (map[string]json.RawMessage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seated[room] >= r.seats[room] {
		return nil, errSeatGone
	}
	r.seated[room]++
	raw, _ := json.Marshal(room)
	return map[string]json.RawMessage{"room": raw}, nil
}

// replicas are matchmakers sharing one Redis, each with its own notices.
func replicas(t *testing.T, n int, rooms *memRooms) []*Matchmaker {
	t.Helper()
	srv := redisserver.Pick(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var out []*Matchmaker
	for range n {
		rdb := srv.Client(t)
		times := withDefaultTimes(CoordTimes{Poll: 200 * time.Millisecond})
		m := &Matchmaker{log: logr.Discard(), times: times, coord: newCoord(rdb, times), rooms: rooms, joiner: rooms}
		go m.coord.listen(ctx)
		out = append(out, m)
	}
	time.Sleep(100 * time.Millisecond) // the subscriptions are in
	return out
}

func playN(ms []*Matchmaker, n int, req PlayRequest, stagger time.Duration) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * stagger)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, errs[i] = ms[i%len(ms)].seat(ctx, req)
		}()
	}
	wg.Wait()
	return errs
}

func TestConcurrentPlayersFillExactlyTheRoomsTheyNeed(t *testing.T) {
	for _, tt := range []struct {
		name           string
		players, seats int32
		bots           int32
		arrivals       int
		stagger        time.Duration
	}{
		{"200 at once, 2 seats, 3 replicas", 2, 2, 0, 200, 0},
		{"200 spread over a second, 2 seats", 2, 2, 0, 200, 5 * time.Millisecond},
		{"120 at once, 4 seats", 4, 4, 0, 120, 0},
		{"10 at once, 3 seats with one bot", 3, 2, 1, 10, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rooms := newMemRooms()
			ms := replicas(t, 3, rooms)
			req := PlayRequest{Game: "cassino", Players: tt.players, Bots: tt.bots, Name: "p", RequestID: "r-00000000"}
			for i, err := range playN(ms, tt.arrivals, req, tt.stagger) {
				if err != nil {
					t.Fatalf("player %d: %v", i, err)
				}
			}
			want := int32(tt.arrivals) / tt.seats
			if got := rooms.obtained.Load(); got != want {
				t.Errorf("%d players for %d-seat rooms obtained %d rooms, want %d", tt.arrivals, tt.seats, got, want)
			}
			for room, n := range rooms.seated {
				if n != tt.seats {
					t.Errorf("room %s seats %d players, want %d (full)", room, n, tt.seats)
				}
			}
			assertBucketEmpty(t, ms[0], req.Table())
		})
	}
}

// assertBucketEmpty: nobody is left queued and no seat is left over.
func assertBucketEmpty(t *testing.T, m *Matchmaker, tb Table) {
	t.Helper()
	b := keysOf(tb)
	ctx := context.Background()
	for _, k := range []string{b.keys[0], b.keys[1], b.keys[2]} {
		if n, _ := m.coord.rdb.Exists(ctx, k).Result(); n != 0 {
			v, _ := m.coord.rdb.Dump(ctx, k).Result()
			t.Errorf("key %s left behind: %q", k, v)
		}
	}
	if n, _ := m.coord.rdb.ZCard(ctx, b.keys[3]).Result(); n != 0 {
		t.Errorf("%d obtain leases left behind", n)
	}
}

func TestAnOddPlayerOutWaitsAloneAndGivesTheSeatBackWhenItLeaves(t *testing.T) {
	rooms := newMemRooms()
	ms := replicas(t, 2, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	// Three players: the third sits in the second room and waits for a partner.
	errs := make(chan error, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		go func() { _, err := ms[i%2].seat(ctx, req); errs <- err }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := rooms.obtained.Load(); got != 2 {
		t.Fatalf("3 players obtained %d rooms, want 2", got)
	}
	// The fourth joins the half-full room, not a third one.
	if _, err := ms[0].seat(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := rooms.obtained.Load(); got != 2 {
		t.Errorf("the fourth player obtained a room of its own (%d rooms) though one had a free seat", got)
	}
	assertBucketEmpty(t, ms[0], req.Table())
}

func TestNoRoomAnywhereFailsEveryWaiterAndLeavesNothingQueued(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true
	ms := replicas(t, 2, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	for i, err := range playN(ms, 6, req, 0) {
		if !errors.Is(err, errNoRoom) {
			t.Errorf("player %d: %v, want errNoRoom", i, err)
		}
	}
	assertBucketEmpty(t, ms[0], req.Table())
}

func TestAPlayerWhoGivesUpLeavesTheQueueAndItsSeatGoesToTheNext(t *testing.T) {
	rooms := newMemRooms()
	rooms.hold = make(chan struct{})
	ms := replicas(t, 1, rooms)
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	b := keysOf(req.Table())
	ctx := context.Background()
	// Ann obtains a room, slowly; Bob waits for it, then gives up.
	ann := make(chan error, 1)
	go func() { _, err := ms[0].seat(ctx, req); ann <- err }()
	waitFor(t, func() bool { n, _ := ms[0].coord.rdb.ZCard(ctx, b.keys[3]).Result(); return n == 1 })
	bobCtx, bobGivesUp := context.WithCancel(ctx)
	bob := make(chan error, 1)
	go func() { _, err := ms[0].seat(bobCtx, req); bob <- err }()
	waitFor(t, func() bool { n, _ := ms[0].coord.rdb.LLen(ctx, b.keys[1]).Result(); return n == 2 })
	bobGivesUp()
	if err := <-bob; !errors.Is(err, context.Canceled) {
		t.Fatalf("Bob: %v, want canceled", err)
	}
	close(rooms.hold)
	if err := <-ann; err != nil {
		t.Fatal(err)
	}
	if free, _ := ms[0].coord.rdb.LRange(ctx, b.keys[0], 0, -1).Result(); len(free) != 1 {
		t.Errorf("free seats %v: want the room's second seat, kept for the next player", free)
	}
	if q, _ := ms[0].coord.rdb.LLen(ctx, b.keys[1]).Result(); q != 0 {
		t.Errorf("queue holds %d after Bob gave up and Ann sat", q)
	}
	// Cy takes the seat Bob did not, in Ann's room.
	if _, err := ms[0].seat(ctx, req); err != nil || rooms.obtained.Load() != 1 {
		t.Errorf("Cy: %v, %d rooms obtained, want Ann's room", err, rooms.obtained.Load())
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
