package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/router"
)

// frame is any server message, decoded loosely.
type frame struct {
	Type     string        `json:"type"`
	Seq      int64         `json:"seq"`
	ActionID string        `json:"action_id"`
	Code     string        `json:"code"`
	Phase    string        `json:"phase"`
	View     *cassino.View `json:"view"`
	raw      []byte
}

// joined is the router's answer to a join (docs/PROTOCOL.md).
type joined struct {
	Room  string `json:"room"`
	Seat  int    `json:"seat"`
	Token string `json:"token"`
	WS    string `json:"ws"`
}

// player is a protocol client written from docs/PROTOCOL.md: it joins
// through the router, holds one websocket and plays cassino.Greedy, a
// legal move of its view. It does not reconnect: in these tests nothing
// may close its connection.
type player struct {
	t       testing.TB
	joined  joined
	conn    *websocket.Conn
	lastSeq int64
	view    *cassino.View
	phase   string // of the last welcome or view
	sent    int
}

// waitRoutable waits until the router at base says the room's pod is
// ready (GET /v1/rooms/<ns>/<room>): a room just created is not in its
// watch yet.
func waitRoutable(t testing.TB, base, ns, room string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var facts router.RoomFacts
		status := 0
		if resp, err := http.Get(base + "/v1/rooms/" + ns + "/" + room); err == nil {
			status = resp.StatusCode
			_ = json.NewDecoder(resp.Body).Decode(&facts)
			resp.Body.Close()
		}
		if status == http.StatusOK && facts.Routable {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %s/%s not routable within a minute: status %d, facts %+v", ns, room, status, facts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// join takes a seat of the room through the router at base, once the
// room is routable, retrying while its pod is not ready (503).
func join(t testing.TB, base, ns, room, name string) *player {
	t.Helper()
	waitRoutable(t, base, ns, room)
	body, _ := json.Marshal(map[string]string{"name": name})
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Post(base+"/v1/rooms/"+ns+"/"+room+"/join", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("join %s/%s: %v", ns, room, err)
		}
		var raw bytes.Buffer
		_, _ = raw.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			p := &player{t: t}
			if err := json.Unmarshal(raw.Bytes(), &p.joined); err != nil {
				t.Fatalf("join answer %s: %v", raw.String(), err)
			}
			return p
		}
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("join %s/%s: %d %s", ns, room, resp.StatusCode, raw.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// connect opens the websocket through the router (token as a
// subprotocol) as a browser on the router's page would, with its Origin:
// the chart's default accepts it under the name the port-forward gives.
// Then it says hello and reads up to the first view.
func (p *player) connect(base string) {
	p.t.Helper()
	d := websocket.Dialer{
		Subprotocols:     []string{router.ProtocolV1, router.TokenProtocolPrefix + p.joined.Token},
		HandshakeTimeout: 10 * time.Second,
	}
	conn, resp, err := d.Dial("ws://"+strings.TrimPrefix(base, "http://")+p.joined.WS, http.Header{"Origin": {base}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		p.t.Fatalf("seat %d: open the websocket: %v (status %d)", p.joined.Seat, err, status)
	}
	if conn.Subprotocol() != router.ProtocolV1 {
		p.t.Fatalf("router selected subprotocol %q", conn.Subprotocol())
	}
	p.conn = conn
	p.write(map[string]any{"v": 1, "type": "hello", "token": p.joined.Token})
	for p.read().Type != "view" {
	}
}

func (p *player) write(msg any) {
	p.t.Helper()
	b, _ := json.Marshal(msg)
	if err := p.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		p.t.Fatalf("seat %d: write: %v", p.joined.Seat, err)
	}
}

// read returns the next frame, keeping the player's view and sequence;
// a closed connection fails the test.
func (p *player) read() frame {
	p.t.Helper()
	_ = p.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, raw, err := p.conn.ReadMessage()
	if err != nil {
		p.t.Fatalf("seat %d: connection ended: %v", p.joined.Seat, err)
	}
	var f frame
	if err := json.Unmarshal(raw, &f); err != nil {
		p.t.Fatalf("undecodable frame %s: %v", raw, err)
	}
	f.raw = raw
	switch f.Type {
	case "event":
		if p.view != nil && f.Seq != p.lastSeq+1 {
			p.t.Fatalf("seat %d: event %d after %d", p.joined.Seat, f.Seq, p.lastSeq)
		}
		p.lastSeq = f.Seq
		if f.View != nil {
			p.view = f.View
		}
	case "welcome":
		p.phase = f.Phase
	case "view":
		p.phase = f.Phase
		if f.View != nil {
			p.view, p.lastSeq = f.View, f.Seq
		}
	}
	return f
}

func (p *player) myTurn() bool {
	return p.view != nil && !p.view.Finished && p.view.Turn == p.joined.Seat && len(p.view.Legal) > 0
}

// play sends the greedy legal move and returns the sequence of its ack.
func (p *player) play() int64 {
	p.t.Helper()
	p.sent++
	id := fmt.Sprintf("s%d-%d", p.joined.Seat, p.sent)
	msg := map[string]any{"v": 1, "type": "action", "action_id": id, "action": cassino.Greedy(*p.view)}
	p.write(msg)
	for {
		f := p.read()
		switch {
		case f.ActionID != id:
		case f.Type == "ack":
			return f.Seq
		case f.Type == "error" && f.Code == "rate_limited":
			time.Sleep(150 * time.Millisecond)
			p.write(msg)
		case f.Type == "error":
			p.t.Fatalf("seat %d: move refused: %s", p.joined.Seat, f.raw)
		}
	}
}

func (p *player) catchUp(seq int64) {
	for p.lastSeq < seq {
		p.read()
	}
}

// table is the players of one room, seated and connected.
type table []*player

func (tb table) close() {
	for _, p := range tb {
		if p.conn != nil {
			_ = p.conn.Close()
		}
	}
}

// seat joins n players to the room through the router and connects them;
// the match starts when the last seat is taken.
func seat(t testing.TB, base, ns, room string, n int) table {
	t.Helper()
	var tb table
	for i := range n {
		tb = append(tb, join(t, base, ns, room, fmt.Sprintf("P%d", i)))
	}
	for _, p := range tb {
		p.connect(base)
	}
	for _, p := range tb {
		p.catchUp(1)
	}
	return tb
}

// play makes at most moves moves (the whole match when moves < 0) and
// says whether the match is over.
func (tb table) play(t testing.TB, moves int) bool {
	t.Helper()
	for _, p := range tb {
		p.t = t // the players outlive the test that seated them
	}
	for n := 0; moves < 0 || n < moves; n++ {
		var mover *player
		for _, p := range tb {
			if p.myTurn() {
				mover = p
			}
		}
		if mover == nil {
			for _, p := range tb {
				if p.view == nil || !p.view.Finished {
					t.Fatalf("nobody can move but the match is not over")
				}
			}
			return true
		}
		seq := mover.play()
		for _, p := range tb {
			p.catchUp(seq)
		}
	}
	return tb[0].view.Finished
}
