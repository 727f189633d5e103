package wsserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/wsserver"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// getReplay fetches GET /replay and returns the status and body.
func (tb *table) getReplay() (int, []byte) {
	tb.t.Helper()
	resp, err := http.Get(tb.http.URL + "/replay")
	if err != nil {
		tb.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.t.Fatalf("read replay: %v", err)
	}
	return resp.StatusCode, body
}

// replayMatch is a finished match's replay as a client reads it, decoded
// without the room package: the format of docs/REPLAY.md.
type replayMatch struct {
	Version int           `json:"version"`
	Room    string        `json:"room"`
	Setup   cassino.Setup `json:"setup"`
	Players []struct {
		Seat int    `json:"seat"`
		Name string `json:"name"`
	} `json:"players"`
	Entries []struct {
		Seq    int64           `json:"seq"`
		Seat   int             `json:"seat"`
		Events []cassino.Event `json:"events"`
		Table  struct {
			Hands    [][]cassino.Card `json:"hands"`
			Finished bool             `json:"finished"`
			Scores   []int            `json:"scores"`
		} `json:"table"`
	} `json:"entries"`
}

// refold folds the replay's events through the engine from its setup.
func (rp replayMatch) refold(t *testing.T) *cassino.Match {
	t.Helper()
	var events []cassino.Event
	for _, e := range rp.Entries {
		events = append(events, e.Events...)
	}
	m, err := cassino.Replay(rp.Setup, events)
	if err != nil {
		t.Fatalf("the replay does not fold: %v", err)
	}
	return m
}

// recovered is the pod's durable final state: its latest snapshot in
// Redis plus the log after it, as a new pod would recover it.
func (tb *table) recovered() []byte {
	tb.t.Helper()
	ctx := context.Background()
	log := actionlog.New(tb.rdb, keys)
	snap, ok, err := log.LoadSnapshot(ctx)
	if err != nil || !ok {
		tb.t.Fatalf("no snapshot in Redis (ok=%v): %v", ok, err)
	}
	m, err := cassino.Restore(snap.State)
	if err != nil {
		tb.t.Fatal(err)
	}
	rest, err := log.After(ctx, snap.Seq)
	if err != nil {
		tb.t.Fatal(err)
	}
	for _, e := range rest {
		var evs []cassino.Event
		if err := json.Unmarshal(e.Events, &evs); err != nil {
			tb.t.Fatal(err)
		}
		if err := m.Evolve(evs...); err != nil {
			tb.t.Fatal(err)
		}
	}
	b, err := m.Snapshot()
	if err != nil {
		tb.t.Fatal(err)
	}
	return b
}

