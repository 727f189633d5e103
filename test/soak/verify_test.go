package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/roomcontract"
)

// entry is one entry of a room's action log.
type entry struct {
	seq      int64
	seat     int
	actionID string
	action   json.RawMessage
	events   []cassino.Event
}

// readLog reads the room's setup and whole action log from Redis.
func readLog(ctx context.Context, r *roomRun) (cassino.Setup, []entry, error) {
	keys := roomcontract.For(r.ns, r.name)
	var setup cassino.Setup
	raw, err := plat.RedisCli.Get(ctx, keys.Setup()).Bytes()
	if err != nil {
		return setup, nil, fmt.Errorf("%s: read the setup: %w", r, err)
	}
	if err := json.Unmarshal(raw, &setup); err != nil {
		return setup, nil, fmt.Errorf("%s: setup %s: %w", r, raw, err)
	}
	msgs, err := plat.RedisCli.XRange(ctx, keys.Log(), "-", "+").Result()
	if err != nil {
		return setup, nil, fmt.Errorf("%s: read the log: %w", r, err)
	}
	var out []entry
	for _, m := range msgs {
		var e entry
		var id string
		if e.seq, err = strconv.ParseInt(m.ID[:len(m.ID)-2], 10, 64); err != nil || m.ID[len(m.ID)-2:] != "-0" {
			return setup, nil, fmt.Errorf("%s: log entry id %q is not <seq>-0", r, m.ID)
		}
		id, _ = m.Values["action_id"].(string)
		e.actionID = id
		seat, _ := m.Values["seat"].(string)
		if e.seat, err = strconv.Atoi(seat); err != nil {
			return setup, nil, fmt.Errorf("%s: entry %d seat %q", r, e.seq, seat)
		}
		action, _ := m.Values["action"].(string)
		e.action = json.RawMessage(action)
		events, _ := m.Values["events"].(string)
		if err := json.Unmarshal([]byte(events), &e.events); err != nil {
			return setup, nil, fmt.Errorf("%s: entry %d events: %w", r, e.seq, err)
		}
		out = append(out, e)
	}
	return setup, out, nil
}

// verify checks one room after its players are done: the log holds every
// acknowledged action once and nothing else, replaying it through the
// engine from its seed gives the same events and the state the players
// ended with, and each player received exactly its own redaction of
// every entry. It returns how many actions the log holds.
func verify(ctx context.Context, r *roomRun) int {
	setup, log, err := readLog(ctx, r)
	if err != nil {
		r.v.add("%v", err)
		return 0
	}
	for i, e := range log {
		if e.seq != int64(i+1) {
			r.v.add("%s: log entry %d has seq %d: the log has a gap", r, i+1, e.seq)
			return 0
		}
	}
	if len(log) == 0 {
		r.v.add("%s: the log is empty", r)
		return 0
	}
	// Exactly once: each logged (seat, action_id) once, each one sent by
	// that seat's player, each acknowledged one at its acknowledged seq.
	logged := map[string][]int64{}
	for _, e := range log[1:] {
		k := fmt.Sprintf("%d:%s", e.seat, e.actionID)
		logged[k] = append(logged[k], e.seq)
		if e.seat < 0 || e.seat >= len(r.bots) {
			r.v.add("%s: entry %d by seat %d", r, e.seq, e.seat)
			continue
		}
		if _, ok := r.bots[e.seat].sent[e.actionID]; !ok {
			r.v.add("%s: entry %d is %s of seat %d, which its player never sent", r, e.seq, e.actionID, e.seat)
		}
	}
	for _, b := range r.bots {
		for id, seq := range b.acks {
			seqs := logged[fmt.Sprintf("%d:%s", b.seat, id)]
			if len(seqs) != 1 || seqs[0] != seq {
				r.v.add("%s: action %s acknowledged at seq %d is in the log at %v", b, id, seq, seqs)
			}
		}
	}
	for k, seqs := range logged {
		if len(seqs) > 1 {
			r.v.add("%s: action %s logged %d times, at %v", r, k, len(seqs), seqs)
		}
	}
	m := replay(r, setup, log)
	if m == nil {
		return len(log) - 1
	}
	for _, b := range r.bots {
		for _, e := range log {
			got, ok := b.received(e.seq)
			if !ok {
				continue // before a full view, or after the player left
			}
			want := make([]cassino.Event, len(e.events))
			for i, ev := range e.events {
				want[i] = ev.For(b.seat)
			}
			if !sameJSON(got, want) {
				r.v.add("%s: at seq %d received %s, its redaction of the log is %s", b, e.seq, mustJSON(got), mustJSON(want))
			}
		}
		if r.state.Load() == finished {
			if !m.Finished() {
				r.v.add("%s: the players saw the match end, the replay of its log did not", r)
			}
			if want := m.View(b.seat); b.final == nil || !sameJSON(*b.final, want) {
				r.v.add("%s: final view %s, the replay of the log gives %s", b, mustJSON(b.final), mustJSON(want))
			}
		}
	}
	return len(log) - 1
}

// replay plays the log's actions through the engine from the room's
// seed, checking each entry's events are the engine's.
func replay(r *roomRun, setup cassino.Setup, log []entry) *cassino.Match {
	m, opening, err := cassino.New(setup)
	if err != nil {
		r.v.add("%s: the setup does not start a match: %v", r, err)
		return nil
	}
	if log[0].seat != -1 || !sameJSON(log[0].events, opening) {
		r.v.add("%s: log entry 1 is not the opening the seed deals", r)
		return nil
	}
	for _, e := range log[1:] {
		var a cassino.Action
		if err := json.Unmarshal(e.action, &a); err != nil {
			r.v.add("%s: entry %d action %s: %v", r, e.seq, e.action, err)
			return nil
		}
		events, err := m.Apply(e.seat, a)
		if err != nil {
			r.v.add("%s: entry %d (%s by seat %d) is illegal on replay: %v", r, e.seq, e.action, e.seat, err)
			return nil
		}
		if !sameJSON(events, e.events) {
			r.v.add("%s: entry %d replays to %s, the log holds %s", r, e.seq, mustJSON(events), mustJSON(e.events))
			return nil
		}
	}
	return m
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
