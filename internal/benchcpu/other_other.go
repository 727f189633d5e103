//go:build !linux

package benchcpu

import (
	"errors"
	"time"
)

// Process is unknown here; ReportOther then adds nothing.
func Process(int) (time.Duration, error) {
	return 0, errors.New("no /proc to read another process's CPU time from")
}
