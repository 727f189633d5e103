package room

import (
	"regexp"
	"testing"
	"time"
)

// The defaults docs/PROTOCOL.md and docs/REDIS.md give, as a pod runs
// them when nothing is configured (the room's own tests shorten them).
func TestDocumentedRoomDefaults(t *testing.T) {
	var c Config
	c.defaults()
	for _, tt := range []struct {
		what      string
		got, want any
	}{
		{"actions between snapshots (REDIS.md)", c.SnapshotEvery, int64(100)},
		{"entries a reconnect catches up by events (PROTOCOL.md)", c.MaxCatchUp, int64(100)},
		{"Redis time of one operation before outcome_unknown (PROTOCOL.md)", c.CallTimeout, 3 * time.Second},
		{"a seated player's absence before the start that closes the room (PROTOCOL.md, player_away)", c.AwayGrace, 10 * time.Second},
		{"a seated player's absence before the start that gives the seat back (PROTOCOL.md, player_away)", c.SeatHold, time.Minute},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %v, the docs say %v", tt.what, tt.got, tt.want)
		}
	}
}

// docs/REDIS.md: an epoch is 32 hex digits from crypto/rand.
func TestEpochIs32HexDigits(t *testing.T) {
	a, err := newEpoch()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newEpoch()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a) || a == b {
		t.Errorf("epochs %q and %q, want two different strings of 32 hex digits", a, b)
	}
}