func TestReplayOfAFinishedMatchFoldsIntoItsFinalState(t *testing.T) {
	for _, players := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d players", players), func(t *testing.T) {
			tb := newTable(t, players, withRoom(func(c *room.Config) { c.SnapshotEvery = 10 }))
			bots := tb.seatAll()
			for playTurn(t, bots) {
			}
			status, first := tb.getReplay()
			if status != http.StatusOK {
				t.Fatalf("replay of a finished match: %d %s", status, first)
			}
			// A pod that replaces the finished room's pod (the operator
			// starts one while the room exists) serves the same replay.
			tb.restart()
			status, body := tb.getReplay()
			if status != http.StatusOK || !bytes.Equal(body, first) {
				t.Fatalf("replay from the replacement pod: %d, same bytes: %v", status, bytes.Equal(body, first))
			}
			var rp replayMatch
			if err := json.Unmarshal(body, &rp); err != nil {
				t.Fatalf("replay is not JSON: %v", err)
			}
			if rp.Version != 1 || rp.Room != roomID || rp.Setup.Seed != tb.seed || len(rp.Players) != players {
				t.Fatalf("replay head: version %d room %q seed %d players %+v", rp.Version, rp.Room, rp.Setup.Seed, rp.Players)
			}
			for i, p := range rp.Players {
				if p.Seat != i || p.Name != fmt.Sprintf("bot %d", i) {
					t.Fatalf("player %d: %+v", i, p)
				}
			}
			if int64(len(rp.Entries)) != tb.room.Seq() {
				t.Fatalf("replay has %d entries, the room %d", len(rp.Entries), tb.room.Seq())
			}
			for i, e := range rp.Entries {
				if e.Seq != int64(i+1) {
					t.Fatalf("entry %d has seq %d", i, e.Seq)
				}
			}
			m := rp.refold(t)
			got, err := m.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if want := tb.recovered(); !bytes.Equal(got, want) {
				t.Fatalf("the replay folds into\n%s\nthe pod ended at\n%s", got, want)
			}
			// Every seat's last view, as the pod sent it, is the fold's.
			for _, b := range bots {
				want, _ := json.Marshal(b.view)
				got, _ := json.Marshal(m.View(b.seat))
				if !bytes.Equal(got, want) {
					t.Fatalf("seat %d saw\n%s\nthe replay folds into\n%s", b.seat, want, got)
				}
			}
			// Every hand is face up: the last table shows what each seat
			// held, and the first shows every dealt hand.
			last := rp.Entries[len(rp.Entries)-1].Table
			if !last.Finished || len(last.Hands) != players {
				t.Fatalf("last table: %+v", last)
			}
			for s, h := range rp.Entries[0].Table.Hands {
				if want := 4; len(h) != want {
					t.Fatalf("opening table: seat %d shows %d cards, want %d face up", s, len(h), want)
				}
			}
			// Names only: no player id (nor token) is in a replay.
			seated, err := tb.roomPlayers()
			if err != nil || len(seated) != players {
				t.Fatalf("players %v: %v", seated, err)
			}
			for _, p := range seated {
				if bytes.Contains(body, []byte(p.ID)) {
					t.Fatalf("the replay holds seat %d's player id", p.Seat)
				}
			}
			for _, b := range bots {
				if bytes.Contains(body, []byte(b.token)) {
					t.Fatalf("the replay holds seat %d's token", b.seat)
				}
			}
			// The package's own reader agrees: every table checks out.
			if _, _, err := room.ReadReplay(bytes.NewReader(body)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestReplayBeforeTheEndIsRefusedAndChangesNothing(t *testing.T) {
	tb := newTable(t, 2)
	status, body := tb.getReplay()
	var refusal httpjson.Refusal
	if err := json.Unmarshal(body, &refusal); err != nil || status != http.StatusConflict || refusal.Code != wsserver.CodeMatchInProgress {
		t.Fatalf("replay of a room still waiting for players: %d %s", status, body)
	}
	bots := tb.seatAll()
	for range 15 {
		playTurn(t, bots)
	}
	ctx := context.Background()
	dump := func() map[string]string {
		out := map[string]string{}
		for _, k := range keys.All() {
			out[k] = tb.rdb.Dump(ctx, k).Val()
		}
		return out
	}
	before, seq := dump(), tb.room.Seq()
	status, body = tb.getReplay()
	if err := json.Unmarshal(body, &refusal); err != nil || status != http.StatusConflict || refusal.Code != wsserver.CodeMatchInProgress {
		t.Fatalf("replay mid-match: %d %s", status, body)
	}
	if bytes.Contains(body, []byte(`"entries"`)) {
		t.Fatalf("a refused replay leaked entries: %s", body)
	}
	after := dump()
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("key %s changed under a refused replay", k)
		}
	}
	if tb.room.Seq() != seq {
		t.Fatalf("room moved from %d to %d", seq, tb.room.Seq())
	}
	for playTurn(t, bots) {
	}
	if status, body := tb.getReplay(); status != http.StatusOK {
		t.Fatalf("replay once finished: %d %s", status, body)
	}
}

