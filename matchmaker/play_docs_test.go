package matchmaker

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// When no room of the table can be had, a quick play is refused with 503
// no_room and Retry-After 5, takes no seat and keeps no answer, so a retry
// with the same request_id looks anew (docs/PROTOCOL.md, Quick play).
func TestNoRoomIsRefusedAndARetryLooksAnew(t *testing.T) {
	rooms := newMemRooms()
	rooms.fail = true
	m := replicas(t, 1, rooms)[0]
	m.opts.PlayTimeout = 10 * time.Second
	m.requests = &requests{rdb: m.coord.rdb, pendingTTL: time.Minute, resultTTL: time.Hour, pollEvery: 50 * time.Millisecond}
	mux := m.routes()
	body := `{"game":"cassino","players":2,"name":"Ann","request_id":"docs-no-room-1"}`
	play := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/play", strings.NewReader(body)))
		return rec
	}

	rec := play()
	var refusal httpjson.Refusal
	_ = json.Unmarshal(rec.Body.Bytes(), &refusal)
	if rec.Code != http.StatusServiceUnavailable || refusal.Code != CodeNoRoom || refusal.Message == "" || rec.Header().Get("Retry-After") != "5" {
		t.Fatalf("no room anywhere: %d %s Retry-After %q, want 503 %s with Retry-After 5", rec.Code, rec.Body, rec.Header().Get("Retry-After"), CodeNoRoom)
	}
	if n := rooms.obtained.Load(); n != 0 {
		t.Fatalf("a refused quick play obtained %d rooms", n)
	}

	rooms.fail = false
	if rec := play(); rec.Code != http.StatusOK {
		t.Fatalf("the retry with the same request_id: %d %s, want a seat", rec.Code, rec.Body)
	}
	if n := rooms.obtained.Load(); n != 1 {
		t.Fatalf("the retry obtained %d rooms, want 1", n)
	}
}

// A quick play that finds no seat within --play-timeout is refused with
// 503 no_room and Retry-After 1 (docs/PROTOCOL.md, Quick play).
func TestNoSeatWithinThePlayTimeoutIsRefused(t *testing.T) {
	rooms := newMemRooms()
	rooms.hold = make(chan struct{})
	m := replicas(t, 1, rooms)[0]
	m.opts.PlayTimeout = 2 * time.Second
	m.requests = &requests{rdb: m.coord.rdb, pendingTTL: time.Minute, resultTTL: time.Hour, pollEvery: 50 * time.Millisecond}
	req := PlayRequest{Game: "cassino", Players: 2, Name: "Ann", RequestID: "docs-slow-ann"}
	ann := make(chan error, 1)
	go func() { _, err := m.seat(context.Background(), req); ann <- err }()
	b := keysOf(req.Table())
	waitFor(t, func() bool { n, _ := m.coord.rdb.ZCard(context.Background(), b.keys[3]).Result(); return n == 1 })

	// Bob waits for the room Ann is obtaining, which does not come in time.
	rec := httptest.NewRecorder()
	m.routes().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/play",
		strings.NewReader(`{"game":"cassino","players":2,"name":"Bob","request_id":"docs-slow-bob"}`)))
	var refusal httpjson.Refusal
	_ = json.Unmarshal(rec.Body.Bytes(), &refusal)
	if rec.Code != http.StatusServiceUnavailable || refusal.Code != CodeNoRoom || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("no seat in time: %d %s Retry-After %q, want 503 %s with Retry-After 1", rec.Code, rec.Body, rec.Header().Get("Retry-After"), CodeNoRoom)
	}
	close(rooms.hold)
	if err := <-ann; err != nil {
		t.Fatalf("Ann: %v", err)
	}
}

// /readyz is 200 only once the room cache is synced and while Redis
// answers a PING; a Redis that hangs makes it 503, not a hung probe
// (docs/MATCHMAKER.md, Flags).
func TestReadyzNeedsTheCacheAndRedis(t *testing.T) {
	srv := redisserver.Pick(t).Single(t)
	rdb, err := redisconn.Options{Mode: redisconn.ModeSingle, Addrs: []string{srv.Addr}}.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	m := &Matchmaker{opts: Options{Redis: rdb}}
	mux := m.routes()
	readyz := func() int {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code
	}
	if code := readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("before the cache synced: %d, want 503", code)
	}
	m.synced.Store(true)
	if code := readyz(); code != http.StatusOK {
		t.Errorf("synced, Redis up: %d, want 200", code)
	}
	srv.Freeze(t)
	if code := readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("Redis frozen: %d, want 503", code)
	}
}
