package playerclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

const (
	// Subprotocols (PROTOCOL.md, Websocket): the router selects protocolV1.
	protocolV1          = "croupier.v1"
	tokenProtocolPrefix = "croupier.token."
	// readTimeout is how long a player waits for any frame.
	readTimeout = 20 * time.Second
	// patience bounds joining and (re)connecting.
	patience = time.Minute
)

// Options say how a player reaches its room.
type Options struct {
	// Base is the router's URL, http://host:port.
	Base string
	// Origin, when set, is sent on the websocket handshake, as a browser
	// on that page would.
	Origin string
	// Reconnect: a closed connection is reopened with jittered back-off
	// and last_seq, and an unanswered action resent under its action_id,
	// as PROTOCOL.md's Reconnecting says. Without it any close fails the
	// test.
	Reconnect bool
	// Direct, when set, is the pod's endpoint: the player dials its /ws
	// and skips the router (a benchmark's floor).
	Direct string
	// RTTs, when set, receives each action's time from send to ack; the
	// player then stays under the pod's rate limit, so what is timed is
	// the path, not the limiter.
	RTTs *[]time.Duration
}

// Player is one seat's client. Its fields are what it was told: read
// them, do not set them.
type Player struct {
	Joined  Joined
	Conn    *websocket.Conn
	LastSeq int64
	View    *cassino.View
	// Phase is that of the last welcome or view.
	Phase string
	// Closes are the close codes the player got, in order (-1: the
	// connection ended without one).
	Closes []int

	t        testing.TB
	opts     Options
	seen     bool
	sent     int
	lastSend time.Time
}

// Join waits until the room is routable and takes a seat through the
// router, failing t when it cannot within a minute.
func Join(t testing.TB, opts Options, ns, room, name string) *Player {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := WaitRoutable(ctx, opts.Base, ns, room); err != nil {
		t.Fatal(err)
	}
	j, err := JoinRoom(ctx, opts.Base, ns, room, name)
	if err != nil {
		t.Fatal(err)
	}
	return &Player{t: t, opts: opts, Joined: j}
}

// Seated is the player of a seat taken elsewhere (a quick play's answer
// carries the same fields as a join's).
func Seated(t testing.TB, opts Options, j Joined) *Player {
	return &Player{t: t, opts: opts, Joined: j}
}

// SetT makes t the test the player fails: a player may outlive the test
// that seated it.
func (p *Player) SetT(t testing.TB) { p.t = t }

// Close hangs up.
func (p *Player) Close() {
	if p.Conn != nil {
		_ = p.Conn.Close()
	}
}

// Connect opens the websocket, says hello and reads up to the view. With
// Reconnect it retries with back-off through 503s, refused dials (a
// restarting router) and a 1012 or 1001 before the view (a move still
// under way).
func (p *Player) Connect() {
	p.t.Helper()
	var backoff Backoff
	deadline := time.Now().Add(patience)
	for !p.connectOnce(deadline, &backoff) {
		backoff.Sleep()
	}
}

