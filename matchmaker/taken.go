package matchmaker

import (
	"sync"
	"time"
)

// takenRooms remembers the rooms this replica tried to claim for a while:
// its cache shows a claim only after the watch brings it back, and until
// then a second claim of the same room is a certain 409.
type takenRooms struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// takenFor outlasts a watch event's trip back to the cache.
const takenFor = 30 * time.Second

// take marks room taken and reports whether it was free to try.
func (t *takenRooms) take(room string) bool {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.until == nil {
		t.until = map[string]time.Time{}
	}
	if now.Before(t.until[room]) {
		return false
	}
	if len(t.until) > 10000 {
		for k, u := range t.until {
			if now.After(u) {
				delete(t.until, k)
			}
		}
	}
	t.until[room] = now.Add(takenFor)
	return true
}
