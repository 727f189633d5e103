package wsserver_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// A player who leaves before the match starts (docs/PROTOCOL.md, leave)
// gives the seat back: the table is told, the connection closes with
// 1000, the session no longer holds a seat, and the next player sits
// there. Once the match is on, leave is refused and changes nothing.
func TestLeaveBeforeTheStartGivesTheSeatBack(t *testing.T) {
	tb := newTable(t, 3)
	ann := tb.join(`{"name":"ann"}`)
	a := newBot(t, ann.Seat, ann.Token)
	a.connect(tb.wsURL())
	bob := tb.join(`{"name":"bob"}`)
	b := newBot(t, bob.Seat, bob.Token)
	b.connect(tb.wsURL())

	a.write(map[string]any{"v": 1, "type": "leave", "token": ann.Token})
	if f := a.until(func(f frame) bool { return f.Type == "error" }); f.Code != protocol.CodeBadMessage {
		t.Fatalf("a leave carrying a token: %s, want bad_message", f.raw)
	}
	a.write(map[string]any{"v": 1, "type": "leave"})
	_ = a.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, raw, err := a.ws.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Fatalf("after leave: %v, want close 1000", err)
			}
			break
		}
		t.Logf("ann <- %s", raw)
	}
	if f := b.until(func(f frame) bool { return f.Type == "presence" && f.Seat == ann.Seat }); !f.Left || f.Name != "ann" {
		t.Fatalf("the table was told %s, want ann's seat given back", f.raw)
	}
	players, err := tb.roomPlayers()
	if err != nil || len(players) != 1 || players[0].ID != bob.PlayerID {
		t.Fatalf("seats after ann left: %+v, %v", players, err)
	}
	if code, closeErr := helloWith(t, tb, ann.Token); code != protocol.CodeUnauthorized || !websocket.IsCloseError(closeErr, 4003) {
		t.Fatalf("ann's old session said hello: %s, %v; want unauthorized and close 4003", code, closeErr)
	}

	cy := tb.join(`{"name":"cy"}`)
	if cy.status != http.StatusOK || cy.Seat != ann.Seat {
		t.Fatalf("the next player: %+v, want ann's old seat %d", cy, ann.Seat)
	}
	if dee := tb.join(`{"name":"dee"}`); dee.status != http.StatusOK {
		t.Fatalf("the last seat: %+v", dee)
	}
	b.until(func(f frame) bool { return f.Type == "event" && f.Seq == 1 })
	b.write(map[string]any{"v": 1, "type": "leave"})
	if f := b.until(func(f frame) bool { return f.Type == "error" }); f.Code != protocol.CodeMatchStarted {
		t.Fatalf("leave during the match: %s, want match_started", f.raw)
	}
	if players, _ := tb.roomPlayers(); len(players) != 3 {
		t.Fatalf("a refused leave changed the seats: %d seated", len(players))
	}
}
