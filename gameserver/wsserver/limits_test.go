package wsserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// Malformed frames count against the rate limit like good ones: of a
// burst of 30 bad frames with a burst allowance of 20, the last 10 get
// rate_limited instead of their own error.
func TestMalformedFramesCountAgainstTheRateLimit(t *testing.T) {
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.RatePerSec, c.RateBurst = 0.001, 20 }))
	j := tb.join(`{"name":"ann"}`)
	b := newBot(t, 0, j.Token)
	b.connect(tb.wsURL()) // the hello is the first of the burst
	bad := []string{`{"v":1,"type":`, `{"v":7,"type":"hello"}`, `{"v":1,"type":"cheat"}`, `{"v":1,"pad":"` + strings.Repeat("x", 5000) + `"}`}
	for i := range 30 {
		if err := b.ws.WriteMessage(websocket.TextMessage, []byte(bad[i%len(bad)])); err != nil {
			t.Fatal(err)
		}
	}
	limited := 0
	for range 30 {
		if f := b.until(func(f frame) bool { return f.Type == "error" }); f.Code == "rate_limited" {
			limited++
		}
	}
	if limited != 11 {
		t.Fatalf("%d of 30 bad frames after a hello got rate_limited, want 11 (burst 20)", limited)
	}
}

// A client that goes on sending after rate_limited is closed with 1008,
// after the error that says why, and counted.
func TestFloodingClientIsClosedWith1008(t *testing.T) {
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.RatePerSec, c.RateBurst = 10, 20 }))
	j := tb.join(`{"name":"ann"}`)
	b := newBot(t, 0, j.Token)
	b.connect(tb.wsURL())
	junk := []byte(`{"v":1,"type":`)
	for range 2000 {
		if err := b.ws.WriteMessage(websocket.TextMessage, junk); err != nil {
			break // the server closed the connection under the flood
		}
	}
	_ = b.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var last string
	for {
		_, raw, err := b.ws.ReadMessage()
		if err == nil {
			last = string(raw)
			continue
		}
		if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
			t.Fatalf("after a flood: %v, want close 1008", err)
		}
		break
	}
	if !strings.Contains(last, `"rate_limited"`) {
		t.Fatalf("last frame before the close: %s, want a rate_limited error", last)
	}
	if n := tb.metrics.FloodClosed.Value(); n != 1 {
		t.Fatalf("croupier_game_flooding_clients_total = %v, want 1", n)
	}
}

// Pings and pongs are frames too (docs/PROTOCOL.md: every frame counts):
// a client that floods pings, reading every answer, is told rate_limited
// and closed with 1008 as a flood of messages is.
func TestPingFloodIsRateLimited(t *testing.T) {
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.RatePerSec, c.RateBurst = 0.001, 20 }))
	j := tb.join(`{"name":"ann"}`)
	b := newBot(t, 0, j.Token)
	b.connect(tb.wsURL()) // the hello is the first of the burst
	pongs := 0
	b.ws.SetPongHandler(func(string) error { pongs++; return nil })
	for i := range 60 {
		if err := b.ws.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second)); err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
	}
	_ = b.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	limited := 0
	for {
		_, raw, err := b.ws.ReadMessage() // the pongs come through the handler
		if err == nil {
			if strings.Contains(string(raw), `"rate_limited"`) {
				limited++
			}
			continue
		}
		if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
			t.Fatalf("after 60 pings: %v, want close 1008", err)
		}
		break
	}
	// 19 pings within the burst (the hello took one), then 21 over it.
	if pongs != 19 || limited != 21 {
		t.Fatalf("60 pings got %d pongs and %d rate_limited, want 19 and 21", pongs, limited)
	}
	if n := tb.metrics.FloodClosed.Value(); n != 1 {
		t.Fatalf("croupier_game_flooding_clients_total = %v, want 1", n)
	}
}

// No hello within the hello wait: an error frame that says so, then close
// 4004.
func TestNoHelloInTimeIsClosedWith4004(t *testing.T) {
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.HelloWait = 300 * time.Millisecond }))
	ws, _, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, raw, err := ws.ReadMessage()
	if err != nil || !strings.Contains(string(raw), `"hello_timeout"`) {
		t.Fatalf("first frame %s, %v; want a hello_timeout error", raw, err)
	}
	_, _, err = ws.ReadMessage()
	if !websocket.IsCloseError(err, wsserver.CloseHelloTimeout) {
		t.Fatalf("after the error: %v, want close %d", err, wsserver.CloseHelloTimeout)
	}
}

