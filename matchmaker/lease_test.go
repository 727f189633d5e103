package matchmaker

import (
	"testing"
	"time"
)

// The obtain lease outlives the wait for a room's pod by 30 s
// (docs/MATCHMAKER.md), whatever the two are.
func TestObtainLeaseOutlivesTheStartTimeout(t *testing.T) {
	for _, c := range []struct{ lease, start, want time.Duration }{
		{3 * time.Minute, 90 * time.Second, 3 * time.Minute},
		{3 * time.Minute, 2*time.Minute + 50*time.Second, 3*time.Minute + 20*time.Second},
		{3 * time.Minute, 5 * time.Minute, 5*time.Minute + 30*time.Second},
	} {
		if got := obtainLease(c.lease, c.start); got != c.want {
			t.Errorf("lease %s, start timeout %s: %s, want %s", c.lease, c.start, got, c.want)
		}
	}
}
