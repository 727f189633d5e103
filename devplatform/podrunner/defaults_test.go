package podrunner

import (
	"testing"
	"time"
)

// docs/LOCAL.md and docs/API.md: a process being stopped (a deleted pod,
// a failed liveness probe) gets at most 10 s after SIGTERM.
func TestAStoppedProcessGetsTenSecondsByDefault(t *testing.T) {
	o := Options{Binary: "croupier", LogDir: t.TempDir()}
	if err := o.defaults(); err != nil {
		t.Fatal(err)
	}
	if o.MaxGracePeriod != 10*time.Second {
		t.Errorf("grace period %s, want 10s", o.MaxGracePeriod)
	}
}
