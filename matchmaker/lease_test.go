package matchmaker

import (
	"context"
	"slices"
	"testing"
	"time"
)

// The obtain lease outlives the wait for a room's pod by 30 s
// (docs/MATCHMAKER.md), whatever the two are.
func TestObtainLeaseOutlivesTheStartTimeout(t *testing.T) {
	for _, c := range []struct{ lease, start, want time.Duration }{
		{3 * time.Minute, 90 * time.Second, 3 * time.Minute},
		{3 * time.Minute, 2*time.Minute + 50*time.Second, 3*time.Minute + 20*time.Second},
		{3 * time.Minute, 5 * time.Minute, 5*time.Minute + 30*time.Second},
	} {
		if got := obtainLease(c.lease, c.start); got != c.want {
			t.Errorf("lease %s, start timeout %s: %s, want %s", c.lease, c.start, got, c.want)
		}
	}
}

// A replica that dies holding a waiting player and an obtain leaves
// leases that run out (docs/MATCHMAKER.md): its player leaves the queue
// within a second after its lease, and its obtain counts as a room coming only until its
// own lease ends, after which a live player obtains a room itself instead
// of waiting for one that never comes.
func TestADeadReplicasWaiterAndObtainRunOut(t *testing.T) {
	rooms := newMemRooms()
	m := replicas(t, 1, rooms)[0]
	m.times = CoordTimes{PlayerLease: 500 * time.Millisecond, Poll: 100 * time.Millisecond, ObtainLease: 3 * time.Second, Keep: time.Hour, Supplied: time.Hour}
	m.coord.times = m.times
	req := PlayRequest{Game: "cassino", Players: 2, Name: "p", RequestID: "r-00000000"}
	b := keysOf(req.Table())
	ctx := context.Background()

	// The dead replica's player arrived, was told to obtain a room, and
	// then nothing more was heard of it: no poll, no supply, no leave.
	st, err := m.coord.arrive(ctx, b, "dead-ticket", "dead-obtain", req.Table().HumanSeats(), "dead-replica")
	if err != nil || st.kind != stepObtain {
		t.Fatalf("the first player's step: %+v %v, want obtain", st, err)
	}
	start := time.Now()
	live := make(chan error, 1)
	go func() { _, err := m.seat(ctx, req); live <- err }()

	// Until the dead obtain's lease ends, the live player waits for it.
	time.Sleep(m.times.ObtainLease / 2)
	if n := rooms.obtained.Load(); n != 0 {
		t.Fatalf("a room was obtained %s after the dead replica's obtain, within its lease", time.Since(start))
	}
	q, _ := m.coord.rdb.LRange(ctx, b.keys[1], 0, -1).Result()
	if alive, _ := m.coord.rdb.HExists(ctx, b.keys[2], "dead-ticket").Result(); alive || slices.Contains(q, "dead-ticket") {
		t.Errorf("the dead replica's player is still queued %s after it arrived (lease %s): queue %v", time.Since(start), m.times.PlayerLease, q)
	}
	if err := <-live; err != nil {
		t.Fatalf("the live player: %v", err)
	}
	if n := rooms.obtained.Load(); n != 1 {
		t.Errorf("%d rooms obtained, want 1 (by the live player, after the dead obtain's lease)", n)
	}
	if q, _ := m.coord.rdb.LRange(ctx, b.keys[1], 0, -1).Result(); len(q) != 0 {
		t.Errorf("queue %v after the live player sat, want empty", q)
	}
}
