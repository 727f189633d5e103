package housebot

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, raw string
		players   int
		want      Config
	}{
		{"unset", "", 2, Config{}},
		{"defaults", `{"count":1}`, 2, Config{Count: 1, Level: LevelGreedy, Delay: 700 * time.Millisecond}},
		{"every field", `{"count":3,"level":"random","delay":"10s"}`, 4, Config{Count: 3, Level: LevelRandom, Delay: 10 * time.Second}},
		{"no think time", `{"count":1,"level":"greedy","delay":"0s"}`, 2, Config{Count: 1, Level: LevelGreedy}},
		{"none", `{"count":0}`, 2, Config{Level: LevelGreedy, Delay: 700 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.raw, tt.players)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name, raw string
		players   int
		want      string
	}{
		{"not JSON", `{`, 2, "want a JSON object"},
		{"no count", `{"level":"greedy"}`, 2, "count is required"},
		{"as many bots as seats", `{"count":2}`, 2, "keeps a seat for a person"},
		{"negative count", `{"count":-1}`, 3, "want 0 to 2"},
		{"unknown level", `{"count":1,"level":"hard"}`, 2, `level "hard": want one of greedy, random`},
		{"unknown field", `{"count":1,"levle":"greedy"}`, 2, `unknown field "levle"`},
		{"delay not a duration", `{"count":1,"delay":"soon"}`, 2, "delay"},
		{"delay over the bound", `{"count":1,"delay":"11s"}`, 2, "want 0s to 10s"},
		{"negative delay", `{"count":1,"delay":"-1s"}`, 2, "want 0s to 10s"},
		{"two objects", `{"count":1}{"count":1}`, 2, "found more"},
		{"huge", `{"count":1,"level":"` + strings.Repeat("x", 2000) + `"}`, 2, "want at most 1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, tt.players)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestBotsTakeTheLastSeats(t *testing.T) {
	if got := (Config{Count: 2}).Seats(4); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("seats %v", got)
	}
	if got := (Config{}).Seats(2); len(got) != 0 {
		t.Fatalf("no bots take seats %v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"count":1,"level":"greedy","delay":"700ms"}`, 2)
	f.Add(`{"count":3,"level":"random","delay":"1h"}`, 4)
	f.Add(`{"count":1,"delay":"9223372036s"}`, 3)
	f.Fuzz(func(t *testing.T, raw string, players int) {
		c, err := Parse(raw, players)
		if err != nil {
			return
		}
		if c.Count < 0 || (c.Count > 0 && c.Count >= players) || c.Delay < 0 || c.Delay > MaxDelay {
			t.Fatalf("accepted out of bounds: %q -> %+v", raw, c)
		}
		if _, ok := levels[c.Level]; c.Count > 0 && !ok {
			t.Fatalf("accepted level %q", c.Level)
		}
	})
}
