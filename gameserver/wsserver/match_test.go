package wsserver_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

func TestFullMatchOverWebsockets(t *testing.T) {
	for _, players := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d players", players), func(t *testing.T) {
			tb := newTable(t, players)
			bots := tb.seatAll()
			actions := 0
			for playTurn(t, bots) {
				actions++
			}
			want, wantActions := reference(t, tb.opts, tb.seed)
			if actions != wantActions {
				t.Fatalf("%d actions over websockets, %d in the engine alone", actions, wantActions)
			}
			for _, b := range bots {
				if !slices.Equal(b.view.Scores, want.Scores) || !slices.Equal(b.view.Winners, want.Winners) {
					t.Fatalf("seat %d sees scores %v winners %v, want %v %v", b.seat, b.view.Scores, b.view.Winners, want.Scores, want.Winners)
				}
				// Bots connect after the last join started the match: they
				// get the opening as a view, then one event per action.
				if b.events != actions {
					t.Fatalf("seat %d received %d events, want %d", b.seat, b.events, actions)
				}
			}
			if n := tb.logLen(); n != int64(actions+1) {
				t.Fatalf("log holds %d entries, want %d", n, actions+1)
			}
		})
	}
}

func TestKillAndRestartMidMatchFinishesLikeAnUninterruptedMatch(t *testing.T) {
	tb := newTable(t, 2)
	bots := tb.seatAll()
	actions, lost, landed := 0, 0, 0
	for turn := 0; playTurn(t, bots); turn++ {
		actions++
		if turn%37 != 36 {
			continue
		}
		// Crash while a client is mid-send: its action reaches the server
		// (or not) but it never sees the answer, and resends it after
		// reconnecting with the same action id.
		var resend *bot
		var id string
		var action cassino.Action
		crashFirst := (turn/37)%2 == 1
		if crashFirst {
			tb.stop()
		}
		for _, b := range bots {
			if b.myTurn() {
				resend, id, action = b, b.nextID(), cassino.Greedy(*b.view)
				// The write may fail when the pod is already gone.
				_ = b.ws.WriteJSON(map[string]any{"v": 1, "type": "action", "action_id": id, "action": action})
			}
		}
		if crashFirst {
			tb.start()
		} else {
			tb.restart()
		}
		for _, b := range bots {
			b.connect(tb.wsURL())
		}
		if resend != nil && resend.myTurn() {
			ack := resend.act(id, action)
			if ack.Type != "ack" {
				t.Fatalf("resent action after restart: %s", ack.raw)
			}
			for _, o := range bots {
				o.catchUp(ack.Seq)
			}
			actions++
			lost++
		} else if resend != nil {
			// The action landed before the crash; the resend gets its ack.
			ack := resend.act(id, action)
			if ack.Type != "ack" || !ack.Duplicate || ack.Seq > resend.lastSeq {
				t.Fatalf("resend of a logged action: %s", ack.raw)
			}
			actions++
			landed++
		}
	}
	t.Logf("restarts: %d actions lost in flight and resent, %d landed before the crash", lost, landed)
	want, wantActions := reference(t, tb.opts, tb.seed)
	if actions != wantActions {
		t.Fatalf("%d actions across restarts, %d uninterrupted", actions, wantActions)
	}
	for _, b := range bots {
		if !slices.Equal(b.view.Scores, want.Scores) || !slices.Equal(b.view.Winners, want.Winners) {
			t.Fatalf("seat %d: scores %v winners %v after restarts, uninterrupted %v %v", b.seat, b.view.Scores, b.view.Winners, want.Scores, want.Winners)
		}
	}
	if n := tb.logLen(); n != int64(wantActions+1) {
		t.Fatalf("log holds %d entries, want %d: an action was lost or duplicated", n, wantActions+1)
	}
}
