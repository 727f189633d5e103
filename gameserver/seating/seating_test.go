package seating

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

var now = time.UnixMilli(1_790_000_000_123)

func newSeats(t *testing.T, n int) *Seats {
	t.Helper()
	return New(redisserver.Start(t).Client(t), roomcontract.For("ns", "r"), n)
}

func TestJoinSeatsLowestFreeThenRefusesWhenFull(t *testing.T) {
	ctx := context.Background()
	s := newSeats(t, 3)
	if p, err := s.Join(ctx, "b", "Bea", 1, now, time.Time{}); err != nil || p.Seat != 1 {
		t.Fatalf("preferred seat 1: %+v %v", p, err)
	}
	for _, want := range []int{0, 2} {
		p, err := s.Join(ctx, fmt.Sprintf("p%d", want), "x", -1, now, time.Time{})
		if err != nil || p.Seat != want {
			t.Fatalf("join: %+v %v, want seat %d", p, err, want)
		}
	}
	if _, err := s.Join(ctx, "late", "Late", -1, now, time.Time{}); !errors.Is(err, ErrRoomFull) {
		t.Fatalf("join of a full room: %v", err)
	}
	all, err := s.All(ctx)
	if err != nil || len(all) != 3 {
		t.Fatalf("all: %+v %v", all, err)
	}
	if all[1] != (Player{ID: "b", Seat: 1, Name: "Bea", Joined: now.UnixMilli()}) {
		t.Fatalf("record of seat 1: %+v", all[1])
	}
}

func TestJoinRefusesTakenOrMissingSeat(t *testing.T) {
	ctx := context.Background()
	s := newSeats(t, 2)
	if _, err := s.Join(ctx, "a", "A", 0, now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Join(ctx, "b", "B", 0, now, time.Time{}); !errors.Is(err, ErrSeatTaken) {
		t.Fatalf("taken seat: %v", err)
	}
	if _, err := s.Join(ctx, "b", "B", 2, now, time.Time{}); !errors.Is(err, ErrNoSeat) {
		t.Fatalf("seat 2 of 2: %v", err)
	}
	if all, _ := s.All(ctx); len(all) != 1 {
		t.Fatalf("refused joins changed the seats: %+v", all)
	}
}

func TestConcurrentJoinsNeverShareASeat(t *testing.T) {
	ctx := context.Background()
	s := newSeats(t, 4)
	var wg sync.WaitGroup
	seats := make(chan int, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, err := s.Join(ctx, fmt.Sprintf("p%d", i), "x", -1, now, time.Time{}); err == nil {
				seats <- p.Seat
			}
		}()
	}
	wg.Wait()
	close(seats)
	seen := map[int]bool{}
	for seat := range seats {
		if seen[seat] {
			t.Fatalf("seat %d given twice", seat)
		}
		seen[seat] = true
	}
	if len(seen) != 4 {
		t.Fatalf("%d seats taken, want 4", len(seen))
	}
}

func TestSaveUpdatesPresence(t *testing.T) {
	ctx := context.Background()
	s := newSeats(t, 2)
	p, err := s.Join(ctx, "a", "A", -1, now, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	p.Connections, p.LastSeen = 1, now.Add(time.Second).UnixMilli()
	if err := s.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	all, _ := s.All(ctx)
	if len(all) != 1 || all[0] != p {
		t.Fatalf("stored %+v, want %+v", all, p)
	}
}

func TestRetriedJoinKeepsOneSeat(t *testing.T) {
	ctx := context.Background()
	s := newSeats(t, 3)
	first, err := s.Join(ctx, "a", "A", -1, now, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Join(ctx, "a", "A", -1, now, time.Time{})
	if err != nil || again.Seat != first.Seat {
		t.Fatalf("retried join: %+v %v, want seat %d", again, err, first.Seat)
	}
	if all, _ := s.All(ctx); len(all) != 1 {
		t.Fatalf("a retried join took %d seats", len(all))
	}
	if n := s.c.HLen(ctx, s.keys.Seats()).Val(); n != 1 {
		t.Fatalf("seats hash has %d seats", n)
	}
}
