package wsserver_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

func withSpectators(s room.Spectators) tableOption {
	return withRoom(func(c *room.Config) { c.Spectators = s })
}

type watched struct {
	wsserver.WatchResponse
	status int
	err    httpjson.Refusal
}

// watch asks the pod for a spectator token (POST /watch).
func (tb *table) watch() watched {
	tb.t.Helper()
	resp, err := http.Post(tb.http.URL+"/watch", "application/json", strings.NewReader("{}"))
	if err != nil {
		tb.t.Fatal(err)
	}
	defer resp.Body.Close()
	w := watched{status: resp.StatusCode}
	if resp.StatusCode == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&w.WatchResponse)
	} else {
		err = json.NewDecoder(resp.Body).Decode(&w.err)
	}
	if err != nil {
		tb.t.Fatalf("watch answer: %v", err)
	}
	return w
}

// spectator is a watcher written from docs/PROTOCOL.md. It records every
// frame with the table's sequence at the moment it was read, for the
// checks against the full log once the match is over.
type spectator struct {
	t       testing.TB
	token   string
	dialer  *websocket.Dialer
	ws      *websocket.Conn
	seen    bool
	lastSeq int64
	view    *cassino.View
	phase   string
	frames  []seen
	// table is the real table's sequence, as the players know it.
	table func() int64
}

type seen struct {
	f     frame
	table int64
}

func (tb *table) spectate(table func() int64) *spectator {
	tb.t.Helper()
	return tb.spectateVia(websocket.DefaultDialer, table)
}

func (tb *table) spectateVia(dialer *websocket.Dialer, table func() int64) *spectator {
	tb.t.Helper()
	w := tb.watch()
	if w.status != http.StatusOK || w.Seat != -1 || w.Role != "spectator" {
		tb.t.Fatalf("watch: %+v", w)
	}
	s := &spectator{t: tb.t, token: w.Token, dialer: dialer, table: table}
	s.connect(tb.wsURL())
	return s
}