// Shutdown (SIGTERM) closes every player's connection with 1001 so that
// clients reconnect at once, and refuses new ones before the upgrade with
// 503 not_ready: a client (or the router) that reaches a pod on its way
// out is told to retry, never handed a websocket that closes at once.
func TestShutdownClosesEveryConnectionWith1001(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	ctx, cancel := contextWithTimeout(5 * time.Second)
	defer cancel()
	if err := tb.server.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, b := range bots {
		_ = b.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			_, _, err := b.ws.ReadMessage()
			if err == nil {
				continue
			}
			if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
				t.Fatalf("seat %d after shutdown: %v, want close 1001", b.seat, err)
			}
			break
		}
	}
	ws, resp, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err == nil {
		ws.Close()
		t.Fatal("a new websocket was accepted during shutdown")
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial during shutdown: %v (%v), want 503", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"not_ready"`) {
		t.Fatalf("refusal during shutdown: %s, want not_ready", body)
	}
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// The server pings at nine tenths of PongWait (54 s of the default 60 s);
// a client that answers stays, and one that stays silent is dropped once
// PongWait has passed without a pong or a message.
func TestPingsKeepAnsweringClientsAndDropSilentOnes(t *testing.T) {
	const pongWait = 3 * time.Second
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.PongWait = pongWait }))
	bots := tb.seatAll()
	answering, silent := bots[0], bots[1]

	var pings atomic.Int32
	answering.ws.SetPingHandler(func(d string) error {
		pings.Add(1)
		return answering.ws.WriteControl(websocket.PongMessage, []byte(d), time.Now().Add(time.Second))
	})
	silent.ws.SetPingHandler(func(string) error { return nil })

	dropped := make(chan error, 1)
	go func() {
		_ = silent.ws.SetReadDeadline(time.Now().Add(4 * pongWait))
		for {
			if _, _, err := silent.ws.ReadMessage(); err != nil {
				dropped <- err
				return
			}
		}
	}()
	stayUntil := time.Now().Add(5 * pongWait / 2)
	_ = answering.ws.SetReadDeadline(stayUntil)
	for {
		_, _, err := answering.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("the client that answers pings was dropped: %v", err)
		}
		break
	}
	if n := pings.Load(); n < 2 {
		t.Fatalf("%d pings in %s, want one every %s", n, 5*pongWait/2, pongWait*9/10)
	}
	select {
	case err := <-dropped:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the silent client was never dropped")
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure || !strings.Contains(ce.Text, "silent") {
			t.Fatalf("the silent client was dropped with %v, want close 1000 saying it was silent (docs/PROTOCOL.md, Close codes)", err)
		}
	case <-time.After(5 * pongWait):
		t.Fatal("the silent client was never dropped")
	}
}

// A join or a watch whose body stops halfway is refused with 400
// bad_request once BodyWait has passed, and seats nobody.
func TestABodyThatStopsHalfwayIsRefusedInTime(t *testing.T) {
	if d := wsserver.DefaultBodyWait(); d != 10*time.Second {
		t.Fatalf("default body wait %s; docs/PROTOCOL.md promises 10 s", d)
	}
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.BodyWait = 300 * time.Millisecond }))
	for _, path := range []string{"/join", "/watch"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(tb.http.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = conn.Write([]byte("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n{\"name\":"))
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer to half a body: %v", path, err)
		}
		var refusal httpjson.Refusal
		_ = json.NewDecoder(resp.Body).Decode(&refusal)
		conn.Close()
		if resp.StatusCode != http.StatusBadRequest || refusal.Code != wsserver.CodeBadRequest || !strings.Contains(refusal.Message, "not sent within 300ms") {
			t.Errorf("%s: %d %+v, want 400 %s saying the body was not sent in time", path, resp.StatusCode, refusal, wsserver.CodeBadRequest)
		}
	}
	if seats, err := tb.rdb.HLen(context.Background(), keys.Seats()).Result(); err != nil || seats != 0 {
		t.Errorf("seats taken: %d, %v; want none", seats, err)
	}
}
