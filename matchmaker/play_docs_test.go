package matchmaker

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
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

// A client has RequestTimeout to send its request (docs/PROTOCOL.md, Quick
// play): one that stops halfway through its body is refused with 400
// bad_request, while a quick play that then waits longer for its room
// still gets its seat.
func TestAClientThatStopsHalfwayThroughItsBodyIsCutOff(t *testing.T) {
	if DefaultRequestTimeout != 10*time.Second {
		t.Fatalf("default request timeout %s; docs/PROTOCOL.md promises 10 s", DefaultRequestTimeout)
	}
	rooms := newMemRooms()
	rooms.hold = make(chan struct{})
	m := replicas(t, 1, rooms)[0]
	m.opts.PlayTimeout = 10 * time.Second
	m.opts.RequestTimeout = 300 * time.Millisecond
	m.requests = &requests{rdb: m.coord.rdb, pendingTTL: time.Minute, resultTTL: time.Hour, pollEvery: 50 * time.Millisecond}
	srv := httptest.NewServer(m.routes())
	defer srv.Close()

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("POST /v1/play HTTP/1.1\r\nHost: x\r\nContent-Length: 80\r\n\r\n{\"game\":"))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to half a body: %v", err)
	}
	var refusal httpjson.Refusal
	_ = json.NewDecoder(resp.Body).Decode(&refusal)
	if resp.StatusCode != http.StatusBadRequest || refusal.Code != CodeBadRequest {
		t.Fatalf("half a body: %d %+v, want 400 %s", resp.StatusCode, refusal, CodeBadRequest)
	}

	time.AfterFunc(time.Second, func() { close(rooms.hold) })
	resp, err = http.Post(srv.URL+"/v1/play", "application/json",
		strings.NewReader(`{"game":"cassino","players":2,"name":"Ann","request_id":"docs-slow-room"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("a quick play waiting longer than the request timeout: %d %s, want a seat", resp.StatusCode, body)
	}
}
