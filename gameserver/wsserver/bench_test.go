package wsserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// BenchmarkActionLatency measures, for a 2-player room on loopback, the
// time from a client sending an action to the other player receiving its
// broadcast (decide, Lua append in Redis, apply, redacted fan-out), next
// to its floor in the same run: one raw Redis XADD round trip, to the
// room's own redis-server, plus one raw websocket echo round trip. The
// clock stops when the frame has arrived, before the test client decodes
// it, as it does for the echo. Each action is followed by one sample of
// each floor, so the floor meets the machine in the state the actions
// do: on a virtual machine a round trip between processes costs from 12
// to 150 µs depending on where the scheduler has put them, and a floor
// sampled in one burst before the actions can catch the fast state only.
func BenchmarkActionLatency(b *testing.B) {
	echo := newEchoFloor(b)
	samples := make([]time.Duration, 0, b.N)
	xadds := make([]time.Duration, 0, b.N)
	echoes := make([]time.Duration, 0, b.N)
	var tb *table
	var bots []*bot
	b.ResetTimer()
	for range b.N {
		if tb == nil || !anyTurn(bots) {
			b.StopTimer()
			if tb != nil {
				tb.stop()
			}
			tb = newTable(b, 2, withOptions(func(o *cassino.Options) { o.TargetScore = cassino.MaxTargetScore }))
			bots = tb.seatAll()
			for _, bt := range bots {
				bt.fast = true
			}
			b.StartTimer()
		}
		samples = append(samples, timedTurn(b, bots))
		b.StopTimer()
		xadds = append(xadds, xaddFloor(b, tb.rdb))
		echoes = append(echoes, echo.sample(b))
		b.StartTimer()
	}
	b.StopTimer()
	report(b, "action", samples)
	report(b, "floor-xadd", xadds)
	report(b, "floor-ws-echo", echoes)
	b.ReportMetric(float64(pct(xadds, 50)+pct(echoes, 50))/1e3, "floor-p50-µs")
	b.ReportMetric(float64(pct(xadds, 99)+pct(echoes, 99))/1e3, "floor-p99-µs")
}

func anyTurn(bots []*bot) bool {
	return slices.ContainsFunc(bots, func(b *bot) bool { return b.myTurn() })
}

func timedTurn(tb testing.TB, bots []*bot) time.Duration {
	for _, b := range bots {
		if !b.myTurn() {
			continue
		}
		// The clock starts when the client sends, as the echo's does: its
		// choice of move and the message's encoding come before.
		msg, err := json.Marshal(map[string]any{"v": 1, "type": "action", "action_id": b.nextID(), "action": cassino.Greedy(*b.view)})
		if err != nil {
			tb.Fatal(err)
		}
		began := time.Now()
		if err := b.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			tb.Fatal(err)
		}
		var other *bot
		for _, o := range bots {
			if o != b {
				other = o
			}
		}
		seq := b.lastSeq + 1
		other.catchUp(seq)
		took := other.received.Sub(began)
		b.catchUp(seq)
		return took
	}
	tb.Fatal("nobody's turn")
	return 0
}

var floorPayload = strings.Repeat("x", 200)

// xaddFloor is one raw XADD round trip.
func xaddFloor(b *testing.B, c redis.UniversalClient) time.Duration {
	began := time.Now()
	if err := c.XAdd(context.Background(), &redis.XAddArgs{Stream: "floor", Values: []string{"events", floorPayload}}).Err(); err != nil {
		b.Fatal(err)
	}
	return time.Since(began)
}

// echoFloor is a raw websocket echo server and its one client.
type echoFloor struct{ ws *websocket.Conn }

func newEchoFloor(b *testing.B) *echoFloor {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			kind, msg, err := ws.ReadMessage()
			if err != nil || ws.WriteMessage(kind, msg) != nil {
				return
			}
		}
	}))
	b.Cleanup(srv.Close)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	return &echoFloor{ws: ws}
}

var echoMessage = []byte(`{"v":1,"type":"action","action_id":"s0-1","action":{"type":"trail","card":"AH"}}`)

// sample is one echo round trip of a 90-byte frame.
func (e *echoFloor) sample(b *testing.B) time.Duration {
	began := time.Now()
	if err := e.ws.WriteMessage(websocket.TextMessage, echoMessage); err != nil {
		b.Fatal(err)
	}
	if _, _, err := e.ws.ReadMessage(); err != nil {
		b.Fatal(err)
	}
	return time.Since(began)
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func report(b *testing.B, name string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	b.ReportMetric(float64(pct(d, 50))/1e3, fmt.Sprintf("%s-p50-µs", name))
	b.ReportMetric(float64(pct(d, 99))/1e3, fmt.Sprintf("%s-p99-µs", name))
}
