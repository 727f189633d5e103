package soak

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/internal/playerclient"
)

const (
	// readTimeout is how long a player waits for any frame before it
	// treats the connection as dead and reconnects.
	readTimeout = 25 * time.Second
	// reconnectBound is how long a player keeps reconnecting: longer than
	// any fault plus the replacement of a pod.
	reconnectBound = 3 * time.Minute
	// Chances, per move, of each client fault.
	dropChance      = 0.04
	duplicateChance = 0.04
	replayChance    = 0.04
)

// errWalkedAway ends a player the harness sent away on purpose;
// errStopped one whose room was stopped.
var (
	errWalkedAway = errors.New("walked away")
	errStopped    = errors.New("stopped: another player of the room failed, or the run ran out of time")
)

// stopped says why the player must stop, or nil.
func (b *bot) stopped() error {
	switch {
	case b.r.leaving.Load():
		return errWalkedAway
	case b.r.stop.Load():
		return errStopped
	}
	return nil
}

// bot is a client written from docs/PROTOCOL.md that plays random legal
// moves through the router, reconnects with last_seq, resends an
// unanswered action under its action_id, and injects the client faults.
// It records what it was acknowledged and every event it received, for
// the checks at the end.
type bot struct {
	r      *roomRun
	seat   int
	joined playerclient.Joined
	rng    *rand.Rand
	conn   *websocket.Conn

	lastSeq int64
	seen    bool
	view    *cassino.View
	final   *cassino.View
	moves   int

	events    map[int64]json.RawMessage // seq -> the events field as received
	acks      map[string]int64          // action_id -> seq acknowledged
	sent      map[string][]byte         // action_id -> the frame first sent under it
	acked     []string                  // action ids in the order acknowledged
	connected atomic.Bool
	// reconnectedDuring: the action in flight was sent more than once.
	reconnectedDuring bool
}

func (b *bot) String() string { return fmt.Sprintf("%s seat %d", b.r.key, b.seat) }

// run plays the match to its end, or walks away when the room says so.
func (b *bot) run() error {
	if err := b.connect(); err != nil {
		return err
	}
	defer b.hangUp()
	for {
		if b.view != nil && b.view.Finished {
			b.final = b.view
			return nil
		}
		if b.r.walkAfter > 0 && b.lastSeq >= b.r.walkAfter {
			b.r.leave()
		}
		if err := b.stopped(); err != nil {
			return err
		}
		if b.myTurn() {
			if err := b.move(); err != nil {
				return err
			}
			continue
		}
		if _, err := b.read(); err != nil {
			if err := b.connect(); err != nil {
				return err
			}
		}
	}
}

func (b *bot) myTurn() bool {
	return b.view != nil && !b.view.Finished && b.view.Turn == b.seat && len(b.view.Legal) > 0
}

func (b *bot) hangUp() {
	if b.conn != nil {
		_ = b.conn.Close()
	}
	b.connected.Store(false)
}

// connect opens the websocket through the router and says hello with the
// last sequence held, retrying with jittered back-off while the room is
// moving, its storage hangs, or a part of the platform restarts.
func (b *bot) connect() error {
	b.hangUp()
	var backoff playerclient.Backoff
	deadline := time.Now().Add(reconnectBound)
	var last error
	for time.Now().Before(deadline) {
		if err := b.stopped(); err != nil {
			return err
		}
		conn, resp, err := plat.Dial(b.joined.WS, b.joined.Token, nil)
		if err == nil {
			b.conn = conn
			if last = b.hello(); last == nil {
				b.connected.Store(true)
				return nil
			}
			if errors.Is(last, errRefused) {
				return last
			}
		} else {
			last = err
			if resp != nil {
				last = fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
				if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
					return fmt.Errorf("%s: the router refused the token: %w", b, last)
				}
			}
		}
		backoff.Sleep()
	}
	return fmt.Errorf("%s: could not reconnect within %s: %w", b, reconnectBound, last)
}

var errRefused = errors.New("hello refused")

func (b *bot) hello() error {
	msg, _ := json.Marshal(playerclient.Hello(b.joined.Token, b.lastSeq, b.seen))
	if err := b.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
		return err
	}
	for {
		f, err := b.read()
		if err != nil {
			return err
		}
		switch {
		case f.Type == "view":
			return nil
		case f.Type == "error" && f.Code != "internal":
			return fmt.Errorf("%s: %w: %s", b, errRefused, f.Raw)
		}
	}
}

func (b *bot) send(msg []byte) {
	if b.conn != nil {
		_ = b.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_ = b.conn.WriteMessage(websocket.TextMessage, msg)
	}
}

// read returns the next frame and checks it on the way: sequences
// without gaps, nobody else's cards.
func (b *bot) read() (playerclient.Frame, error) {
	if b.conn == nil {
		return playerclient.Frame{}, errors.New("not connected")
	}
	_ = b.conn.SetReadDeadline(time.Now().Add(readTimeout))
	_, raw, err := b.conn.ReadMessage()
	if err != nil {
		b.hangUp()
		return playerclient.Frame{}, err
	}
	f, err := playerclient.Decode(raw)
	if err != nil {
		b.r.v.add("%s: undecodable frame %s: %v", b, raw, err)
		return f, nil
	}
	switch f.Type {
	case "event":
		if b.seen && f.Seq != b.lastSeq+1 {
			b.r.v.add("%s: event seq %d after %d: a gap or a repeat", b, f.Seq, b.lastSeq)
		}
		b.lastSeq, b.seen = f.Seq, true
		b.events[f.Seq] = append(json.RawMessage(nil), f.Events...)
		b.checkDealt(f)
		if f.View != nil {
			b.setView(f.View)
		}
	case "view":
		if f.View != nil {
			if b.seen && f.Seq < b.lastSeq {
				b.r.v.add("%s: a view at seq %d after seq %d: the room went back", b, f.Seq, b.lastSeq)
			}
			b.lastSeq, b.seen = f.Seq, true
			b.setView(f.View)
		}
	case "ack":
		if first, ok := b.acks[f.ActionID]; ok && f.Seq != first {
			b.r.v.add("%s: action %s acknowledged at seq %d, then at seq %d", b, f.ActionID, first, f.Seq)
		}
	}
	return f, nil
}

