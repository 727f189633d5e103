package room

import (
	"strings"
	"testing"
	"time"
)

// docs/PROTOCOL.md: /healthz fails once the heartbeat loop last ran more
// than 3 heartbeat periods ago, though it has not stopped (a loop stuck
// behind something else).
func TestAliveFailsWhenTheHeartbeatLoopStalls(t *testing.T) {
	var r Room
	r.beatPeriod.Store(int64(time.Second))
	r.beatAt.Store(time.Now().Add(-2900 * time.Millisecond).UnixNano())
	if err := r.Alive(); err != nil {
		t.Fatalf("a loop 2.9 periods late: %v, want alive", err)
	}
	r.beatAt.Store(time.Now().Add(-3100 * time.Millisecond).UnixNano())
	if err := r.Alive(); err == nil || !strings.Contains(err.Error(), "last ran") {
		t.Fatalf("a loop 3.1 periods late: %v, want not alive", err)
	}
}
