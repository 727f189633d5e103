package wsserver

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
