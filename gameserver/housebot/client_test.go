package housebot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
)

// client is a person at the table, written from docs/PROTOCOL.md: it
// joins, says hello, keeps the latest view, and plays greedily.
type client struct {
	t       *testing.T
	seat    int
	ws      *websocket.Conn
	view    *cassino.View
	players map[int]protocol.Player // from the welcome and presence frames
	sent    int
}

type frame struct {
	Type     string            `json:"type"`
	Seq      int64             `json:"seq"`
	Seat     int               `json:"seat"`
	ActionID string            `json:"action_id"`
	Code     string            `json:"code"`
	Message  string            `json:"message"`
	Players  []protocol.Player `json:"players"`
	Player   *protocol.Player  `json:"player"`
	View     *cassino.View     `json:"view"`
}

func join(t *testing.T, baseURL, name string) *client {
	t.Helper()
	resp, err := http.Post(baseURL+"/join", "application/json", strings.NewReader(fmt.Sprintf(`{"name":%q}`, name)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var j wsserver.JoinResponse
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("join: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&j); err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(baseURL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	c := &client{t: t, seat: j.Seat, ws: ws, players: map[int]protocol.Player{}}
	c.write(map[string]any{"v": protocol.Version, "type": protocol.TypeHello, "token": j.Token})
	if w := c.read(); w.Type != protocol.TypeWelcome {
		t.Fatalf("first frame %+v", w)
	}
	return c
}

func (c *client) write(msg any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(msg); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) read() frame {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var f frame
	if err := c.ws.ReadJSON(&f); err != nil {
		c.t.Fatalf("seat %d read: %v", c.seat, err)
	}
	if f.View != nil {
		c.view = f.View
	}
	for _, p := range f.Players {
		c.players[p.Seat] = p
	}
	if f.Player != nil {
		c.players[f.Player.Seat] = *f.Player
	}
	if f.Type == protocol.TypeError {
		c.t.Fatalf("seat %d got an error: %s %s", c.seat, f.Code, f.Message)
	}
	return f
}

// play plays the person's turns and reads the bots' until the match is
// over, and returns every event frame that a bot's move produced.
func (c *client) play() (botEvents []frame) {
	c.t.Helper()
	for {
		f := c.read()
		if f.Type == protocol.TypeEvent && f.Seat != c.seat && f.Seat >= 0 {
			botEvents = append(botEvents, f)
		}
		if c.view == nil || f.Type == protocol.TypeAck {
			continue
		}
		if c.view.Finished {
			return botEvents
		}
		if c.view.Turn == c.seat && f.Type != protocol.TypePresence {
			c.sent++
			c.write(map[string]any{"v": protocol.Version, "type": protocol.TypeAction,
				"action_id": fmt.Sprintf("me-%d", c.sent), "action": cassino.Greedy(*c.view)})
		}
	}
}
