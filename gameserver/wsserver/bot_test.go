package wsserver_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// frame is any server message, decoded loosely for the test's checks.
type frame struct {
	V         int               `json:"v"`
	Type      string            `json:"type"`
	Seq       int64             `json:"seq"`
	Seat      int               `json:"seat"`
	ActionID  string            `json:"action_id"`
	Duplicate bool              `json:"duplicate"`
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Phase     string            `json:"phase"`
	PlayerID  string            `json:"player_id"`
	Players   []protocol.Player `json:"players"`
	Connected bool              `json:"connected"`
	Left      bool              `json:"left"`
	Name      string            `json:"name"`
	Events    []cassino.Event   `json:"events"`
	View      *cassino.View     `json:"view"`
	raw       []byte
}

// bot is a player written from docs/PROTOCOL.md: it keeps the last
// sequence it saw, plays cassino.Greedy on the view it receives, and checks
// every frame for another seat's cards.
type bot struct {
	t       testing.TB
	seat    int
	token   string
	ws      *websocket.Conn
	seen    bool  // has held a sequence; reconnects send last_seq
	lastSeq int64 // last event sequence received
	view    *cassino.View
	own     map[cassino.Card]bool // every card ever dealt to this seat
	events  int                   // event frames received
	// truth is the seat's hand at a sequence, from the full log in Redis.
	truth func(seq int64, seat int) ([]cassino.Card, bool)
	sent  int
	fast  bool // benchmarks: skip the redaction checks
	// received is when the last frame read arrived, before it was decoded:
	// latency is the server's, not the test client's JSON decoding.
	received time.Time
}

func newBot(t testing.TB, seat int, token string) *bot {
	return &bot{t: t, seat: seat, token: token, own: map[cassino.Card]bool{}}
}

func (b *bot) connect(url string) frame {
	b.t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		b.t.Fatalf("seat %d dial: %v (%v)", b.seat, err, resp)
	}
	// Held until the test ends: a connection the test no longer refers to
	// would be closed by its socket's finalizer at the next collection,
	// and the room would see the player leave.
	b.t.Cleanup(func() { _ = ws.Close() })
	b.ws = ws
	hello := map[string]any{"v": 1, "type": "hello", "token": b.token}
	if b.seen {
		hello["last_seq"] = b.lastSeq
	}
	b.write(hello)
	w := b.read()
	if w.Type != protocol.TypeWelcome || w.Seat != b.seat {
		b.t.Fatalf("seat %d: first frame %s", b.seat, w.raw)
	}
	b.until(func(f frame) bool { return f.Type == protocol.TypeView })
	return w
}

func (b *bot) write(msg any) {
	b.t.Helper()
	if err := b.ws.WriteJSON(msg); err != nil {
		b.t.Fatalf("seat %d write: %v", b.seat, err)
	}
}

func (b *bot) read() frame {
	b.t.Helper()
	_ = b.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, raw, err := b.ws.ReadMessage()
	b.received = time.Now()
	if err != nil {
		b.t.Fatalf("seat %d read: %v", b.seat, err)
	}
	var f frame
	if err := json.Unmarshal(raw, &f); err != nil {
		b.t.Fatalf("seat %d: undecodable frame %s: %v", b.seat, raw, err)
	}
	f.raw = raw
	if testing.Verbose() && !b.fast {
		b.t.Logf("seat %d <- %.200s", b.seat, raw)
	}
	b.observe(f)
	return f
}

// observe checks and records one frame.
func (b *bot) observe(f frame) {
	b.t.Helper()
	if f.V != protocol.Version {
		b.t.Fatalf("seat %d: frame without version: %s", b.seat, f.raw)
	}
	if !b.fast {
		b.checkRedaction(f)
	}
	switch f.Type {
	case protocol.TypeEvent:
		if b.seen && f.Seq != b.lastSeq+1 {
			b.t.Fatalf("seat %d: event %d after %d: a gap or a duplicate", b.seat, f.Seq, b.lastSeq)
		}
		b.lastSeq, b.seen = f.Seq, true
		b.events++
		if f.View != nil {
			b.view = f.View
		}
	case protocol.TypeView:
		if f.View != nil {
			b.view = f.View
			b.lastSeq, b.seen = f.Seq, true
		}
	}
}

