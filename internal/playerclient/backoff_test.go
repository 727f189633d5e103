package playerclient

import (
	"testing"
	"time"
)

func TestBackoffDoublesWithJitterUpToItsCap(t *testing.T) {
	steps := []time.Duration{50, 100, 200, 400, 800, 1600, 2000, 2000, 2000}
	for range 200 { // the jitter is random: every draw must stay in bounds
		var b Backoff
		for i, step := range steps {
			step *= time.Millisecond
			if d := b.Next(); d < step/2 || d > step {
				t.Fatalf("attempt %d waited %s, want between %s and %s", i, d, step/2, step)
			}
		}
	}
}

func TestBackoffJitters(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 50 {
		var b Backoff
		b.Next()
		seen[b.Next()] = true
	}
	if len(seen) < 2 {
		t.Fatalf("50 second attempts all waited %v: no jitter", seen)
	}
}
