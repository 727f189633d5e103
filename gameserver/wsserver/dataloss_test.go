package wsserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
)

// helloAfterLoss says hello on a new connection and expects data_lost,
// then close 4009.
func helloAfterLoss(t *testing.T, tb *table, token string, lastSeq int64) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	defer ws.Close()
	hello, _ := json.Marshal(map[string]any{"v": 1, "type": "hello", "token": token, "last_seq": lastSeq})
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, raw, err := ws.ReadMessage()
	if err != nil || !strings.Contains(string(raw), `"code":"data_lost"`) {
		t.Fatalf("answer to hello: %s, %v; want data_lost", raw, err)
	}
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, wsserver.CloseDataLost) {
		t.Fatalf("after the error: %v, want close %d", err, wsserver.CloseDataLost)
	}
}

func wantJoinRefused(t *testing.T, tb *table) {
	t.Helper()
	if j := tb.join(`{"name":"late"}`); j.status != http.StatusGone || j.err.Code != wsserver.CodeDataLost {
		t.Fatalf("join after the loss: %d %+v, want 410 %s", j.status, j.err, wsserver.CodeDataLost)
	}
}

func TestFlushAllMidMatchIsRefusedOnTheWire(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	for range 3 {
		playTurn(t, bots)
	}
	mover, other := bots[0], bots[1]
	if !mover.myTurn() {
		mover, other = other, mover
	}
	seq := tb.room.Seq()
	if err := flushAll(context.Background(), tb.rdb); err != nil {
		t.Fatal(err)
	}

	f := mover.act("after-flush", mover.view.Legal[0])
	if f.Type != protocol.TypeError || f.Code != protocol.CodeDataLost || f.Message != room.DataLostMessage {
		t.Fatalf("action after FLUSHALL: %+v, want data_lost", f)
	}
	if f := other.until(func(f frame) bool { return f.Type == protocol.TypeError }); f.Code != protocol.CodeDataLost {
		t.Fatalf("the other player got %+v, want data_lost", f)
	}
	if tb.room.Seq() != seq {
		t.Fatalf("room moved from %d to %d", seq, tb.room.Seq())
	}
	_ = other.ws.Close()
	helloAfterLoss(t, tb, other.token, other.lastSeq)
	wantJoinRefused(t, tb)
}

func TestReplacementPodAfterAnEmptyRestartRefusesAFreshMatch(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	for range 2 {
		playTurn(t, bots)
	}
	if err := tb.redis.Single(t).Restart(); err != nil {
		t.Fatal(err)
	}
	tb.roomCfg = func(c *room.Config) { c.MatchStarted = true } // the operator recorded the start
	tb.restart()
	wantJoinRefused(t, tb)
	helloAfterLoss(t, tb, bots[0].token, bots[0].lastSeq)
	if tb.rdb.Exists(context.Background(), keys.Setup(), keys.Seats(), keys.Log()).Val() != 0 {
		t.Fatal("the replacement pod wrote a new match")
	}
}

// flushAll empties the whole Redis: every primary of a cluster (their
// replicas follow), since a cluster client sends FLUSHALL to one node.
func flushAll(ctx context.Context, rdb redis.UniversalClient) error {
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return c.FlushAll(ctx).Err() })
	}
	return rdb.FlushAll(ctx).Err()
}

// A finished match that Redis lost has no replay, on any try: the pod that
// replaces the finished room's pod (told the match had started) answers
// 500 internal, not 409 match_in_progress, which would have the client
// wait for an end that has already come (docs/REPLAY.md).
func TestAFinishedMatchLostIsNoReplayOnAnyTry(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	for playTurn(t, bots) {
	}
	if status, _ := tb.getReplay(); status != http.StatusOK {
		t.Fatalf("replay of the finished match: %d", status)
	}
	if err := flushAll(context.Background(), tb.rdb); err != nil {
		t.Fatal(err)
	}
	tb.roomCfg = func(c *room.Config) { c.MatchStarted = true }
	tb.restart()
	for range 2 {
		if status, body := tb.getReplay(); status != http.StatusInternalServerError || !strings.Contains(string(body), `"internal"`) {
			t.Fatalf("replay of a finished match Redis lost: %d %s, want 500 internal", status, body)
		}
	}
}
