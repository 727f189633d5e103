package main

import (
	"runtime/debug"
	"testing"
)

// The operator collects garbage at its own target unless GOGC names one
// (docs/BENCHMARKS.md, Operator at scale).
func TestOperatorGCTargetYieldsToGOGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	lowerGCTarget()
	if got := debug.SetGCPercent(100); got != operatorGCPercent {
		t.Errorf("without GOGC: target %d, want %d", got, operatorGCPercent)
	}

	t.Setenv("GOGC", "100")
	lowerGCTarget()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=100: target %d, want it left alone", got)
	}
}
