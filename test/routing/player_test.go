package routing

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/platformtest"
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

// player is a client written from docs/PROTOCOL.md: it joins through the
// router, keeps its last sequence, plays cassino.Greedy, and on a close
// reconnects with jittered back-off and last_seq, as the page says.
type player struct {
	t       testing.TB
	joined  platformtest.Joined
	conn    *websocket.Conn
	seen    bool
	lastSeq int64
	view    *cassino.View
	sent    int
	// closes are the close codes the player got, in order.
	closes []int
	// direct, when set, is the pod's endpoint: the player skips the router
	// (the benchmark's floor).
	direct string
	// rtts, when set, receives each action's time from send to ack.
	rtts     *[]time.Duration
	lastSend time.Time
}

func join(t testing.TB, ns, room, name string) *player {
	return &player{t: t, joined: plat.Join(t, ns, room, name)}
}

// connect opens the websocket and says hello, retrying with jittered
// exponential back-off, as PROTOCOL.md's reconnect loop does, through 503s,
// refused dials (a restarting router) and a 1012 or 1001 that ends the
// connection before its view (a move still under way).
func (p *player) connect() {
	p.t.Helper()
	backoff := 50 * time.Millisecond
	deadline := time.Now().Add(time.Minute)
	for {
		if p.connectOnce(deadline, &backoff) {
			return
		}
		time.Sleep(backoff/2 + rand.N(backoff/2+1))
		backoff = min(backoff*2, 2*time.Second)
	}
}

// connectOnce dials and says hello; false means "try again".
func (p *player) connectOnce(deadline time.Time, backoff *time.Duration) bool {
	p.t.Helper()
	for {
		conn, resp, err := p.dial()
		if err == nil {
			if p.direct == "" && conn.Subprotocol() != "croupier.v1" {
				p.t.Fatalf("router selected subprotocol %q", conn.Subprotocol())
			}
			p.conn = conn
			break
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if (status != 0 && status != http.StatusServiceUnavailable) || time.Now().After(deadline) {
			p.t.Fatalf("seat %d: connect: %v (status %d)", p.joined.Seat, err, status)
		}
		time.Sleep(*backoff/2 + rand.N(*backoff/2+1))
		*backoff = min(*backoff*2, 2*time.Second)
	}
	hello := map[string]any{"v": 1, "type": "hello", "token": p.joined.Token}
	if p.seen {
		hello["last_seq"] = p.lastSeq
	}
	p.write(hello)
	for {
		f, err := p.read()
		moving := websocket.IsCloseError(err, websocket.CloseServiceRestart, websocket.CloseGoingAway)
		if moving && time.Now().Before(deadline) {
			return false
		}
		if err != nil {
			p.t.Fatalf("seat %d: after hello: %v", p.joined.Seat, err)
		}
		if f.Type == "view" {
			return true
		}
	}
}

func (p *player) dial() (*websocket.Conn, *http.Response, error) {
	if p.direct != "" {
		return websocket.DefaultDialer.Dial("ws://"+p.direct+"/ws", nil)
	}
	return plat.Dial(p.joined.WS, p.joined.Token, nil)
}

func (p *player) write(msg any) {
	p.t.Helper()
	b, _ := json.Marshal(msg)
	_ = p.conn.WriteMessage(websocket.TextMessage, b)
}

// read returns the next frame, or the error that closed the connection
// (recording its close code).
func (p *player) read() (frame, error) {
	_ = p.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, raw, err := p.conn.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			p.closes = append(p.closes, ce.Code)
		} else {
			p.closes = append(p.closes, -1)
		}
		_ = p.conn.Close()
		return frame{}, err
	}
	var f frame
	if err := json.Unmarshal(raw, &f); err != nil {
		p.t.Fatalf("undecodable frame %s: %v", raw, err)
	}
	f.raw = raw
	switch f.Type {
	case "event":
		if p.seen && f.Seq != p.lastSeq+1 {
			p.t.Fatalf("seat %d: event %d after %d", p.joined.Seat, f.Seq, p.lastSeq)
		}
		p.lastSeq, p.seen = f.Seq, true
		if f.View != nil {
			p.view = f.View
		}
	case "view":
		if f.View != nil {
			p.view = f.View
			p.lastSeq, p.seen = f.Seq, true
		}
	}
	return f, nil
}

// readOrReconnect reads the next frame; a closed connection is reopened.
func (p *player) readOrReconnect() frame {
	p.t.Helper()
	for {
		f, err := p.read()
		if err == nil {
			return f
		}
		p.connect()
	}
}

func (p *player) myTurn() bool {
	return p.view != nil && !p.view.Finished && p.view.Turn == p.joined.Seat && len(p.view.Legal) > 0
}

// play sends the greedy action and waits for its ack, resending the same
// action_id after a reconnect: it is never played twice.
func (p *player) play() int64 {
	p.t.Helper()
	p.sent++
	id := fmt.Sprintf("s%d-%d", p.joined.Seat, p.sent)
	msg := map[string]any{"v": 1, "type": "action", "action_id": id, "action": cassino.Greedy(*p.view)}
	if p.rtts != nil {
		// Stay under the pod's 10 messages a second, so what is timed is
		// the path, not the rate limiter.
		time.Sleep(time.Until(p.lastSend.Add(110 * time.Millisecond)))
	}
	p.lastSend = time.Now()
	p.write(msg)
	for {
		f, err := p.read()
		if err != nil {
			p.connect()
			p.write(msg)
			continue
		}
		if f.ActionID == id && f.Type == "ack" {
			if p.rtts != nil {
				*p.rtts = append(*p.rtts, time.Since(p.lastSend))
			}
			return f.Seq
		}
		if f.ActionID == id && f.Type == "error" && f.Code == "rate_limited" {
			// 10 messages a second per connection: resend it later.
			time.Sleep(150 * time.Millisecond)
			p.lastSend = time.Now()
			p.write(msg)
			continue
		}
		if f.ActionID == id && f.Type == "error" {
			p.t.Fatalf("seat %d: action refused: %s", p.joined.Seat, f.raw)
		}
	}
}

func (p *player) catchUp(seq int64) {
	for p.lastSeq < seq {
		p.readOrReconnect()
	}
}

// playMatch plays to the end; between turns, interrupt(turn) may break
// things.
func playMatch(t testing.TB, players []*player, interrupt func(turn int)) cassino.View {
	t.Helper()
	for _, p := range players {
		p.catchUp(1) // the match starts when the last seat is taken
	}
	for turn := 0; ; turn++ {
		if interrupt != nil {
			interrupt(turn)
		}
		var mover *player
		for _, p := range players {
			if p.myTurn() {
				mover = p
			}
		}
		if mover == nil {
			for _, p := range players {
				if p.view == nil || !p.view.Finished {
					t.Fatalf("nobody can play but the match is not over")
				}
			}
			return *players[0].view
		}
		seq := mover.play()
		for _, p := range players {
			p.catchUp(seq)
		}
	}
}

// seatPlayers joins n players to a fresh room and connects them.
func seatPlayers(t testing.TB, ns, room string, n int) []*player {
	var ps []*player
	for i := range n {
		ps = append(ps, join(t, ns, room, fmt.Sprintf("P%d", i)))
	}
	for _, p := range ps {
		p.connect()
	}
	return ps
}