func (s *spectator) connect(url string) {
	s.t.Helper()
	dialer := s.dialer
	if dialer == nil {
		dialer = websocket.DefaultDialer
	}
	ws, _, err := dialer.Dial(url, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	// Held until the test ends, as a bot's is (bot.connect).
	s.t.Cleanup(func() { _ = ws.Close() })
	s.ws = ws
	hello := map[string]any{"v": 1, "type": "hello", "token": s.token}
	if s.seen {
		hello["last_seq"] = s.lastSeq
	}
	if err := ws.WriteJSON(hello); err != nil {
		s.t.Fatal(err)
	}
	w := s.read()
	if w.Type != protocol.TypeWelcome || w.Seat != -1 || !strings.Contains(string(w.raw), `"role":"spectator"`) {
		s.t.Fatalf("spectator's first frame: %s", w.raw)
	}
	for s.read().Type != protocol.TypeView {
	}
}

func (s *spectator) read() frame {
	s.t.Helper()
	_ = s.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, raw, err := s.ws.ReadMessage()
	if err != nil {
		s.t.Fatalf("spectator read: %v", err)
	}
	return s.observe(raw)
}

// observe checks and records one frame.
func (s *spectator) observe(raw []byte) frame {
	s.t.Helper()
	var f frame
	if err := json.Unmarshal(raw, &f); err != nil {
		s.t.Fatalf("spectator: undecodable frame %s", raw)
	}
	f.raw = raw
	s.frames = append(s.frames, seen{f: f, table: s.table()})
	switch f.Type {
	case protocol.TypeEvent:
		if s.seen && f.Seq != s.lastSeq+1 {
			s.t.Fatalf("spectator: event %d after %d", f.Seq, s.lastSeq)
		}
		s.lastSeq, s.seen, s.view = f.Seq, true, f.View
	case protocol.TypeView:
		s.lastSeq, s.seen, s.view, s.phase = f.Seq, true, f.View, f.Phase
	}
	return f
}

// catchUp reads until the spectator has seen seq.
func (s *spectator) catchUp(seq int64) {
	s.t.Helper()
	for !s.seen || s.lastSeq < seq {
		s.read()
	}
}

// shows is the sequence a spectator may see when the table is at table.
func shows(table, delay int64, finished bool) int64 {
	if finished {
		return table
	}
	return max(0, table-delay)
}

// publicTables replays the full-information log and returns, for each
// sequence, the public view (seat -1) and the cards hidden at that moment
// (every hand and the deck).
func (tb *table) publicTables() (views map[int64][]byte, hidden map[int64]map[cassino.Card]bool) {
	tb.t.Helper()
	ctx := context.Background()
	log := actionlog.New(tb.rdb, keys)
	raw, ok, err := log.LoadSetup(ctx)
	if err != nil || !ok {
		tb.t.Fatalf("setup: %v %v", ok, err)
	}
	var setup cassino.Setup
	if err := json.Unmarshal(raw, &setup); err != nil {
		tb.t.Fatal(err)
	}
	entries, err := log.After(ctx, 1)
	if err != nil || len(entries) == 0 || entries[0].Seq != 2 {
		tb.t.Fatalf("the log does not hold the whole match: %v", err)
	}
	m, _, err := cassino.New(setup)
	if err != nil {
		tb.t.Fatal(err)
	}
	views, hidden = map[int64][]byte{}, map[int64]map[cassino.Card]bool{}
	record := func(seq int64) {
		v := m.View(-1)
		views[seq] = protocol.Encode(v)
		snap, err := m.Snapshot()
		if err != nil {
			tb.t.Fatal(err)
		}
		var full struct {
			State struct {
				Deck  []cassino.Card   `json:"deck"`
				Hands [][]cassino.Card `json:"hands"`
			} `json:"state"`
		}
		if err := json.Unmarshal(snap, &full); err != nil {
			tb.t.Fatal(err)
		}
		h := map[cassino.Card]bool{}
		for _, c := range full.State.Deck {
			h[c] = true
		}
		for _, hand := range full.State.Hands {
			for _, c := range hand {
				h[c] = true
			}
		}
		hidden[seq] = h
	}
	record(1)
	for _, e := range entries {
		var evs []cassino.Event
		if err := json.Unmarshal(e.Events, &evs); err != nil {
			tb.t.Fatal(err)
		}
		if err := m.Evolve(evs...); err != nil {
			tb.t.Fatal(err)
		}
		record(e.Seq)
	}
	return views, hidden
}

// checkSpectatorFrames holds every frame a spectator received to the
// promises of docs/PROTOCOL.md: no deck, no hand, no card hidden at the
// sequence it shows, never ahead of the table by less than the delay, and
// a view equal to the public view of the real match at its sequence.
func checkSpectatorFrames(t *testing.T, s *spectator, delay, finishedAt int64, views map[int64][]byte, hidden map[int64]map[cassino.Card]bool) {
	t.Helper()
	for _, r := range s.frames {
		f := r.f
		var generic any
		_ = json.Unmarshal(f.raw, &generic)
		walk(generic, func(key string, val any) {
			switch key {
			case "deck":
				t.Fatalf("spectator received the deck: %s", f.raw)
			case "hands":
				hands, _ := val.([]any)
				for i, h := range hands {
					if cards, _ := h.([]any); len(cards) > 0 {
						t.Fatalf("spectator received seat %d's hand: %s", i, f.raw)
					}
				}
			case "hand":
				if cards, _ := val.([]any); len(cards) > 0 {
					t.Fatalf("spectator's view holds a hand: %s", f.raw)
				}
			case "legal":
				t.Fatalf("spectator's view lists legal actions: %s", f.raw)
			}
		})
		if f.Type != protocol.TypeEvent && f.Type != protocol.TypeView && f.Type != protocol.TypeWelcome {
			continue
		}
		if allowed := shows(r.table, delay, finishedAt != 0 && r.table >= finishedAt); f.Seq > allowed {
			t.Fatalf("spectator shown seq %d while the table was at %d (delay %d): %.300s", f.Seq, r.table, delay, f.raw)
		}
		if f.View != nil {
			// A view is the table at one sequence: none of its cards may
			// be in a hand or the deck then. (Events name the cards played
			// in them; their only hidden cards are the deal's hands, above.
			// A hand's last entry also deals the next hand from a fresh
			// deck, so a card played in it may be hidden again after it.)
			var v any
			_ = json.Unmarshal(protocol.Encode(f.View), &v)
			walkStrings(v, func(s string) {
				if c, err := cassino.ParseCard(s); err == nil && len(s) == 2 && hidden[f.Seq][c] {
					t.Fatalf("spectator's view at seq %d shows %s, in a hand or the deck then: %.300s", f.Seq, s, f.raw)
				}
			})
			got := protocol.Encode(f.View)
			if want := views[f.Seq]; string(got) != string(want) {
				t.Fatalf("spectator's view at %d:\n%s\nthe public view of the match then:\n%s", f.Seq, got, want)
			}
		}
	}
}

func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case map[string]any:
		for _, val := range x {
			walkStrings(val, fn)
		}
	case []any:
		for _, val := range x {
			walkStrings(val, fn)
		}
	}
}