// A long match keeps its whole log past many snapshots, and its replay
// holds every entry.
func TestLongMatchKeepsItsWholeLog(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a long match")
	}
	tb := newTable(t, 2, withOptions(func(o *cassino.Options) { o.TargetScore = 150 }))
	bots := tb.seatAll()
	for playTurn(t, bots) {
	}
	seq := tb.room.Seq()
	if seq <= 1000 {
		t.Fatalf("the match logged %d entries; the test needs more than 1,000", seq)
	}
	if n := tb.logLen(); n != seq {
		t.Fatalf("log holds %d entries after %d: it was trimmed", n, seq)
	}
	if snap, _ := tb.rdb.HGet(context.Background(), keys.Snapshot(), "seq").Int64(); snap < 1000 {
		t.Fatalf("latest snapshot at %d; the test needs snapshots past 1,000", snap)
	}
	status, body := tb.getReplay()
	if status != http.StatusOK {
		t.Fatalf("replay: %d %s", status, body)
	}
	var rp replayMatch
	if err := json.Unmarshal(body, &rp); err != nil || int64(len(rp.Entries)) != seq {
		t.Fatalf("replay of %d entries, want %d (%v)", len(rp.Entries), seq, err)
	}
	got, _ := rp.refold(t).Snapshot()
	if !bytes.Equal(got, tb.recovered()) {
		t.Fatal("the long replay folds into another state than the pod's")
	}
	t.Logf("%d entries, replay %d bytes", seq, len(body))
}

// A log that lost an entry cannot be folded: the client must never get a
// replay that looks whole. Found before anything was sent, it is a 500;
// found after part of the replay went out, the connection is cut.
func TestReplayOfADamagedLogIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		missing string
		cut     bool
	}{{"found before sending", "20-0", false}, {"found after sending part", "150-0", true}} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTable(t, 2, withOptions(func(o *cassino.Options) { o.TargetScore = 40 }))
			bots := tb.seatAll()
			for playTurn(t, bots) {
			}
			if err := tb.rdb.XDel(context.Background(), keys.Log(), tc.missing).Err(); err != nil {
				t.Fatal(err)
			}
			resp, err := http.Get(tb.http.URL + "/replay")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			var refusal httpjson.Refusal
			if tc.cut {
				if resp.StatusCode != http.StatusOK || err == nil {
					t.Fatalf("want a cut connection: %d, %d bytes, read error %v", resp.StatusCode, len(body), err)
				}
				return
			}
			if err != nil || resp.StatusCode != http.StatusInternalServerError || json.Unmarshal(body, &refusal) != nil || refusal.Code != wsserver.CodeInternal {
				t.Fatalf("want 500 internal: %d %s, read error %v", resp.StatusCode, body, err)
			}
		})
	}
}

func TestReplayRefusalsOfABusyOrRecoveringPod(t *testing.T) {
	tb := newTable(t, 2, withOptions(func(o *cassino.Options) { o.TargetScore = 5 }))
	bots := tb.seatAll()
	for playTurn(t, bots) {
	}
	release := wsserver.HoldReplaySlots()
	resp, err := http.Get(tb.http.URL + "/replay")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var refusal httpjson.Refusal
	if err := json.Unmarshal(body, &refusal); err != nil || resp.StatusCode != http.StatusServiceUnavailable ||
		refusal.Code != wsserver.CodeReplayBusy || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("replay with every slot taken: %d %s Retry-After %q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	release()
	if status, body := tb.getReplay(); status != http.StatusOK {
		t.Fatalf("replay once the slots are free: %d %s", status, body)
	}

	recovering := httptest.NewServer(wsserver.New(wsserver.Config{RoomID: roomID, Redis: tb.rdb}).Handler())
	defer recovering.Close()
	resp, err = http.Get(recovering.URL + "/replay")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(body, &refusal); err != nil || resp.StatusCode != http.StatusServiceUnavailable || refusal.Code != wsserver.CodeNotReady {
		t.Fatalf("replay from a pod still recovering: %d %s", resp.StatusCode, body)
	}
}
