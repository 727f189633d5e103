package matchmaker

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A pod's 409 says which kind of refusal it is: a room a seated player
// left before the start is dropped whole, a full room loses one seat.
func TestAJoinRefusedBecauseAPlayerLeftIsTold(t *testing.T) {
	for _, tt := range []struct {
		answer string
		away   bool
	}{
		{`{"code":"player_away","message":"a player seated in this room left"}`, true},
		{`{"code":"room_full","message":"every seat of this room is taken"}`, false},
		{`not json`, false},
	} {
		pod := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(tt.answer))
		}))
		j := &joiner{cache: cacheWithRoom(t, pod), retries: joinRetries, http: pod.Client()}
		_, err := j.join(context.Background(), "ns/r", "Ann")
		pod.Close()
		if !errors.Is(err, errSeatGone) || errors.Is(err, errPlayerAway) != tt.away {
			t.Errorf("409 %s: err %v; want a seat gone, player away %v", tt.answer, err, tt.away)
		}
	}
}

// awayRooms is memRooms whose rooms in away refuse every join as a room
// a seated player left before the start does.
type awayRooms struct {
	*memRooms
	away  map[string]bool
	tries map[string]int
}

func (r *awayRooms) join(ctx context.Context, room, name string) (map[string]json.RawMessage, error) {
	r.mu.Lock()
	r.tries[room]++
	away := r.away[room]
	r.mu.Unlock()
	if away {
		return nil, errPlayerAway
	}
	return r.memRooms.join(ctx, room, name)
}

// A quick play handed a seat of a room whose seated player left before
// the start drops all that room's free seats at once and sits elsewhere:
// it does not spend its tries on the same room, and nobody else is sent
// there.
func TestAQuickPlayLeavesARoomItsPlayerLeftForAnother(t *testing.T) {
	mem := newMemRooms()
	rooms := &awayRooms{memRooms: mem, away: map[string]bool{}, tries: map[string]int{}}
	ms := replicas(t, 1, mem)
	m := ms[0]
	m.joiner = rooms
	req := PlayRequest{Game: "cassino", Players: 4, Name: "p", RequestID: "r-00000000"}
	ctx := context.Background()

	if _, err := m.seat(ctx, req); err != nil {
		t.Fatal(err)
	}
	if mem.obtained.Load() != 1 {
		t.Fatalf("%d rooms obtained for the first player", mem.obtained.Load())
	}
	first := "ns/room-1"
	rooms.mu.Lock()
	rooms.away[first] = true // its player left before the start
	rooms.tries = map[string]int{}
	rooms.mu.Unlock()

	answer, err := m.seat(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	_ = json.Unmarshal(answer["room"], &got)
	if got == first {
		t.Fatalf("seated in %s, the room its player left", got)
	}
	if rooms.tries[first] != 1 {
		t.Errorf("%d joins sent to %s; want 1, then its seats dropped", rooms.tries[first], first)
	}
	free, err := m.coord.rdb.LRange(ctx, keysOf(req.Table()).keys[0], 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, room := range free {
		if room == first {
			t.Fatalf("free seats left of %s: %v", first, free)
		}
	}
}
