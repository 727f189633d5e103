package housebot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

var keys = roomcontract.For("games", "solo")

// pod is a game pod under test: its room and its bots over a real
// redis-server, optionally with its HTTP server. Two pods over the same
// Redis are a pod and the one replacing it.
type pod struct {
	room   *room.Room
	http   *httptest.Server
	cancel context.CancelFunc
	done   chan struct{}
}

type podConfig struct {
	opts  cassino.Options
	bots  housebot.Config
	after func(time.Duration) <-chan time.Time // nil: bots play at once
	now   func() time.Time                     // nil: time.Now
	serve bool                                 // with the websocket server
	// standIn: an away player's turns are played after this long.
	standIn time.Duration
}

func startPod(t *testing.T, rdb redis.UniversalClient, pc podConfig) *pod {
	t.Helper()
	if pc.after == nil {
		pc.after = now
	}
	rm, err := room.Open(context.Background(), room.Config{
		Keys: keys, Options: pc.opts, Redis: rdb, Log: logr.Discard(), Now: pc.now,
		Seed: func() (int64, error) { return 7, nil }, StandInAfter: pc.standIn,
	})
	if err != nil {
		t.Fatalf("open room: %v", err)
	}
	bots := housebot.New(housebot.Options{Room: rm, Config: pc.bots, Players: pc.opts.Players, Log: logr.Discard(), After: pc.after, StandIn: pc.standIn > 0})
	if err := bots.Seat(context.Background()); err != nil {
		t.Fatalf("seat bots: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &pod{room: rm, cancel: cancel, done: make(chan struct{})}
	go func() { bots.Run(ctx); close(p.done) }()
	if pc.serve {
		kr, err := session.NewKeyring(map[string][]byte{"k1": bytes.Repeat([]byte("k"), 32)})
		if err != nil {
			t.Fatal(err)
		}
		srv := wsserver.New(wsserver.Config{
			RoomID: keys.Namespace + "/" + keys.Name, Keys: func() *session.Keyring { return kr },
			SessionTTL: time.Hour, Redis: rdb, Log: logr.Discard(),
			RatePerSec: 1000, RateBurst: 1000,
		})
		srv.SetRoom(rm)
		p.http = httptest.NewServer(srv.Handler())
	}
	t.Cleanup(p.stop)
	return p
}

// stop ends the pod's bots (and server) and waits for them: the pod died.
func (p *pod) stop() {
	p.cancel()
	<-p.done
	if p.http != nil {
		p.http.CloseClientConnections()
		p.http.Close()
	}
}

// now is a think time that is already over.
func now(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Now()
	return c
}

// heldClock hands each think-time timer to the test, which fires it: the
// test decides when a bot's delay is over and sees what delay it asked for.
type heldClock struct{ timers chan heldTimer }

type heldTimer struct {
	d    time.Duration
	fire chan time.Time
}

func newHeldClock() *heldClock { return &heldClock{timers: make(chan heldTimer)} }

func (c *heldClock) after(d time.Duration) <-chan time.Time {
	t := heldTimer{d: d, fire: make(chan time.Time, 1)}
	c.timers <- t
	return t.fire
}

// next is the next timer a bot starts.
func (c *heldClock) next(t *testing.T) heldTimer {
	t.Helper()
	select {
	case tm := <-c.timers:
		return tm
	case <-time.After(10 * time.Second):
		t.Fatal("no bot started its think time")
		return heldTimer{}
	}
}

// eventually polls cond until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// logEntries reads the whole action log and checks what a replaced pod
// must never break: sequences from 1 without a gap, and each bot move
// logged once, under the id of its seat and the sequence it answered.
func logEntries(t *testing.T, rdb redis.UniversalClient, bots []int) []actionlog.Entry {
	t.Helper()
	entries, err := actionlog.New(rdb, keys).After(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	isBot := map[int]bool{}
	for _, s := range bots {
		isBot[s] = true
	}
	ids := map[string]int64{}
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has sequence %d: a gap or a repeat", i, e.Seq)
		}
		if !isBot[e.Seat] {
			continue
		}
		if want := housebot.ActionID(e.Seat, e.Seq-1); e.ActionID != want {
			t.Fatalf("bot move at %d has id %q, want %q", e.Seq, e.ActionID, want)
		}
		if at, dup := ids[e.ActionID]; dup {
			t.Fatalf("bot action %q logged at %d and %d", e.ActionID, at, e.Seq)
		}
		ids[e.ActionID] = e.Seq
	}
	return entries
}

// fakeConn is a connected person as the room sees one; it keeps the
// latest view the room sent.
type fakeConn struct {
	mu    sync.Mutex
	view  *cassino.View
	err   string // the last error frame
	acked string // the action id of the last ack
	// seated are the players of the last welcome.
	seated []protocol.Player
}

func (c *fakeConn) Send(frame []byte) bool {
	var f struct {
		Type, Code, Message string
		ActionID            string `json:"action_id"`
		View                *cassino.View
		Players             []protocol.Player
	}
	if err := json.Unmarshal(frame, &f); err != nil {
		panic(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch f.Type {
	case protocol.TypeError:
		c.err = f.Code + ": " + f.Message
	case protocol.TypeAck:
		c.acked = f.ActionID
	case protocol.TypeWelcome:
		c.seated = f.Players
	}
	if f.View != nil {
		c.view = f.View
	}
	return true
}

// turn is the person's view when it is their turn.
func (c *fakeConn) turn(seat int) (cassino.View, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.view == nil || c.view.Finished || c.view.Turn != seat || len(c.view.Legal) == 0 {
		return cassino.View{}, false
	}
	return *c.view, true
}

func (c *fakeConn) finished() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view != nil && c.view.Finished
}

func (c *fakeConn) Close(int, string) {}

// person joins the room at the first free seat and connects.
func person(t *testing.T, rm *room.Room, name string) (seating.Player, *fakeConn) {
	t.Helper()
	p, err := rm.Join(context.Background(), name, -1)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	return p, connect(t, rm, p)
}

// connect attaches a new connection of the seated person p.
func connect(t *testing.T, rm *room.Room, p seating.Player) *fakeConn {
	t.Helper()
	c := &fakeConn{}
	if err := rm.Attach(context.Background(), p.ID, p.Seat, nil, c); err != nil {
		t.Fatalf("attach: %v", err)
	}
	return c
}

// waitTurn waits until it is the person's turn (true) or the match is over.
func waitTurn(t *testing.T, c *fakeConn, seat int) (cassino.View, bool) {
	t.Helper()
	var v cassino.View
	var mine bool
	eventually(t, "the person's turn or the end", func() bool {
		v, mine = c.turn(seat)
		return mine || c.finished()
	})
	return v, mine
}

// move plays the person's turn greedily.
func move(t *testing.T, rm *room.Room, seat int, c *fakeConn, v cassino.View) {
	t.Helper()
	id := fmt.Sprintf("me-%d", rm.Seq())
	rm.Act(context.Background(), seat, c, protocol.Act{ActionID: id, Action: cassino.Greedy(v)})
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.acked != id {
		t.Fatalf("the person's move %s was not played: %s", id, c.err)
	}
}

// playOut plays the person's turns until the match is over.
func playOut(t *testing.T, rm *room.Room, seat int, c *fakeConn) {
	t.Helper()
	for {
		v, mine := waitTurn(t, c, seat)
		if !mine {
			return
		}
		move(t, rm, seat, c, v)
	}
}

// nextBotTimer plays the person's turns until a bot starts thinking, and
// returns that bot's think-time timer, not yet fired.
func nextBotTimer(t *testing.T, rm *room.Room, seat int, c *fakeConn, clock *heldClock) heldTimer {
	t.Helper()
	var tm heldTimer
	eventually(t, "a bot thinking", func() bool {
		select {
		case tm = <-clock.timers:
			return true
		default:
		}
		if v, mine := c.turn(seat); mine {
			move(t, rm, seat, c, v)
		}
		return false
	})
	return tm
}

func (c *fakeConn) latest() *cassino.View {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view
}

// autoFire fires every timer of the clock from now on.
func autoFire(t *testing.T, c *heldClock) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case tm := <-c.timers:
				tm.fire <- time.Now()
			case <-stop:
				return
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}