func (b *bot) setView(v *cassino.View) {
	if v.Seat != b.seat {
		b.r.v.add("%s: received the view of seat %d", b, v.Seat)
	}
	b.view = v
}

// checkDealt: a deal shows a seat its own cards and only the counts of
// the others.
func (b *bot) checkDealt(f playerclient.Frame) {
	var events []cassino.Event
	if err := json.Unmarshal(f.Events, &events); err != nil {
		b.r.v.add("%s: undecodable events at seq %d: %v", b, f.Seq, err)
		return
	}
	for _, e := range events {
		for other, hand := range e.Hands {
			if other != b.seat && len(hand) > 0 {
				b.r.v.add("%s: seq %d leaked seat %d's hand %v", b, f.Seq, other, hand)
			}
		}
	}
}

// move plays one random legal action, with the client faults the seed
// draws, and waits for its acknowledgement.
func (b *bot) move() error {
	// Every draw happens, used or not, so the seed decides the same
	// faults whatever the timing.
	pace := b.r.pace
	if time.Now().After(b.r.windowEnd) {
		pace = hurriedPace
	}
	think := pace/2 + time.Duration(b.rng.Float64()*float64(pace))
	action := cassino.RandomLegal(*b.view, b.rng)
	dup, drop, replay := b.rng.Float64() < duplicateChance, b.rng.Float64() < dropChance, b.rng.Float64() < replayChance
	old := ""
	if len(b.acked) > 0 {
		old = b.acked[b.rng.IntN(len(b.acked))]
	}
	time.Sleep(think)

	b.moves++
	id := fmt.Sprintf("s%d-%d", b.seat, b.moves)
	msg, _ := json.Marshal(map[string]any{"v": 1, "type": "action", "action_id": id, "action": action})
	b.sent[id] = msg
	b.send(msg)
	if dup {
		b.send(msg)
		b.r.inj.Record(chaos.FrameDuplicate, b.String(), "action %s", id)
	}
	if drop && b.conn != nil {
		// A cut wire, not a close: no close frame, the server learns it
		// from the socket.
		_ = b.conn.UnderlyingConn().Close()
		b.r.inj.Record(chaos.ConnDrop, b.String(), "right after sending %s", id)
	}
	seq, dupAck, err := b.awaitAck(id, msg)
	if err != nil {
		return err
	}
	if dupAck && !drop && !dup && !b.reconnectedDuring {
		b.r.v.add("%s: a first send of %s was acknowledged as a duplicate", b, id)
	}
	b.acks[id] = seq
	b.acked = append(b.acked, id)
	if err := b.catchUp(seq); err != nil {
		return err
	}
	if replay && old != "" {
		b.r.inj.Record(chaos.FrameReplay, b.String(), "action %s (acknowledged at seq %d)", old, b.acks[old])
		b.send(b.sent[old])
		seq, dupAck, err := b.awaitAck(old, b.sent[old])
		if err != nil {
			return err
		}
		if seq != b.acks[old] || !dupAck {
			b.r.v.add("%s: replayed %s got seq %d (duplicate %v), first acknowledged at seq %d", b, old, seq, dupAck, b.acks[old])
		}
	}
	return nil
}

// catchUp reads until the player holds the state after seq: the ack
// comes before its event, and the next move is chosen from that state.
func (b *bot) catchUp(seq int64) error {
	for b.lastSeq < seq {
		if err := b.stopped(); err != nil {
			return err
		}
		if _, err := b.read(); err != nil {
			if err := b.connect(); err != nil {
				return err
			}
		}
	}
	return nil
}

// awaitAck reads until the action's ack, resending it under the same id
// after a reconnect or an answer that says it may not have been played.
func (b *bot) awaitAck(id string, msg []byte) (seq int64, duplicate bool, err error) {
	b.reconnectedDuring = false
	deadline := time.Now().Add(reconnectBound)
	for time.Now().Before(deadline) {
		if err := b.stopped(); err != nil {
			return 0, false, err
		}
		f, err := b.read()
		if err != nil {
			if err := b.connect(); err != nil {
				return 0, false, err
			}
			b.reconnectedDuring = true
			b.send(msg)
			continue
		}
		if f.ActionID != id {
			continue
		}
		switch f.Type {
		case "ack":
			return f.Seq, f.Duplicate, nil
		case "error":
			switch f.Code {
			case "outcome_unknown", "internal", "rate_limited":
				b.reconnectedDuring = true
				time.Sleep(200 * time.Millisecond)
				b.send(msg)
			default:
				return 0, false, fmt.Errorf("%s: action %s refused: %s", b, id, f.Raw)
			}
		}
	}
	return 0, false, fmt.Errorf("%s: no ack for %s within %s", b, id, reconnectBound)
}

// received are the events the bot was sent for seq, decoded.
func (b *bot) received(seq int64) ([]cassino.Event, bool) {
	raw, ok := b.events[seq]
	if !ok {
		return nil, false
	}
	var events []cassino.Event
	if err := json.Unmarshal(raw, &events); err != nil {
		return nil, false
	}
	return events, true
}

// sameJSON compares two values by their JSON, the form clients see.
func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