// checkRedaction fails on any frame that shows a card of another seat's
// hand: dealt events may only carry this seat's cards, and a view's hand
// may only hold cards dealt to this seat.
func (b *bot) checkRedaction(f frame) {
	b.t.Helper()
	var generic any
	_ = json.Unmarshal(f.raw, &generic)
	walk(generic, func(key string, val any) {
		switch key {
		case "deck":
			b.t.Fatalf("seat %d received the deck: %s", b.seat, f.raw)
		case "hands":
			hands, _ := val.([]any)
			for i, h := range hands {
				cards, _ := h.([]any)
				if i != b.seat && len(cards) > 0 {
					b.t.Fatalf("seat %d received seat %d's hand: %s", b.seat, i, f.raw)
				}
				if i == b.seat {
					for _, c := range cards {
						card, _ := cassino.ParseCard(c.(string))
						b.own[card] = true
					}
				}
			}
		}
	})
	if f.Type == protocol.TypeView && f.View != nil && b.truth != nil {
		// A full view stands alone: check its hand against the log.
		if hand, ok := b.truth(f.Seq, b.seat); ok {
			if !slices.Equal(hand, f.View.Hand) {
				b.t.Fatalf("seat %d's full view at %d holds %v, its hand is %v", b.seat, f.Seq, f.View.Hand, hand)
			}
			for _, c := range hand {
				b.own[c] = true
			}
		}
	}
	if f.View != nil {
		for _, c := range f.View.Hand {
			if !b.own[c] {
				b.t.Fatalf("seat %d's view holds %s, never dealt to it: %s", b.seat, c, f.raw)
			}
		}
	}
}

func walk(v any, fn func(string, any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			fn(k, val)
			walk(val, fn)
		}
	case []any:
		for _, val := range x {
			walk(val, fn)
		}
	}
}

// until reads frames until one satisfies pred, and returns it.
func (b *bot) until(pred func(frame) bool) frame {
	b.t.Helper()
	for {
		if f := b.read(); pred(f) {
			return f
		}
	}
}

func (b *bot) myTurn() bool {
	return b.view != nil && !b.view.Finished && b.view.Turn == b.seat && len(b.view.Legal) > 0
}

// act sends an action and returns the answer (ack or error) for its id.
func (b *bot) act(id string, a cassino.Action) frame {
	b.t.Helper()
	b.write(map[string]any{"v": 1, "type": "action", "action_id": id, "action": a})
	return b.until(func(f frame) bool {
		return (f.Type == protocol.TypeAck || f.Type == protocol.TypeError) && f.ActionID == id
	})
}

func (b *bot) nextID() string {
	b.sent++
	return fmt.Sprintf("s%d-%d", b.seat, b.sent)
}

// catchUp reads until the bot has seen seq.
func (b *bot) catchUp(seq int64) {
	b.t.Helper()
	for b.lastSeq < seq {
		b.read()
	}
}

// playTurn lets whoever's turn it is play greedily and everyone receive
// the event; it reports false when the match is over.
func playTurn(t testing.TB, bots []*bot) bool {
	t.Helper()
	for _, b := range bots {
		if !b.myTurn() {
			continue
		}
		ack := b.act(b.nextID(), cassino.Greedy(*b.view))
		if ack.Type != protocol.TypeAck {
			t.Fatalf("seat %d: greedy action refused: %s", b.seat, ack.raw)
		}
		for _, o := range bots {
			o.catchUp(ack.Seq)
		}
		return true
	}
	for _, b := range bots {
		if b.view == nil || !b.view.Finished {
			t.Fatalf("nobody can play but the match is not over (seat %d view %+v)", b.seat, b.view)
		}
	}
	return false
}

// reference plays the same match with the engine alone.
func reference(t *testing.T, opts cassino.Options, seed int64) (cassino.View, int) {
	t.Helper()
	m, _, err := cassino.New(cassino.Setup{Options: opts, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for !m.Finished() {
		s := m.Turn()
		if _, err := m.Apply(s, cassino.Greedy(m.View(s))); err != nil {
			t.Fatalf("reference action %d: %v", n, err)
		}
		n++
	}
	return m.View(0), n
}