// Full matches watched by spectators who join at the start, in the
// middle, and reconnect: none ever receives a hidden card, each trails the
// table by exactly the delay, and at the end all see the final table.
func TestSpectatorsOfFullMatchesNeverSeeAHiddenCard(t *testing.T) {
	for _, tc := range []struct {
		players int
		delay   int64
	}{{2, 0}, {2, 3}, {4, 7}, {2, 40}} {
		t.Run(fmt.Sprintf("%d players delay %d", tc.players, tc.delay), func(t *testing.T) {
			tb := newTable(t, tc.players, withSpectators(room.Spectators{Allowed: true, Max: 5, Delay: tc.delay}))
			bots := tb.seatAll()
			table := func() int64 { return bots[0].lastSeq }
			early := tb.spectate(table)
			var late, restarted *spectator
			actions, finishedAt := 0, int64(0)
			for playTurn(t, bots) {
				actions++
				if bots[0].view.Finished {
					finishedAt = table()
				}
				switch actions {
				case 30:
					late = tb.spectate(table)
				case 50:
					_ = early.ws.Close()
				case 60:
					early.connect(tb.wsURL()) // with last_seq: the events it missed
				case 80:
					// A new pod rebuilds the spectators' table from the log.
					restarted = &spectator{t: t, token: tb.watch().Token, table: table}
					tb.restart()
					for _, b := range bots {
						b.connect(tb.wsURL())
					}
					restarted.connect(tb.wsURL())
					late.connect(tb.wsURL())
					early.connect(tb.wsURL())
				}
				want := shows(table(), tc.delay, bots[0].view.Finished)
				for _, s := range []*spectator{early, late, restarted} {
					if s != nil && (actions < 50 || actions >= 60 || s != early) {
						s.catchUp(want)
						if s.lastSeq != want {
							t.Fatalf("table at %d, delay %d: spectator at %d, want %d", table(), tc.delay, s.lastSeq, want)
						}
					}
				}
			}
			if finishedAt == 0 {
				t.Fatal("the match never finished")
			}
			views, hidden := tb.publicTables()
			for _, s := range []*spectator{early, late, restarted} {
				checkSpectatorFrames(t, s, tc.delay, finishedAt, views, hidden)
				if s.view == nil || !s.view.Finished || !slices.Equal(s.view.Scores, bots[0].view.Scores) {
					t.Fatalf("spectator's last view %+v; the players see scores %v", s.view, bots[0].view.Scores)
				}
			}
			if n := len(early.frames); n < actions {
				t.Fatalf("the first spectator received %d frames over %d actions", n, actions)
			}
		})
	}
}

