package playerclient

import (
	"math/rand/v2"
	"time"
)

// Back-off bounds: the first wait and the most any wait grows to.
const (
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = 2 * time.Second
)

// Backoff spaces reconnect attempts as PROTOCOL.md asks: exponential
// with equal jitter, so a room's players do not return in one burst.
// The zero value is ready to use.
type Backoff struct {
	step time.Duration
}

// Next is how long to wait before the next attempt: between half and all
// of a step that doubles each time, up to maxBackoff.
func (b *Backoff) Next() time.Duration {
	if b.step == 0 {
		b.step = firstBackoff
	}
	d := b.step/2 + rand.N(b.step/2+1)
	b.step = min(b.step*2, maxBackoff)
	return d
}

// Sleep waits Next.
func (b *Backoff) Sleep() { time.Sleep(b.Next()) }
