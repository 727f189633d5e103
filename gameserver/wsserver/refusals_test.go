package wsserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

func TestJoinRefusals(t *testing.T) {
	tb := newTable(t, 2)
	if j := tb.join(`{"name":"ann","seat":1}`); j.status != http.StatusOK || j.Seat != 1 {
		t.Fatalf("join seat 1: %+v", j)
	}
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"seat taken", `{"name":"bob","seat":1}`, http.StatusConflict, "seat_taken"},
		{"no such seat", `{"name":"bob","seat":2}`, http.StatusBadRequest, "no_such_seat"},
		{"negative seat", `{"name":"bob","seat":-1}`, http.StatusBadRequest, "no_such_seat"},
		{"empty name", `{"name":"  "}`, http.StatusBadRequest, "bad_name"},
		{"name too long", `{"name":"` + strings.Repeat("x", 33) + `"}`, http.StatusBadRequest, "bad_name"},
		{"control character", `{"name":"a\u0007b"}`, http.StatusBadRequest, "bad_name"},
		{"unknown field", `{"name":"bob","admin":true}`, http.StatusBadRequest, "bad_request"},
		{"a field given twice", `{"name":"bob","name":"cy"}`, http.StatusBadRequest, "bad_request"},
		{"a field in two cases", `{"name":"bob","NAME":"cy"}`, http.StatusBadRequest, "bad_request"},
		{"a field in another case", `{"Name":"cy","Seat":0}`, http.StatusBadRequest, "bad_request"},
		{"not JSON", `name=bob`, http.StatusBadRequest, "bad_request"},
		{"not UTF-8", "{\"name\":\"a\xffb\"}", http.StatusBadRequest, "bad_request"},
		{"two objects", `{"name":"bob"} {"name":"cy"}`, http.StatusBadRequest, "bad_request"},
		{"trailing data", `{"name":"bob"} junk`, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := tb.join(tt.body)
			if j.status != tt.status || j.err.Code != tt.code {
				t.Fatalf("got %d %+v, want %d %s", j.status, j.err, tt.status, tt.code)
			}
		})
	}
	if j := tb.join(`{"name":"bob"}`); j.status != http.StatusOK || j.Seat != 0 {
		t.Fatalf("join of the last seat: %+v", j)
	}
	if j := tb.join(`{"name":"cy"}`); j.status != http.StatusConflict || j.err.Code != "room_full" {
		t.Fatalf("join of a full room: %+v", j)
	}
	// A full room is full whatever seat is asked for: seat_taken would
	// send the client looking for a free seat that does not exist.
	if j := tb.join(`{"name":"cy","seat":1}`); j.status != http.StatusConflict || j.err.Code != "room_full" {
		t.Fatalf("join of a full room asking for a seat: %+v", j)
	}
}

// hello connects and says hello with token; it returns the first frame
// and the close code that follows a refusal (0 if the connection stays).
func hello(t *testing.T, url, token string) (frame, int) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	b := &bot{t: t, ws: ws, own: map[cassino.Card]bool{}}
	b.write(map[string]any{"v": 1, "type": "hello", "token": token})
	first := b.read()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = ws.ReadMessage()
	if ce, ok := err.(*websocket.CloseError); ok {
		return first, ce.Code
	}
	return first, 0
}

func TestTokenRefusals(t *testing.T) {
	tb := newTable(t, 2)
	j := tb.join(`{"name":"ann"}`)
	parts := strings.Split(j.Token, ".")
	forged := parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-2] + "AA." + parts[3]
	other, _, _ := tb.keyring.Issue(session.Claims{Room: "games/other", PlayerID: j.PlayerID, Seat: 0}, time.Now(), time.Hour)
	expired, _, _ := tb.keyring.Issue(session.Claims{Room: roomID, PlayerID: j.PlayerID, Seat: 0}, time.Now().Add(-2*time.Hour), time.Hour)
	stranger, _ := session.NewKeyring(map[string][]byte{"zzzz": []byte(strings.Repeat("s", 32))})
	unknown, _, _ := stranger.Issue(session.Claims{Room: roomID, PlayerID: j.PlayerID, Seat: 0}, time.Now(), time.Hour)
	notSeated, _, _ := tb.keyring.Issue(session.Claims{Room: roomID, PlayerID: "someone-else", Seat: 1}, time.Now(), time.Hour)
	tests := []struct{ name, token, code string }{
		{"forged", forged, "token_bad_signature"},
		{"other room", other, "token_wrong_room"},
		{"expired", expired, "token_expired"},
		{"unknown key", unknown, "token_unknown_key"},
		{"malformed", "not-a-token", "token_malformed"},
		{"signed but not seated", notSeated, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, code := hello(t, tb.wsURL(), tt.token)
			if f.Type != "error" || f.Code != tt.code {
				t.Fatalf("answer %s, want error %s", f.raw, tt.code)
			}
			if code != 4003 {
				t.Fatalf("close code %d, want 4003", code)
			}
		})
	}
	if f, code := hello(t, tb.wsURL(), j.Token); f.Type != "welcome" || code != 0 {
		t.Fatalf("the genuine token after the refusals: %s (close %d)", f.raw, code)
	}
}