// A spectator's action is refused with the code spectator; the log and
// the table do not change.
func TestSpectatorCannotAct(t *testing.T) {
	tb := newTable(t, 2, withSpectators(room.Spectators{Allowed: true, Max: 2}))
	bots := tb.seatAll()
	s := tb.spectate(func() int64 { return bots[0].lastSeq })
	before := tb.logLen()
	turn := bots[0]
	if !turn.myTurn() {
		turn = bots[1]
	}
	legal := turn.view.Legal[0]
	if err := s.ws.WriteJSON(map[string]any{"v": 1, "type": "action", "action_id": "w1", "action": legal}); err != nil {
		t.Fatal(err)
	}
	f := s.read()
	if f.Type != protocol.TypeError || f.Code != protocol.CodeSpectator || f.ActionID != "w1" {
		t.Fatalf("spectator's action answered %s", f.raw)
	}
	if n := tb.logLen(); n != before {
		t.Fatalf("log grew from %d to %d entries on a spectator's action", before, n)
	}
	if tb.room.Seq() != before {
		t.Fatalf("room at seq %d after a spectator's action, log holds %d", tb.room.Seq(), before)
	}
	// The seat whose turn it was still plays the same legal action.
	if ack := turn.act(turn.nextID(), legal); ack.Type != protocol.TypeAck || ack.Seq != before+1 {
		t.Fatalf("the player's own action after the spectator's: %s", ack.raw)
	}
}

// The cap holds: with max 2, a third watch is refused with spectators_full
// (409), and a third token taken before the cap filled is refused at hello;
// once a spectator leaves, a seat in the stands frees up.
func TestSpectatorCap(t *testing.T) {
	tb := newTable(t, 2, withSpectators(room.Spectators{Allowed: true, Max: 2}))
	bots := tb.seatAll()
	table := func() int64 { return bots[0].lastSeq }
	spare := tb.watch()
	a := tb.spectate(table)
	b := tb.spectate(table)
	if w := tb.watch(); w.status != http.StatusConflict || w.err.Code != protocol.CodeSpectatorsFull {
		t.Fatalf("third watch: %+v", w)
	}
	ws, _, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteJSON(map[string]any{"v": 1, "type": "hello", "token": spare.Token}); err != nil {
		t.Fatal(err)
	}
	var refused frame
	if err := ws.ReadJSON(&refused); err != nil || refused.Code != protocol.CodeSpectatorsFull {
		t.Fatalf("third spectator's hello: %+v %v", refused, err)
	}
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Fatalf("third spectator's connection: %v, want close %d", err, websocket.CloseTryAgainLater)
	}
	_ = a.ws.Close()
	deadline := time.Now().Add(5 * time.Second)
	for tb.watch().status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("a spectator left, yet watch is still refused")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c := &spectator{t: t, token: spare.Token, table: table}
	c.connect(tb.wsURL())
	_ = b
}

