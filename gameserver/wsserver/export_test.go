package wsserver

import "time"

// HoldReplaySlots takes every replay slot, as replays being sent would,
// until release is called.
func HoldReplaySlots() (release func()) {
	for range cap(replaySlots) {
		replaySlots <- struct{}{}
	}
	return func() {
		for range cap(replaySlots) {
			<-replaySlots
		}
	}
}

// DefaultBodyWait is the body wait a Config gets when it sets none.
func DefaultBodyWait() time.Duration {
	var c Config
	c.defaults()
	return c.BodyWait
}
