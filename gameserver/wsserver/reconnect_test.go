package wsserver_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/room"
)

func TestDuplicateActionIDGetsTheOriginalAck(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	mover, other := bots[0], bots[1]
	if !mover.myTurn() {
		mover, other = other, mover
	}
	a := cassino.Greedy(*mover.view)
	first := mover.act("once", a)
	if first.Type != "ack" || first.Duplicate {
		t.Fatalf("first send: %s", first.raw)
	}
	other.catchUp(first.Seq)
	mover.catchUp(first.Seq)
	again := mover.act("once", a)
	if again.Type != "ack" || !again.Duplicate || again.Seq != first.Seq {
		t.Fatalf("resend: %s, want the original ack at %d", again.raw, first.Seq)
	}
	// After the table moved on, the resend still gets the same ack.
	playTurn(t, bots)
	late := mover.act("once", a)
	if late.Type != "ack" || !late.Duplicate || late.Seq != first.Seq {
		t.Fatalf("late resend: %s", late.raw)
	}
	if n := tb.logLen(); n != first.Seq+1 {
		t.Fatalf("log has %d entries, want %d", n, first.Seq+1)
	}
	// The other seat saw the action once: its next event is the next action.
	playTurn(t, bots)
	if other.lastSeq != first.Seq+2 {
		t.Fatalf("other seat at %d, want %d", other.lastSeq, first.Seq+2)
	}
}

func TestReconnectGetsExactlyTheMissedEvents(t *testing.T) {
	tb := newTable(t, 4)
	bots := tb.seatAll()
	// Play until seat 1 has just moved, then drop it.
	for !bots[2].myTurn() || tb.room.Seq() < 6 {
		playTurn(t, bots)
	}
	gone := bots[1]
	_ = gone.ws.Close()
	left := gone.lastSeq
	active := []*bot{bots[0], bots[2], bots[3]}
	for !bots[1].myTurnAt(active) {
		playTurn(t, active)
	}
	missed := tb.room.Seq() - left
	if missed != 3 {
		t.Fatalf("missed %d events, the test wants 3", missed)
	}
	before := gone.events
	gone.connect(tb.wsURL()) // says hello with last_seq = left
	if got := gone.events - before; int64(got) != missed {
		t.Fatalf("received %d events on reconnect, want exactly %d", got, missed)
	}
	if gone.lastSeq != tb.room.Seq() || !gone.myTurn() {
		t.Fatalf("after catch-up at %d (room %d), my turn=%v", gone.lastSeq, tb.room.Seq(), gone.myTurn())
	}
	for playTurn(t, bots) {
	}
}

// A hello whose last_seq is beyond the room's (state kept from elsewhere)
// gets the welcome and the room's view, and play goes on: the claim stops
// nothing (docs/PROTOCOL.md, hello).
func TestReconnectBeyondTheRoomsSeqGetsAFullView(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	for tb.room.Seq() < 5 {
		playTurn(t, bots)
	}
	b := bots[0]
	_ = b.ws.Close()
	b.lastSeq = 1000
	before := b.events
	b.connect(tb.wsURL())
	if b.events != before || b.view == nil || b.lastSeq != tb.room.Seq() {
		t.Fatalf("after hello with last_seq 1000: %d events, view at %d, room at %d; want the view alone",
			b.events-before, b.lastSeq, tb.room.Seq())
	}
	if why, lost := tb.room.DataLost(); lost {
		t.Fatalf("a client's last_seq stopped the room: %s", why)
	}
	for playTurn(t, bots) {
	}
}

// myTurnAt reports whether it is this seat's turn, by the view of any
// player still connected.
func (b *bot) myTurnAt(others []*bot) bool { return others[0].view.Turn == b.seat }

func TestReconnectPastMaxCatchUpGetsAFullView(t *testing.T) {
	tb := newTable(t, 2, withRoom(func(c *room.Config) { c.SnapshotEvery, c.MaxCatchUp = 10, 5 }))
	bots := tb.seatAll()
	for tb.room.Seq() < 30 {
		playTurn(t, bots)
	}
	b := bots[0]
	_ = b.ws.Close()
	b.lastSeq = 2 // a gap longer than MaxCatchUp
	before := b.events
	b.connect(tb.wsURL())
	if b.events != before {
		t.Fatalf("received %d events for a gap over MaxCatchUp", b.events-before)
	}
	if b.lastSeq != tb.room.Seq() || b.view == nil {
		t.Fatalf("full view at %d, room at %d", b.lastSeq, tb.room.Seq())
	}
	// A new pod recovers from the latest snapshot, and the match ends as
	// it would have uninterrupted.
	for tb.room.Seq() < 57 {
		playTurn(t, bots)
	}
	tb.restart()
	for _, b := range bots {
		b.connect(tb.wsURL())
	}
	for playTurn(t, bots) {
	}
	want, _ := reference(t, tb.opts, tb.seed)
	if !slices.Equal(bots[1].view.Scores, want.Scores) {
		t.Fatalf("scores %v after recovering from a snapshot, want %v", bots[1].view.Scores, want.Scores)
	}
	if snap := tb.rdb.HGet(context.Background(), keys.Snapshot(), "seq").Val(); snap == "" {
		t.Fatal("no snapshot was written; the test proves nothing about recovering from one")
	}
	// Snapshots never trim: the log still holds the whole match.
	if first := tb.rdb.XRangeN(context.Background(), keys.Log(), "-", "+", 1).Val(); len(first) == 0 || first[0].ID != "1-0" {
		t.Fatalf("the log starts at %v, want the match start 1-0", first)
	}
	if n := tb.logLen(); n != tb.room.Seq() {
		t.Fatalf("log holds %d entries, room at %d", n, tb.room.Seq())
	}
}