func TestBadFramesGetErrorsAndChangeNothing(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	mover, waiter := bots[0], bots[1]
	if !mover.myTurn() {
		mover, waiter = waiter, mover
	}
	before := tb.logLen()
	notInHand := cassino.TrailAction(cassino.Card(0))
	for c := range waiter.own {
		notInHand = cassino.TrailAction(c) // the other seat's card
		break
	}
	tests := []struct {
		name  string
		frame string
		by    *bot
		code  string
		kind  int // websocket.TextMessage unless set
	}{
		{"not JSON", `{"v":1,"type":`, mover, "bad_json", 0},
		{"binary", `{"v":1,"type":"ping"}`, mover, "bad_json", websocket.BinaryMessage},
		// Size comes first, whatever the frame holds.
		{"oversized binary", strings.Repeat("x", 5000), mover, "too_large", websocket.BinaryMessage},
		{"two objects", `{"v":1,"type":"hello","token":"x"}{}`, mover, "bad_json", 0},
		{"no version", `{"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`, mover, "bad_version", 0},
		{"future version", `{"v":2,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"}}`, mover, "bad_version", 0},
		{"unknown type", `{"v":1,"type":"cheat"}`, mover, "unknown_type", 0},
		{"unknown field", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"AH"},"seat":1}`, mover, "bad_json", 0},
		{"no action id", `{"v":1,"type":"action","action":{"type":"trail","card":"AH"}}`, mover, "bad_message", 0},
		{"bad card", `{"v":1,"type":"action","action_id":"a","action":{"type":"trail","card":"ZZ"}}`, mover, "bad_message", 0},
		{"a stand-in's action id", `{"v":1,"type":"action","action_id":"standin-0-1","action":` + cassino.Greedy(*mover.view).String() + `}`, mover, "bad_message", 0},
		{"second hello", `{"v":1,"type":"hello","token":"x"}`, mover, "already_hello", 0},
		{"oversized", `{"v":1,"type":"action","action_id":"a","pad":"` + strings.Repeat("x", 5000) + `"}`, mover, "too_large", 0},
		{"wrong turn", `{"v":1,"type":"action","action_id":"w","action":` + cassino.Greedy(*mover.view).String() + `}`, waiter, "not_your_turn", 0},
		{"card not in hand", `{"v":1,"type":"action","action_id":"n","action":` + notInHand.String() + `}`, mover, "card_not_in_hand", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := websocket.TextMessage
			if tt.kind != 0 {
				kind = tt.kind
			}
			if err := tt.by.ws.WriteMessage(kind, []byte(tt.frame)); err != nil {
				t.Fatal(err)
			}
			f := tt.by.until(func(f frame) bool { return f.Type == "error" })
			if f.Code != tt.code {
				t.Fatalf("error %s, want %s", f.raw, tt.code)
			}
			if n := tb.logLen(); n != before {
				t.Fatalf("log grew from %d to %d", before, n)
			}
		})
	}
	// The connections survive, and the match goes on.
	for range 4 {
		playTurn(t, bots)
	}
	if n := tb.logLen(); n != before+4 {
		t.Fatalf("log has %d entries after 4 more actions, want %d", n, before+4)
	}
}

func TestHugeFrameClosesTheConnection(t *testing.T) {
	tb := newTable(t, 2)
	b := tb.seatAll()[0]
	if err := b.ws.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", 100<<10))); err != nil {
		t.Fatal(err)
	}
	_ = b.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := b.ws.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
			t.Fatalf("read after a 100 KiB frame: %v, want close 1009", err)
		}
		break
	}
	if n := tb.logLen(); n != 1 {
		t.Fatalf("log has %d entries", n)
	}
}

func TestOriginAllowList(t *testing.T) {
	tests := []struct {
		name    string
		allowed []string
		origin  string
		ok      bool
	}{
		{"no origin (not a browser)", nil, "", true},
		{"same host by default", nil, "http://HOST", true},
		{"other host by default", nil, "https://evil.example", false},
		{"listed", []string{"https://play.example"}, "https://play.example", true},
		{"not listed", []string{"https://play.example"}, "https://evil.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.AllowedOrigins = tt.allowed }))
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", strings.Replace(tt.origin, "HOST", strings.TrimPrefix(tb.http.URL, "http://"), 1))
			}
			ws, resp, err := websocket.DefaultDialer.Dial(tb.wsURL(), h)
			if ws != nil {
				ws.Close()
			}
			if (err == nil) != tt.ok {
				t.Fatalf("dial: %v (%v), want ok=%v", err, resp, tt.ok)
			}
			if !tt.ok && resp.StatusCode != http.StatusForbidden {
				t.Fatalf("refused with %d, want 403 (docs/PROTOCOL.md, Play)", resp.StatusCode)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) { c.RatePerSec, c.RateBurst = 0.001, 3 }))
	j := tb.join(`{"name":"ann"}`)
	b := newBot(t, 0, j.Token)
	b.connect(tb.wsURL()) // the hello is the first of the burst
	for i := range 3 {
		// The match has not started: refused either way, by the room or the rate.
		b.write(map[string]any{"v": 1, "type": "action", "action_id": fmt.Sprintf("r%d", i), "action": map[string]string{"type": "trail", "card": "AH"}})
	}
	codes := []string{}
	for range 3 {
		codes = append(codes, b.until(func(f frame) bool { return f.Type == "error" }).Code)
	}
	if codes[2] != "rate_limited" || codes[0] == "rate_limited" {
		t.Fatalf("errors %v, want the last one rate_limited", codes)
	}
}

// An action before hello gets hello_required, and one before every seat is
// taken gets not_started; neither closes the connection or logs anything.
func TestActionsBeforeHelloAndBeforeTheMatch(t *testing.T) {
	tb := newTable(t, 2)
	j := tb.join(`{"name":"early"}`)
	if j.status != http.StatusOK {
		t.Fatalf("join: %+v", j)
	}
	b := newBot(t, j.Seat, j.Token)
	ws, resp, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	b.ws = ws
	trail := map[string]any{"v": 1, "type": "action", "action_id": "early-1", "action": map[string]any{"type": "trail", "card": "AH"}}
	b.write(trail)
	if f := b.until(func(f frame) bool { return f.Type == protocol.TypeError }); f.Code != "hello_required" {
		t.Fatalf("action before hello: %s, want hello_required", f.raw)
	}
	// The same connection still takes its hello.
	b.write(map[string]any{"v": 1, "type": "hello", "token": b.token})
	if w := b.read(); w.Type != protocol.TypeWelcome {
		t.Fatalf("hello after the refusal: %s", w.raw)
	}
	b.write(trail)
	if f := b.until(func(f frame) bool { return f.Type == protocol.TypeError }); f.Code != "not_started" {
		t.Fatalf("action with a free seat left: %s, want not_started", f.raw)
	}
	if n := tb.logLen(); n != 0 {
		t.Fatalf("the log has %d entries; refused actions must log nothing", n)
	}
}

// expires_at bounds opening a connection, not one already open
// (docs/PROTOCOL.md, Join): past it, the open connections play on and a
// new one with the same token is refused with token_expired.
func TestAnOpenConnectionOutlivesItsTokensExpiry(t *testing.T) {
	var ahead atomic.Int64
	tb := newTable(t, 2, withServer(func(c *wsserver.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	}))
	bots := tb.seatAll()
	ahead.Store(int64(2 * time.Hour)) // the tokens lived one hour
	playTurn(t, bots)
	playTurn(t, bots)
	if f, code := hello(t, tb.wsURL(), bots[0].token); f.Code != "token_expired" || code != 4003 {
		t.Fatalf("a new connection past expiry: %s (close %d), want token_expired and 4003", f.raw, code)
	}
}

// /join checks no Origin, and sends no CORS headers, so a page of another
// origin cannot read its answer (docs/GAMESERVER.md).
func TestJoinChecksNoOriginAndSendsNoCORSHeaders(t *testing.T) {
	tb := newTable(t, 2)
	req, _ := http.NewRequest(http.MethodPost, tb.http.URL+"/join", strings.NewReader(`{"name":"ann"}`))
	req.Header.Set("Origin", "https://elsewhere.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("join from another origin: %d, want 200", resp.StatusCode)
	}
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Fatalf("join answered with CORS header %s", k)
		}
	}
}
