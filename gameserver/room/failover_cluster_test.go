package room_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/internal/rediscluster"
)

// The room's primary dies mid-match and its replica takes over: the same
// room (no pod restart) keeps playing on the promoted replica, and every
// action acknowledged before the kill is still in the log.
func TestAMatchGoesOnAfterAFailover(t *testing.T) {
	ctx := context.Background()
	c := rediscluster.Start(t)
	rdb := c.Client(t)
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	_, conns := seat(t, r, 2)
	ref, _, err := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	// play sends the next action until it is acknowledged (a player
	// resends with the same action_id after an error).
	play := func(within time.Duration) {
		t.Helper()
		s := ref.Turn()
		a := cassino.Greedy(ref.View(s))
		id := fmt.Sprintf("a%d", n)
		for end := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
			before := len(framesOf(conns[s]))
			r.Act(ctx, s, conns[s], protocol.Act{ActionID: id, Action: a})
			if acked(framesOf(conns[s])[before:], id) {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("action %s not acknowledged: last frame %v", id, lastFrame(t, conns[s]))
			}
		}
		if _, err := ref.Apply(s, a); err != nil {
			t.Fatal(err)
		}
		n++
	}
	for range 10 {
		play(0)
	}

	// Every acknowledged action reached the replica before the kill (the
	// window of loss without WAIT is the actionlog tests' subject).
	primary, err := c.PrimaryOf(ctx, keys.Log())
	if err != nil {
		t.Fatal(err)
	}
	replica, err := c.ReplicaOf(ctx, primary)
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		p, _ := primary.Info(ctx, "replication")
		q, _ := replica.Info(ctx, "replication")
		if p["master_repl_offset"] != "" && p["master_repl_offset"] == q["slave_repl_offset"] {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the replica did not catch up")
		}
	}
	primary.Kill()
	if _, err := c.WaitPromoted(ctx, keys.Log(), primary); err != nil {
		t.Fatal(err)
	}

	for !ref.Finished() {
		play(30 * time.Second)
	}
	if got := rdb.XLen(ctx, keys.Log()).Val(); got != int64(n+1) {
		t.Fatalf("log holds %d entries after %d actions and the start", got, n)
	}
}

func framesOf(c *fakeConn) [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.frames...)
}

func acked(frames [][]byte, id string) bool {
	for _, f := range frames {
		var m map[string]any
		if json.Unmarshal(f, &m) == nil && m["type"] == "ack" && m["action_id"] == id {
			return true
		}
	}
	return false
}
