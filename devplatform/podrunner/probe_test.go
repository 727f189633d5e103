package podrunner

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// Before its first success a probe runs every 50 ms, but a failure still
// counts once a period: a startup probe of period P and threshold N gives
// a slow process N periods, as the kubelet's would (docs/LOCAL.md).
func TestProbeFailuresCountOnceAPeriodWhileProbingFast(t *testing.T) {
	var checks atomic.Int32
	p := &prober{
		check:            func(context.Context) bool { checks.Add(1); return false },
		period:           300 * time.Millisecond,
		successThreshold: 1,
		failureThreshold: 3,
	}
	start := time.Now()
	var failedAfter time.Duration
	p.run(context.Background(), nil, func(ok bool) bool {
		if !ok {
			failedAfter = time.Since(start)
		}
		return true
	})
	// Failures count at 0, P and 2P: never before two periods.
	if failedAfter < 2*p.period {
		t.Errorf("the probe failed after %s, before its budget of %s", failedAfter, 2*p.period)
	}
	if n := checks.Load(); n <= 3 {
		t.Errorf("%d checks before failing: want the fast probes between the counted ones", n)
	}
}

// A process that comes up between two periods is seen within one fast
// probe, not at the next period.
func TestProbeSeesASuccessBetweenPeriods(t *testing.T) {
	up := time.Now().Add(100 * time.Millisecond)
	p := &prober{
		check:            func(context.Context) bool { return time.Now().After(up) },
		period:           time.Hour,
		successThreshold: 1,
		failureThreshold: 3,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var passed bool
	p.run(ctx, nil, func(ok bool) bool { passed = ok; return true })
	if !passed {
		t.Fatal("the probe never passed within 30 s while its period is an hour")
	}
}

// After its first success a probe runs at its period, failing or not: a
// pod that stops being ready is not probed twenty times a second.
func TestProbeKeepsItsPeriodAfterTheFirstSuccess(t *testing.T) {
	var checks atomic.Int32
	p := &prober{
		check:            func(context.Context) bool { return checks.Add(1) == 1 },
		period:           300 * time.Millisecond,
		successThreshold: 1,
		failureThreshold: 1,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var changes []bool
	p.run(ctx, nil, func(ok bool) bool { changes = append(changes, ok); return false })
	if len(changes) != 2 || !changes[0] || changes[1] {
		t.Fatalf("results %v, want up then down", changes)
	}
	// One second at a 300 ms period is at most 5 checks; probing fast
	// again once it failed would be about 15.
	if n := checks.Load(); n > 5 {
		t.Errorf("%d checks in a second at a period of %s", n, p.period)
	}
}
