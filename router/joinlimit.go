package router

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// joinLimiter allows each client address perMinute joins a minute, in a
// burst of as many. Addresses idle for a few minutes are forgotten so the
// map does not grow with every address ever seen.
type joinLimiter struct {
	mu        sync.Mutex
	perMinute int
	byIP      map[string]*ipBucket
	lastSweep time.Time
}

type ipBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newJoinLimiter(perMinute int) *joinLimiter {
	return &joinLimiter{perMinute: perMinute, byIP: map[string]*ipBucket{}}
}

// allow takes one join for ip, or returns how long until one is free.
func (j *joinLimiter) allow(ip string, now time.Time) (bool, time.Duration) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if now.Sub(j.lastSweep) > time.Minute {
		for k, b := range j.byIP {
			if now.Sub(b.seen) > 2*time.Minute {
				delete(j.byIP, k)
			}
		}
		j.lastSweep = now
	}
	b := j.byIP[ip]
	if b == nil {
		b = &ipBucket{lim: rate.NewLimiter(rate.Every(time.Minute/time.Duration(j.perMinute)), j.perMinute)}
		j.byIP[ip] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
