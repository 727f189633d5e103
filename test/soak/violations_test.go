package soak

import (
	"fmt"
	"sync"
)

// violations collects broken invariants from every goroutine of the run;
// the test fails at the end with all of them and the seed.
type violations struct {
	mu   sync.Mutex
	list []string
	// log, when set, also logs each violation as it is found, among the
	// faults that led to it.
	log func(format string, args ...any)
}

func (v *violations) add(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if v.log != nil {
		v.log("VIOLATION %s", msg)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.list = append(v.list, msg)
}

func (v *violations) all() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.list...)
}
