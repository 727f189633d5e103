package room_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// finishedReplay plays a whole 2-player match and returns its replay and
// the same match played by the engine alone.
func finishedReplay(t *testing.T) ([]byte, *cassino.Match) {
	t.Helper()
	rdb := redisserver.Start(t).Client(t)
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	_, conns := seat(t, r, opts.Players)
	playOut(t, r, opts, conns)
	var buf bytes.Buffer
	if err := r.WriteReplay(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	ref, _, err := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	for !ref.Finished() {
		s := ref.Turn()
		if _, err := ref.Apply(s, cassino.Greedy(ref.View(s))); err != nil {
			t.Fatal(err)
		}
	}
	// A new pod on the same keys serves the same bytes: an archive taken
	// from any pod of the room is the same file.
	var again bytes.Buffer
	if err := openRoom(t, rdb, opts, nil).WriteReplay(context.Background(), &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("a recovered pod serves another replay of the same match")
	}
	return buf.Bytes(), ref
}

// An archive is the replay saved as it was served; read back, it folds
// into the match the room played.
func TestArchivedReplayFoldsIntoTheMatch(t *testing.T) {
	body, ref := finishedReplay(t)
	path := filepath.Join(t.TempDir(), "match.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rp, m, err := room.ReadReplay(f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := m.Snapshot()
	want, _ := ref.Snapshot()
	if !bytes.Equal(got, want) {
		t.Fatalf("the archive folds into\n%s\nthe match was\n%s", got, want)
	}
	if rp.Room != "games/r1" || len(rp.Players) != 2 || rp.Players[1].Name != "p1" {
		t.Fatalf("archive head: room %q players %+v", rp.Room, rp.Players)
	}
}

func TestReadReplayRefusesAnArchiveThatDoesNotFold(t *testing.T) {
	body, _ := finishedReplay(t)
	edit := func(f func(rp map[string]any)) []byte {
		var rp map[string]any
		if err := json.Unmarshal(body, &rp); err != nil {
			t.Fatal(err)
		}
		f(rp)
		b, _ := json.Marshal(rp)
		return b
	}
	entries := func(rp map[string]any) []any { return rp["entries"].([]any) }
	tests := []struct {
		name string
		body []byte
	}{
		{"not JSON", []byte(`{"version":1,`)},
		{"unknown field", edit(func(rp map[string]any) { rp["extra"] = 1 })},
		{"another version", edit(func(rp map[string]any) { rp["version"] = 2 })},
		{"another seed", edit(func(rp map[string]any) { rp["setup"].(map[string]any)["seed"] = 8 })},
		{"no entries", edit(func(rp map[string]any) { rp["entries"] = []any{} })},
		{"last entry missing", edit(func(rp map[string]any) { rp["entries"] = entries(rp)[:len(entries(rp))-1] })},
		{"more entries than any match", withEntries(body, bytes.Repeat([]byte(`{},`), room.MaxReplayEntries), `{}`)},
		{"over the size bound", withEntries(body, bytes.Repeat([]byte(" "), room.MaxReplayBytes), `{}`)},
		{"entries swapped", edit(func(rp map[string]any) { e := entries(rp); e[3], e[4] = e[4], e[3] })},
		{"a hand shown wrong", edit(func(rp map[string]any) {
			tb := entries(rp)[5].(map[string]any)["table"].(map[string]any)
			hands := tb["hands"].([]any)
			hands[0], hands[1] = hands[1], hands[0]
		})},
		{"an action that is not what was played", edit(func(rp map[string]any) {
			e := entries(rp)[1].(map[string]any)
			e["action"] = map[string]any{"type": "trail", "card": "2C"}
		})},
		{"an entry's seat changed", edit(func(rp map[string]any) {
			e := entries(rp)[1].(map[string]any)
			e["seat"] = 1 - e["seat"].(float64)
		})},
		{"the start given a seat", edit(func(rp map[string]any) { entries(rp)[0].(map[string]any)["seat"] = 0 })},
		{"the winners' scores swapped", edit(func(rp map[string]any) {
			e := entries(rp)
			for _, ev := range e[len(e)-1].(map[string]any)["events"].([]any) {
				if ev := ev.(map[string]any); ev["type"] == "matchWon" {
					sc := ev["scores"].([]any)
					sc[0], sc[1] = sc[1], sc[0]
					return
				}
			}
			t.Fatal("the last entry has no matchWon")
		})},
		{"a score changed", edit(func(rp map[string]any) {
			e := entries(rp)
			tb := e[len(e)-1].(map[string]any)["table"].(map[string]any)
			tb["scores"].([]any)[0] = 99
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := room.ReadReplay(bytes.NewReader(tt.body)); !errors.Is(err, room.ErrBadReplay) {
				t.Fatalf("err %v, want ErrBadReplay", err)
			}
		})
	}
}

func TestWriteReplayBeforeTheEndWritesNothing(t *testing.T) {
	rdb := redisserver.Start(t).Client(t)
	opts := cassino.DefaultOptions(2)
	r := openRoom(t, rdb, opts, nil)
	var buf bytes.Buffer
	if err := r.WriteReplay(context.Background(), &buf); !errors.Is(err, room.ErrMatchInProgress) || buf.Len() != 0 {
		t.Fatalf("waiting room: err %v, wrote %q", err, buf.String())
	}
	seat(t, r, opts.Players)
	if err := r.WriteReplay(context.Background(), &buf); !errors.Is(err, room.ErrMatchInProgress) || buf.Len() != 0 {
		t.Fatalf("match in play: err %v, wrote %q", err, buf.String())
	}
	if strings.Contains(buf.String(), "entries") {
		t.Fatal("entries leaked")
	}
}

// withEntries is body's head with the entries list replaced by list+last.
func withEntries(body, list []byte, last string) []byte {
	head := body[:bytes.Index(body, []byte(`"entries":[`))+len(`"entries":[`)]
	out := append([]byte{}, head...)
	out = append(out, list...)
	return append(out, last+"]}"...)
}
