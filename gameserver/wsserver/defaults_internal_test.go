package wsserver

import (
	"testing"
	"time"
)

// The connection rules docs/PROTOCOL.md gives, as a pod runs them when
// nothing is configured (the pod's own tests shorten them).
func TestDocumentedConnectionDefaults(t *testing.T) {
	var c Config
	c.defaults()
	for _, tt := range []struct {
		what      string
		got, want any
	}{
		{"frames queued before a client is too slow (4002)", c.SendQueue, 256},
		{"messages per second, sustained", c.RatePerSec, 10.0},
		{"messages in a burst", c.RateBurst, 20},
		{"time to send hello (4004)", c.HelloWait, 10 * time.Second},
		{"silence before a connection is closed", c.PongWait, 60 * time.Second},
		{"ping period", pingPeriod(c.PongWait), 54 * time.Second},
		{"time to send a join's or a watch's body", c.BodyWait, 10 * time.Second},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %v, docs/PROTOCOL.md says %v", tt.what, tt.got, tt.want)
		}
	}
}
