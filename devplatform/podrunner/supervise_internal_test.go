package podrunner

import (
	"testing"
	"time"
)

// The restart back-off of docs/LOCAL.md: 1 s doubling to 30 s, back to
// 1 s once a process has run a minute.
func TestRestartDelay(t *testing.T) {
	backoff := firstBackoff
	var got []time.Duration
	for range 7 { // killed again and again within the minute
		var d time.Duration
		d, backoff = restartDelay(backoff, 5*time.Second)
		got = append(got, d)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays within the minute: %v, want %v", got, want)
		}
	}
	if d, next := restartDelay(backoff, 61*time.Second); d != time.Second || next != 2*time.Second {
		t.Fatalf("after a run of 61 s: delay %v, next %v; want 1s, 2s", d, next)
	}
}
