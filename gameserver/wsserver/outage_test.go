package wsserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
)

// While Redis hangs, /readyz still answers within its 1 s budget (a 503),
// so the kubelet sees an unready pod instead of a probe that times out.
func TestReadyzAnswersWithinItsBudgetWhileRedisHangs(t *testing.T) {
	tb := newTable(t, 2)
	get := func() (int, time.Duration) {
		began := time.Now()
		resp, err := http.Get(tb.http.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(began)
	}
	if code, _ := get(); code != http.StatusOK {
		t.Fatalf("/readyz with Redis up: %d", code)
	}
	tb.redis.Single(t).Freeze(t)
	code, took := get()
	if code != http.StatusServiceUnavailable || took > 1500*time.Millisecond {
		t.Fatalf("/readyz with Redis frozen: %d after %s, want 503 within 1.5s", code, took)
	}
	tb.redis.Server.Thaw()
	if code, _ := get(); code != http.StatusOK {
		t.Fatalf("/readyz after Redis came back: %d", code)
	}
}

// Redis freezes (SIGSTOP on the real process) while an action is being
// stored. The player gets an answer within the room's call bound, and it
// is outcome_unknown, never "not played": the script may still run when
// Redis wakes. A client that nevertheless plays a different card never
// ends up with both played.
func TestFrozenRedisAnswersOutcomeUnknownAndNeverPlaysTwice(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	playTurn(t, bots)
	var b *bot
	for _, c := range bots {
		if c.myTurn() {
			b = c
		}
	}
	if b == nil {
		t.Fatal("nobody's turn")
	}
	first := b.view.Legal[0]
	var other *cassino.Action
	for _, a := range b.view.Legal {
		if a.Card != first.Card {
			other = &a
			break
		}
	}
	if other == nil {
		t.Fatalf("seat %d has one card to play; pick another seed", b.seat)
	}

	tb.redis.Single(t).Freeze(t)
	began := time.Now()
	answer := b.act("frozen-1", first)
	took := time.Since(began)
	tb.redis.Server.Thaw()
	if answer.Type != protocol.TypeError || answer.Code != protocol.CodeOutcomeUnknown {
		t.Fatalf("action while Redis is frozen: %s, want error %s", answer.raw, protocol.CodeOutcomeUnknown)
	}
	if bound := room.DefaultCallTimeout + 2*time.Second; took > bound {
		t.Fatalf("the answer took %s, want it within %s", took, bound)
	}

	// The client takes the answer for "not played" and plays another card.
	second := b.act("frozen-2", *other)
	played := tb.rdb.HMGet(context.Background(), keys.Dedup(),
		fmt.Sprintf("%d:frozen-1", b.seat), fmt.Sprintf("%d:frozen-2", b.seat)).Val()
	if played[0] != nil && played[1] != nil {
		t.Fatalf("both actions are in the log (at %v and %v); the second was answered %s", played[0], played[1], second.raw)
	}
	if (played[1] != nil) != (second.Type == protocol.TypeAck) {
		t.Fatalf("second action answered %s, logged: %v", second.raw, played[1] != nil)
	}
	// The resend of the first id settles it: its original ack, or it is
	// refused now because the second card was played instead.
	resend := b.act("frozen-1", first)
	if played[0] != nil && (resend.Type != protocol.TypeAck || !resend.Duplicate) {
		t.Fatalf("resend of a logged action: %s, want its original ack", resend.raw)
	}
}

// /healthz (liveness) fails once the room's heartbeat loop has stopped,
// so the pod is restarted instead of serving a room the operator sees as
// silent.
func TestHealthzFailsWhenTheHeartbeatLoopStops(t *testing.T) {
	tb := newTable(t, 2)
	status := func() int {
		resp, err := http.Get(tb.http.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { tb.room.RunHeartbeat(ctx, "t1-game", 50*time.Millisecond); close(stopped) }()
	if code := status(); code != http.StatusOK {
		t.Fatalf("/healthz with the heartbeat running: %d", code)
	}
	cancel()
	<-stopped
	if code := status(); code != http.StatusServiceUnavailable {
		t.Fatalf("/healthz after the heartbeat loop stopped: %d, want 503", code)
	}
}

// A hello the room cannot serve gets an internal error and close 1013,
// "try again later": the client reconnects, and is not told its session is
// bad. (A room whose memory may lag its log, after a write that failed,
// must reread the log before it welcomes anyone; with Redis gone it
// cannot.)
func TestHelloWithoutStorageGetsInternalAnd1013(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	mover, other := bots[0], bots[1]
	if !mover.myTurn() {
		mover, other = other, mover
	}
	tb.redis.Single(t).Stop()
	if f := mover.act("lost", mover.view.Legal[0]); f.Type != "error" {
		t.Fatalf("an action with Redis gone: %s, want an error", f.raw)
	}
	_ = other.ws.Close()
	ws, resp, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	defer ws.Close()
	hello, _ := json.Marshal(map[string]any{"v": 1, "type": "hello", "token": other.token})
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, raw, err := ws.ReadMessage()
	if err != nil || !strings.Contains(string(raw), `"code":"internal"`) {
		t.Fatalf("answer to hello without storage: %s, %v; want an internal error", raw, err)
	}
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Fatalf("after the error: %v, want close 1013", err)
	}
}
