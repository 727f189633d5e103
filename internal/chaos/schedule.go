package chaos

import (
	"fmt"
	"sort"
	"time"
)

// Fault is one scheduled platform fault.
type Fault struct {
	At   time.Duration // after the start of play
	Kind Kind
}

func (f Fault) String() string { return fmt.Sprintf("%s@%s", f.Kind, f.At.Round(100*time.Millisecond)) }

// Budget schedules each of kinds exactly once, in a seeded order at
// seeded times within window: the fixed budget of the short soak.
func (in *Injector) Budget(window time.Duration, kinds []Kind) []Fault {
	kinds = append([]Kind(nil), kinds...)
	in.mu.Lock()
	in.rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	in.mu.Unlock()
	out := make([]Fault, len(kinds))
	for i, k := range kinds {
		// Spread over the window, one slot per fault, jittered inside it,
		// so long faults (the freezes) rarely land on top of each other.
		slot := window / time.Duration(len(kinds))
		out[i] = Fault{At: time.Duration(i)*slot + in.Duration(0, slot/2), Kind: k}
	}
	return out
}

// Stream schedules faults of kinds over window, one every mean interval
// on average (uniform in [mean/2, 3*mean/2]), each kind equally likely:
// the long soak.
func (in *Injector) Stream(window, mean time.Duration, kinds []Kind) []Fault {
	if mean <= 0 || len(kinds) == 0 {
		return nil
	}
	var out []Fault
	for at := in.Duration(mean/2, 3*mean/2); at < window; at += in.Duration(mean/2, 3*mean/2) {
		out = append(out, Fault{At: at, Kind: kinds[in.IntN(len(kinds))]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}
