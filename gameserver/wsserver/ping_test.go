package wsserver_test

import (
	"testing"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
)

// docs/PROTOCOL.md, ping: a ping message is answered with a pong, to a
// player whose turn it is not and to a spectator, and changes nothing at
// the table; before hello it is refused like any message, and a ping with
// fields of another message is bad_message.
func TestPingIsAnsweredWithPong(t *testing.T) {
	tb := newTable(t, 2, withSpectators(room.Spectators{Allowed: true, Max: 2}))
	bots := tb.seatAll()
	waiting := bots[0]
	if waiting.myTurn() {
		waiting = bots[1]
	}
	s := tb.spectate(func() int64 { return bots[0].lastSeq })
	before := tb.logLen()

	ping := map[string]any{"v": 1, "type": "ping"}
	waiting.write(ping)
	if f := waiting.until(notPresence); string(f.raw) != `{"v":1,"type":"pong"}` {
		t.Fatalf("a waiting player's ping answered %s, want {\"v\":1,\"type\":\"pong\"}", f.raw)
	}
	if err := s.ws.WriteJSON(ping); err != nil {
		t.Fatal(err)
	}
	f := s.read()
	for f.Type == protocol.TypePresence {
		f = s.read()
	}
	if f.Type != protocol.TypePong {
		t.Fatalf("a spectator's ping answered %s, want a pong", f.raw)
	}

	waiting.write(map[string]any{"v": 1, "type": "ping", "token": waiting.token})
	if f := waiting.until(notPresence); f.Type != protocol.TypeError || f.Code != protocol.CodeBadMessage {
		t.Fatalf("a ping with a token answered %s, want bad_message", f.raw)
	}

	fresh, _, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	b := newBot(t, -1, "")
	b.ws = fresh
	b.write(ping)
	if f := b.read(); f.Type != protocol.TypeError || f.Code != protocol.CodeHelloFirst {
		t.Fatalf("a ping before hello answered %s, want hello_required", f.raw)
	}

	if n := tb.logLen(); n != before {
		t.Fatalf("the log grew from %d to %d entries on pings", before, n)
	}
	// The turn is where it was: its player still plays.
	turn := bots[0]
	if !turn.myTurn() {
		turn = bots[1]
	}
	// A ping sent right after an action is answered after that action's
	// ack and event (docs/PROTOCOL.md: after every frame sent before it).
	id := turn.nextID()
	turn.write(map[string]any{"v": 1, "type": "action", "action_id": id, "action": turn.view.Legal[0]})
	turn.write(ping)
	var order []string
	for f := turn.until(notPresence); f.Type != protocol.TypePong; f = turn.until(notPresence) {
		order = append(order, f.Type)
		if f.Type == protocol.TypeAck && (f.ActionID != id || f.Seq != before+1) {
			t.Fatalf("the first action after the pings: %s", f.raw)
		}
	}
	if len(order) != 2 || order[0] != protocol.TypeAck || order[1] != protocol.TypeEvent {
		t.Fatalf("before the pong came %v, want the action's ack and event", order)
	}
}

// notPresence: the table's comings and goings arrive at any time.
func notPresence(f frame) bool { return f.Type != protocol.TypePresence }
