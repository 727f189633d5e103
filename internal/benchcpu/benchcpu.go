// Package benchcpu adds the process's CPU time per iteration to a Go
// benchmark, beside its wall time. On a shared, loaded machine the wall
// time includes the wait for a core and for other processes (a
// redis-server answering); the CPU time is the benchmark's own work, the
// runtime's threads and collector included.
package benchcpu

import "testing"

// Report adds cpu-ns/op to b. Call it as defer benchcpu.Report(b)()
// before b.Loop.
func Report(b *testing.B) func() {
	start := processCPU()
	return func() {
		if b.N > 0 && start >= 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// ReportOther adds the CPU time per iteration of another process (a
// redis-server the benchmark talks to) as unit, so that work moved out of
// the benchmark's process is still counted. It reads /proc, in clock
// ticks (10 ms): run enough iterations for the total to be many ticks.
func ReportOther(b *testing.B, pid int, unit string) func() {
	start, err := Process(pid)
	return func() {
		end, err2 := Process(pid)
		if b.N > 0 && err == nil && err2 == nil {
			b.ReportMetric(float64(end-start)/float64(b.N), unit)
		}
	}
}
