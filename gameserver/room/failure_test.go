package room_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// scriptHook interferes with the action log's script calls: replay runs
// each twice (go-redis retrying after a lost reply); lose runs the next
// one and then reports a timeout, as if the reply never came.
type scriptHook struct {
	replay bool
	lose   atomic.Int32
}

func (*scriptHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (*scriptHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *scriptHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name != "evalsha" && name != "eval" {
			return next(ctx, cmd)
		}
		err := next(ctx, cmd)
		if err != nil {
			return err
		}
		if h.replay {
			return next(ctx, cmd)
		}
		if h.lose.Load() > 0 && cmd.Args()[3] == "croupier:{games/r1}:dedup" {
			h.lose.Add(-1)
			lost := errors.New("i/o timeout")
			cmd.SetErr(lost)
			return lost
		}
		return nil
	}
}

func lastFrame(tb testing.TB, c *fakeConn) map[string]any {
	tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var m map[string]any
	if err := json.Unmarshal(c.frames[len(c.frames)-1], &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestScriptRetriedByTheClientLibraryIsLoggedOnce(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	rdb.AddHook(&scriptHook{replay: true})
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	_, conns := seat(t, r, 2)
	actions := playOut(t, r, opts, conns)
	if n := rdb.XLen(context.Background(), keys.Log()).Val(); n != int64(actions+1) {
		t.Fatalf("log has %d entries for %d actions", n, actions)
	}
}

// lossyTable is a seated 2-player room whose Redis client loses the
// replies hook.lose says, beside the reference match it should follow.
func lossyTable(t *testing.T) (redis.UniversalClient, *scriptHook, *room.Room, []*fakeConn, *cassino.Match) {
	t.Helper()
	rdb := redisserver.Pick(t).Client(t)
	hook := &scriptHook{}
	rdb.AddHook(hook)
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	_, conns := seat(t, r, 2)
	ref, _, _ := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	return rdb, hook, r, conns, ref
}

func TestLostReplyThenResendIsPlayedOnce(t *testing.T) {
	rdb, hook, r, conns, ref := lossyTable(t)
	ctx := context.Background()
	for i := range 10 {
		s := ref.Turn()
		a := cassino.Greedy(ref.View(s))
		act := protocol.Act{ActionID: fmt.Sprintf("a%d", i), Action: a}
		if i%3 == 1 {
			hook.lose.Store(1)
			r.Act(ctx, s, conns[s], act)
			if f := lastFrame(t, conns[s]); f["type"] != "error" || f["code"] != "outcome_unknown" {
				t.Fatalf("lost reply answered %v, want outcome_unknown", f)
			}
		}
		r.Act(ctx, s, conns[s], act) // the client resends with the same id
		f := lastFrame(t, conns[s])
		if i%3 == 1 {
			// The resend triggers a reload; the seat's last frame is its
			// event, after the ack.
			conns[s].mu.Lock()
			var ack map[string]any
			for _, raw := range conns[s].frames {
				var m map[string]any
				_ = json.Unmarshal(raw, &m)
				if m["type"] == "ack" && m["action_id"] == act.ActionID {
					ack = m
				}
			}
			conns[s].mu.Unlock()
			if ack == nil || ack["duplicate"] != true || int64(ack["seq"].(float64)) != int64(i+2) {
				t.Fatalf("resend after a lost reply: ack %v, want the original seq %d as a duplicate", ack, i+2)
			}
		} else if f["type"] != "event" {
			t.Fatalf("action %d: last frame %v", i, f)
		}
		if _, err := ref.Apply(s, a); err != nil {
			t.Fatal(err)
		}
	}
	if n := rdb.XLen(ctx, keys.Log()).Val(); n != 11 {
		t.Fatalf("log has %d entries, want 11", n)
	}
	if r.Seq() != 11 {
		t.Fatalf("room at %d, want 11", r.Seq())
	}
}

// lateScriptHook loses the next append: it reports a timeout without
// running it, and runs it just before the next append of the same
// action id, as a frozen Redis runs what it had received once it wakes.
type lateScriptHook struct {
	mu      sync.Mutex
	lose    bool
	pending redis.Cmder
}

func (*lateScriptHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (*lateScriptHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *lateScriptHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); (name != "evalsha" && name != "eval") || cmd.Args()[3] != keys.Dedup() {
			return next(ctx, cmd)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.lose {
			h.lose, h.pending = false, cmd
			lost := errors.New("i/o timeout")
			cmd.SetErr(lost)
			return lost
		}
		if h.pending != nil && cmd.Args()[6] == h.pending.Args()[6] {
			_ = next(ctx, h.pending)
			h.pending = nil
		}
		return next(ctx, cmd)
	}
}

// A resend under a used action_id is the first action, whatever it
// carries. Here the first attempt's outcome is unknown and it lands only
// after the room reloaded, so the resend (with another card) is decided
// on the old state and finds the first in the log right after it: it
// gets the original ack, and the room applies the logged entry, not the
// resend's play.
func TestResendWithADifferentActionAppliesTheLoggedOne(t *testing.T) {
	rdb := redisserver.Pick(t).Client(t)
	hook := &lateScriptHook{}
	rdb.AddHook(hook)
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	_, conns := seat(t, r, 2)
	ref, _, _ := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	s := ref.Turn()
	legal := ref.View(s).Legal
	first, other := legal[0], legal[0]
	for _, a := range legal {
		if a.Card != first.Card {
			other = a
			break
		}
	}
	if other.Card == first.Card {
		t.Fatal("one card to play; pick another seed")
	}
	ctx := context.Background()
	hook.lose = true
	r.Act(ctx, s, conns[s], protocol.Act{ActionID: "x", Action: first})
	if f := lastFrame(t, conns[s]); f["code"] != "outcome_unknown" {
		t.Fatalf("lost reply answered %v", f)
	}
	r.Act(ctx, s, conns[s], protocol.Act{ActionID: "x", Action: other})

	var ack map[string]any
	conns[s].mu.Lock()
	for _, raw := range conns[s].frames {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		if m["type"] == "ack" {
			ack = m
		}
	}
	conns[s].mu.Unlock()
	if ack == nil || ack["duplicate"] != true || ack["seq"] != float64(2) {
		t.Fatalf("resend with another card: ack %v, want the original (seq 2, duplicate)", ack)
	}
	// The other seat saw the logged play, and the room's state is the log's.
	var ev struct {
		Seq    int64
		Events []cassino.Event
	}
	if err := json.Unmarshal(conns[1-s].frames[len(conns[1-s].frames)-1], &ev); err != nil || ev.Seq != 2 {
		t.Fatalf("other seat's last frame: seq %d, %v", ev.Seq, err)
	}
	if len(ev.Events) == 0 || ev.Events[0].Card != first.Card {
		t.Fatalf("entry 2 was broadcast as %s, want the logged play of %s", conns[1-s].frames[len(conns[1-s].frames)-1], first.Card)
	}
	if _, err := ref.Apply(s, first); err != nil {
		t.Fatal(err)
	}
	next := ref.Turn()
	r.Act(ctx, next, conns[next], protocol.Act{ActionID: "y", Action: cassino.Greedy(ref.View(next))})
	if f := lastFrame(t, conns[next]); f["type"] != "event" || f["seq"] != float64(3) {
		t.Fatalf("the next play after the resend: %v", f)
	}
}

// After a write whose outcome was lost, the room reloads from the log as
// soon as Redis answers its next check, and sends every seat a fresh view
// (docs/PROTOCOL.md, view): the table learns that the move was played
// without waiting for anyone's next message.
func TestLostReplyIsFollowedByAFreshViewForEverySeat(t *testing.T) {
	rdb, hook, r, conns, ref := lossyTable(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	s := ref.Turn()
	hook.lose.Store(1)
	r.Act(ctx, s, conns[s], protocol.Act{ActionID: "lost", Action: cassino.Greedy(ref.View(s))})
	if f := lastFrame(t, conns[s]); f["code"] != protocol.CodeOutcomeUnknown {
		t.Fatalf("lost reply answered %v, want %s", f, protocol.CodeOutcomeUnknown)
	}
	stored := rdb.XLen(ctx, keys.Log()).Val() // the action did land
	go r.RunHeartbeat(ctx, "r1-game", 50*time.Millisecond)
	for seat, c := range conns {
		deadline := time.Now().Add(5 * time.Second)
		for {
			if v := lastOfType(t, c, "view"); v["seq"] == float64(stored) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("seat %d got no view at seq %d after Redis answered again", seat, stored)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