// connectOnce dials and says hello; false means "try again".
func (p *Player) connectOnce(deadline time.Time, backoff *Backoff) bool {
	p.t.Helper()
	for {
		conn, resp, err := p.dial()
		if err == nil {
			if p.opts.Direct == "" && conn.Subprotocol() != protocolV1 {
				p.t.Fatalf("router selected subprotocol %q", conn.Subprotocol())
			}
			p.Conn = conn
			break
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		retry := p.opts.Reconnect && (status == 0 || status == http.StatusServiceUnavailable)
		if !retry || time.Now().After(deadline) {
			p.t.Fatalf("seat %d: open the websocket: %v (status %d)", p.Joined.Seat, err, status)
		}
		backoff.Sleep()
	}
	p.Write(Hello(p.Joined.Token, p.LastSeq, p.seen))
	for {
		f, err := p.Read()
		moving := websocket.IsCloseError(err, websocket.CloseServiceRestart, websocket.CloseGoingAway)
		if p.opts.Reconnect && moving && time.Now().Before(deadline) {
			return false
		}
		if err != nil {
			p.t.Fatalf("seat %d: after hello: %v", p.Joined.Seat, err)
		}
		if f.Type == "view" {
			return true
		}
	}
}

func (p *Player) dial() (*websocket.Conn, *http.Response, error) {
	if p.opts.Direct != "" {
		return websocket.DefaultDialer.Dial("ws://"+p.opts.Direct+"/ws", nil)
	}
	d := websocket.Dialer{
		Subprotocols:     []string{protocolV1, tokenProtocolPrefix + p.Joined.Token},
		HandshakeTimeout: 10 * time.Second,
	}
	var header http.Header
	if p.opts.Origin != "" {
		header = http.Header{"Origin": {p.opts.Origin}}
	}
	return d.Dial("ws://"+strings.TrimPrefix(p.opts.Base, "http://")+p.Joined.WS, header)
}

// Write sends one client message. A failed write fails the test unless
// the player reconnects: then the next read sees the close.
func (p *Player) Write(msg any) {
	p.t.Helper()
	b, _ := json.Marshal(msg)
	if err := p.Conn.WriteMessage(websocket.TextMessage, b); err != nil && !p.opts.Reconnect {
		p.t.Fatalf("seat %d: write: %v", p.Joined.Seat, err)
	}
}

// Read returns the next frame, keeping the player's view and sequence
// (a gap or a repeat fails the test), or the error that ended the
// connection, whose close code it records.
func (p *Player) Read() (Frame, error) {
	p.t.Helper()
	_ = p.Conn.SetReadDeadline(time.Now().Add(readTimeout))
	_, raw, err := p.Conn.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			p.Closes = append(p.Closes, ce.Code)
		} else {
			p.Closes = append(p.Closes, -1)
		}
		_ = p.Conn.Close()
		return Frame{}, err
	}
	f, err := Decode(raw)
	if err != nil {
		p.t.Fatalf("undecodable frame %s: %v", raw, err)
	}
	switch f.Type {
	case "event":
		if p.seen && f.Seq != p.LastSeq+1 {
			p.t.Fatalf("seat %d: event %d after %d", p.Joined.Seat, f.Seq, p.LastSeq)
		}
		p.LastSeq, p.seen = f.Seq, true
		if f.View != nil {
			p.View = f.View
		}
	case "welcome":
		p.Phase = f.Phase
	case "view":
		p.Phase = f.Phase
		if f.View != nil {
			p.View = f.View
			p.LastSeq, p.seen = f.Seq, true
		}
	}
	return f, nil
}

// next reads the next frame; a closed connection is reopened, or fails
// the test when the player does not reconnect.
func (p *Player) next() Frame {
	p.t.Helper()
	for {
		f, err := p.Read()
		if err == nil {
			return f
		}
		if !p.opts.Reconnect {
			p.t.Fatalf("seat %d: connection ended: %v", p.Joined.Seat, err)
		}
		p.Connect()
	}
}

// MyTurn says whether the player holds a legal move now.
func (p *Player) MyTurn() bool {
	return p.View != nil && !p.View.Finished && p.View.Turn == p.Joined.Seat && len(p.View.Legal) > 0
}

// Play sends the greedy legal move and returns the sequence of its ack.
// After a reconnect it resends the same action_id: a move is never
// played twice.
func (p *Player) Play() int64 {
	p.t.Helper()
	p.sent++
	id := fmt.Sprintf("s%d-%d", p.Joined.Seat, p.sent)
	msg := map[string]any{"v": 1, "type": "action", "action_id": id, "action": cassino.Greedy(*p.View)}
	if p.opts.RTTs != nil {
		time.Sleep(time.Until(p.lastSend.Add(110 * time.Millisecond)))
	}
	p.lastSend = time.Now()
	p.Write(msg)
	for {
		f, err := p.Read()
		switch {
		case err != nil && !p.opts.Reconnect:
			p.t.Fatalf("seat %d: connection ended: %v", p.Joined.Seat, err)
		case err != nil:
			p.Connect()
			p.Write(msg)
		case f.ActionID != id:
		case f.Type == "ack":
			if p.opts.RTTs != nil {
				*p.opts.RTTs = append(*p.opts.RTTs, time.Since(p.lastSend))
			}
			return f.Seq
		case f.Type == "error" && f.Code == "rate_limited":
			// 10 messages a second per connection: resend it later.
			time.Sleep(150 * time.Millisecond)
			p.lastSend = time.Now()
			p.Write(msg)
		case f.Type == "error":
			p.t.Fatalf("seat %d: move refused: %s", p.Joined.Seat, f.Raw)
		}
	}
}

// CatchUp reads until the player holds the state after seq.
func (p *Player) CatchUp(seq int64) {
	p.t.Helper()
	for p.LastSeq < seq {
		p.next()
	}
}
