package room

import (
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
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %v, the docs say %v", tt.what, tt.got, tt.want)
		}
	}
}
