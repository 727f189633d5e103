package roomcontract

import (
	"slices"
	"testing"
)

// The key names docs/REDIS.md gives: P is croupier:{<namespace>/<name>}.
func TestKeysAreNamedAsDocumented(t *testing.T) {
	r := For("games", "table-1")
	want := []string{"log", "seq", "dedup", "snapshot", "setup", "epoch", "sessions", "seats", "heartbeat"}
	for i, suffix := range want {
		want[i] = "croupier:{games/table-1}:" + suffix
	}
	if got := r.All(); !slices.Equal(got, want) {
		t.Fatalf("All() = %q, want %q", got, want)
	}
	if got := r.Heartbeat(); got != want[8] {
		t.Fatalf("Heartbeat() = %q", got)
	}
}
