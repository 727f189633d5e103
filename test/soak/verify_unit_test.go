package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/internal/chaos"
	"github.com/croupier-dev/croupier/roomcontract"
)

// fakeMatch plays a 2-seat match with the engine alone and writes its
// setup and log as a game pod does, with players that saw and were
// acknowledged everything: what verify must accept, before each case
// breaks one promise.
func fakeMatch(t *testing.T, name string) (*roomRun, []entry) {
	t.Helper()
	ctx := context.Background()
	setup := cassino.Setup{Options: cassino.DefaultOptions(2), Seed: 42}
	setup.Options.TargetScore = 11
	m, opening, err := cassino.New(setup)
	if err != nil {
		t.Fatal(err)
	}
	r := &roomRun{ns: "unit", name: name, key: "unit/" + name, seats: 2, v: &violations{}, inj: chaos.New(1, nil)}
	for s := range 2 {
		r.bots = append(r.bots, &bot{r: r, seat: s, events: map[int64]json.RawMessage{}, acks: map[string]int64{}, sent: map[string][]byte{}})
	}
	log := []entry{{seq: 1, seat: -1, actionID: "start", action: json.RawMessage(`{"type":"start"}`), events: opening}}
	for n := 1; !m.Finished(); n++ {
		seat := m.Turn()
		a := cassino.Greedy(m.View(seat))
		events, err := m.Apply(seat, a)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(a)
		log = append(log, entry{seq: int64(len(log) + 1), seat: seat, actionID: fmt.Sprintf("s%d-%d", seat, n), action: raw, events: events})
	}
	for _, e := range log {
		for _, b := range r.bots {
			redacted := make([]cassino.Event, len(e.events))
			for i, ev := range e.events {
				redacted[i] = ev.For(b.seat)
			}
			b.events[e.seq], _ = json.Marshal(redacted)
		}
		if e.seat >= 0 {
			r.bots[e.seat].sent[e.actionID] = []byte("{}")
			r.bots[e.seat].acks[e.actionID] = e.seq
		}
	}
	for _, b := range r.bots {
		v := m.View(b.seat)
		b.final = &v
	}
	r.state.Store(finished)
	keys := roomcontract.For(r.ns, r.name)
	raw, _ := json.Marshal(setup)
	plat.RedisCli.Set(ctx, keys.Setup(), raw, 0)
	t.Cleanup(func() { plat.RedisCli.Del(ctx, keys.Setup(), keys.Log()) })
	writeLog(t, r, log)
	return r, log
}

func writeLog(t *testing.T, r *roomRun, log []entry) {
	t.Helper()
	ctx := context.Background()
	key := roomcontract.For(r.ns, r.name).Log()
	plat.RedisCli.Del(ctx, key)
	for i, e := range log {
		events, _ := json.Marshal(e.events)
		err := plat.RedisCli.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: fmt.Sprintf("%d-0", i+1), Values: []string{
			"action_id", e.actionID, "seat", fmt.Sprint(e.seat), "action", string(e.action), "events", string(events)}}).Err()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyAcceptsAMatchPlayedAsPromised(t *testing.T) {
	r, log := fakeMatch(t, "honest")
	g := NewWithT(t)
	g.Expect(verify(context.Background(), r)).To(Equal(len(log) - 1))
	g.Expect(r.v.all()).To(BeEmpty())
}

func TestVerifyCatchesEachBrokenPromise(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(r *roomRun, log []entry) []entry
		says  string
	}{
		{"an acknowledged action missing from the log", func(r *roomRun, log []entry) []entry {
			r.bots[0].acks["s0-999"] = 3
			return log
		}, "action s0-999 acknowledged at seq 3 is in the log at []"},
		{"an action logged twice", func(r *roomRun, log []entry) []entry {
			return append(log, entry{seat: log[1].seat, actionID: log[1].actionID, action: log[1].action, events: log[1].events})
		}, "logged 2 times"},
		{"an entry nobody sent", func(r *roomRun, log []entry) []entry {
			delete(r.bots[log[2].seat].sent, log[2].actionID)
			delete(r.bots[log[2].seat].acks, log[2].actionID)
			return log
		}, "which its player never sent"},
		{"an entry the engine would not have logged", func(r *roomRun, log []entry) []entry {
			log[3].events = log[4].events
			return log
		}, "entry 4 replays to"},
		{"a hand leaked to another seat", func(r *roomRun, log []entry) []entry {
			r.bots[1].events[1], _ = json.Marshal(log[0].events)
			return log
		}, "seat 1: at seq 1 received"},
		{"a final view that is not the replay's", func(r *roomRun, log []entry) []entry {
			r.bots[0].final.Scores = []int{99, 0}
			return log
		}, "seat 0: final view"},
		{"a match that did not end", func(r *roomRun, log []entry) []entry {
			return log[:len(log)-1]
		}, "the replay of its log did not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.ReplaceAll(tc.name, " ", "-")
			r, log := fakeMatch(t, name)
			writeLog(t, r, tc.spoil(r, log))
			verify(context.Background(), r)
			NewWithT(t).Expect(strings.Join(r.v.all(), "\n")).To(ContainSubstring(tc.says))
		})
	}
}