func TestSecondConnectionTakesOver(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	first := bots[0].ws
	second := newBot(t, 0, bots[0].token)
	second.truth = tb.handAt
	second.connect(tb.wsURL())
	_ = first.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := first.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, room.CloseTakenOver) {
			t.Fatalf("first connection ended with %v, want close %d", err, room.CloseTakenOver)
		}
		break
	}
	players, err := tb.roomPlayers()
	if err != nil || players[0].Connections != 1 {
		t.Fatalf("seat 0 has %+v connections in Redis, want 1", players)
	}
	bots[0] = second
	for playTurn(t, bots) {
	}
}

func TestMetricsCountActionsRejectsAndDuplicates(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	mover, waiter := bots[0], bots[1]
	if !mover.myTurn() {
		mover, waiter = waiter, mover
	}
	a := cassino.Greedy(*mover.view)
	if f := waiter.act("early", a); f.Code != "not_your_turn" {
		t.Fatalf("wrong turn: %s", f.raw)
	}
	mover.act("m1", a)
	mover.act("m1", a)
	resp, err := tb.http.Client().Get(tb.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		"croupier_game_actions_total 1",
		`croupier_game_action_rejects_total{reason="not_your_turn"} 1`,
		"croupier_game_dedup_hits_total 1",
		"croupier_game_connected_players 2",
		"croupier_game_action_latency_seconds_count 1",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	tb := newTable(t, 2)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := tb.http.Client().Get(tb.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	tb.redis.Single(t).Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", tb.http.URL+"/readyz", nil)
	resp, err := tb.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with Redis down: %d", resp.StatusCode)
	}
}

func TestWaitingPlayerSeesTheTableFillAndTheOpeningDeal(t *testing.T) {
	tb := newTable(t, 2)
	j0 := tb.join(`{"name":"ann"}`)
	ann := newBot(t, 0, j0.Token)
	ann.truth = tb.handAt
	before := time.Now().UnixMilli()
	w := ann.connect(tb.wsURL())
	if w.Phase != "waiting" || w.Seq != 0 || len(w.Players) != 1 {
		t.Fatalf("welcome while waiting: %s", w.raw)
	}
	// last_seen is the last connect: this one (docs/PROTOCOL.md, welcome).
	if me := w.Players[0]; !me.Connected || me.LastSeen < before {
		t.Fatalf("ann's own seat in her welcome: %+v, want connected and seen from %d", me, before)
	}
	if ann.view != nil {
		t.Fatal("a view before the match started")
	}
	tb.join(`{"name":"bob"}`)
	p := ann.until(func(f frame) bool { return f.Type == "presence" && f.Seat == 1 })
	if p.Connected {
		t.Fatalf("bob is connected before connecting: %s", p.raw)
	}
	start := ann.until(func(f frame) bool { return f.Type == "event" })
	if start.Seq != 1 || start.Seat != -1 || start.ActionID != "" || start.View == nil {
		t.Fatalf("match start: %s", start.raw)
	}
	dealt := false
	for _, e := range start.Events {
		if e.Type == cassino.EventDealt {
			dealt = len(e.Hands[0]) == 4
		}
	}
	if !dealt || len(ann.own) != 4 {
		t.Fatalf("the opening deal did not give ann her 4 cards: %s", start.raw)
	}
}

// An action_id stands for the first action played under it: a refused
// action does not use it up (docs/PROTOCOL.md, action).
func TestARefusedActionDoesNotUseItsIDUp(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	mover := bots[0]
	if !mover.myTurn() {
		mover = bots[1]
	}
	notHeld := cassino.TrailAction(bots[1-mover.seat].view.Hand[0])
	if f := mover.act("same", notHeld); f.Type != "error" || f.Code != "card_not_in_hand" {
		t.Fatalf("a card the seat does not hold: %s", f.raw)
	}
	if f := mover.act("same", cassino.Greedy(*mover.view)); f.Type != "ack" || f.Duplicate {
		t.Fatalf("a legal action under the refused one's id: %s, want a fresh ack", f.raw)
	}
}

// After its welcome and view a player gets its own seat's presence
// (docs/PROTOCOL.md, presence).
func TestAPlayerIsToldOfItsOwnPresence(t *testing.T) {
	tb := newTable(t, 2)
	j := tb.join(`{"name":"ann"}`)
	b := newBot(t, j.Seat, j.Token)
	b.connect(tb.wsURL()) // reads the welcome, then up to the view
	if f := b.read(); f.Type != "presence" || !strings.Contains(string(f.raw), `"seat":0`) || !strings.Contains(string(f.raw), `"connected":true`) {
		t.Fatalf("after the view: %s, want the seat's own presence, connected", f.raw)
	}
}
