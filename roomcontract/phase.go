package roomcontract

// Phases of a room's match, as the game pod reports them in its views and
// its heartbeat.
const (
	PhaseWaiting  = "waiting"  // seats are still free; no match yet
	PhasePlaying  = "playing"  // the match is on
	PhaseFinished = "finished" // the match is over
)