// A room that does not allow spectators refuses watch (403) and refuses a
// spectator token at hello, even a genuine one.
func TestSpectatorsNotAllowed(t *testing.T) {
	tb := newTable(t, 2)
	tb.seatAll()
	if w := tb.watch(); w.status != http.StatusForbidden || w.err.Code != protocol.CodeSpectatorsNotAllowed {
		t.Fatalf("watch: %+v", w)
	}
	token, _, err := tb.keyring.Issue(session.Claims{Room: roomID, PlayerID: "watch-x", Seat: -1, Role: session.RoleSpectator}, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	code, closeErr := helloWith(t, tb, token)
	if code != protocol.CodeSpectatorsNotAllowed {
		t.Fatalf("spectator hello in a room without spectators: %s", code)
	}
	if !websocket.IsCloseError(closeErr, 4003) {
		t.Errorf("after spectators_not_allowed the connection ended with %v, want close 4003", closeErr)
	}
}

// The role is signed: a player's token rewritten to a spectator's (or a
// spectator's to a seat) is refused at hello as a bad signature.
func TestTokenRoleCannotBeForged(t *testing.T) {
	tb := newTable(t, 2, withSpectators(room.Spectators{Allowed: true, Max: 2}))
	j := tb.join(`{"name":"ann"}`)
	w := tb.watch()
	for name, tok := range map[string]string{
		"player as spectator": rewriteClaims(t, j.Token, func(m map[string]any) { m["role"] = "spectator"; m["seat"] = -1 }),
		"spectator as seat 1": rewriteClaims(t, w.Token, func(m map[string]any) { delete(m, "role"); m["seat"] = 1 }),
	} {
		if code, _ := helloWith(t, tb, tok); code != protocol.CodeTokenPrefix+session.ReasonBadSignature {
			t.Errorf("%s: hello answered %s", name, code)
		}
	}
}

// Spectators are not players: the heartbeat counts only the seats'
// connections, and a spectator's coming and going is not activity, so a
// room watched by spectators alone goes idle and is collected.
func TestSpectatorsAreNotCountedInTheHeartbeat(t *testing.T) {
	tb := newTable(t, 2, withSpectators(room.Spectators{Allowed: true, Max: 3}))
	bots := tb.seatAll()
	for _, b := range bots {
		_ = b.ws.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for tb.room.Beat("pod").Connected != 0 {
		if time.Now().After(deadline) {
			t.Fatal("players' connections never closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	idleSince := tb.room.Beat("pod").LastActivity
	s := tb.spectate(func() int64 { return 1 })
	s2 := tb.spectate(func() int64 { return 1 })
	beat := tb.room.Beat("pod")
	if beat.Connected != 0 || beat.Seated != 2 || !beat.LastActivity.Equal(idleSince) {
		t.Fatalf("two spectators and no player: heartbeat %+v, want 0 connected and activity still %s", beat, idleSince)
	}
	_ = s.ws.Close()
	_ = s2.ws.Close()
}

func helloWith(t *testing.T, tb *table, token string) (code string, closeErr error) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(tb.wsURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteJSON(map[string]any{"v": 1, "type": "hello", "token": token}); err != nil {
		t.Fatal(err)
	}
	var f frame
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	_, _, closeErr = ws.ReadMessage()
	return f.Code, closeErr
}

// rewriteClaims edits a token's payload and keeps its signature: a forgery.
func rewriteClaims(t *testing.T, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := b64.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	raw, _ = json.Marshal(m)
	parts[2] = b64.EncodeToString(raw)
	return strings.Join(parts, ".")
}

var b64 = base64.RawURLEncoding

// A spectator's token is not a seat: each connection with it is one more
// spectator, counted against the cap and served on /metrics; a watch with
// a body other than {} is refused.
func TestEachSpectatorConnectionCounts(t *testing.T) {
	tb := newTable(t, 2, withSpectators(room.Spectators{Allowed: true, Max: 2}))
	bots := tb.seatAll()
	table := func() int64 { return bots[0].lastSeq }
	a := tb.spectate(table)
	twin := &spectator{t: t, token: a.token, table: table}
	twin.connect(tb.wsURL())
	if code, closeErr := helloWith(t, tb, a.token); code != protocol.CodeSpectatorsFull || !websocket.IsCloseError(closeErr, websocket.CloseTryAgainLater) {
		t.Fatalf("a third connection with one spectator token: %s, %v", code, closeErr)
	}
	resp, err := http.Get(tb.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "croupier_game_spectators 2") || !strings.Contains(string(body), "croupier_game_connected_players 2") {
		t.Fatalf("metrics with two players and two spectators:\n%s", body)
	}
	resp, err = http.Post(tb.http.URL+"/watch", "application/json", strings.NewReader(`{"seat":0}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("watch with a seat in its body: %d", resp.StatusCode)
	}
}
