//go:build unix

package cassino

import (
	"syscall"
	"testing"
)

// reportCPU adds the process's CPU time per iteration (user and system,
// the runtime's own threads included) to a benchmark, beside its wall
// time. On a shared, loaded machine the wall time includes the wait for a
// core; the CPU time does not. Call it as defer reportCPU(b)() before
// b.Loop, which runs the benchmark function once.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
