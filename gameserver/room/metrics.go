package room

import "github.com/croupier-dev/croupier/gameserver/metrics"

// Metrics of the game pod.
type Metrics struct {
	Actions     *metrics.Counter
	Rejects     *metrics.CounterVec
	DedupHits   *metrics.Counter
	SlowClients *metrics.Counter
	FloodClosed *metrics.Counter
	Connected   *metrics.Gauge
	Spectators  *metrics.Gauge
	Latency     *metrics.Histogram
}

// NewMetrics creates the metrics and registers them on reg (nil: counted
// but not served).
func NewMetrics(reg *metrics.Registry) *Metrics {
	return &Metrics{
		Actions:     metrics.NewCounter(reg, "croupier_game_actions_total", "Actions accepted, logged and applied."),
		Rejects:     metrics.NewCounterVec(reg, "croupier_game_action_rejects_total", "Actions refused, by error code.", "reason"),
		DedupHits:   metrics.NewCounter(reg, "croupier_game_dedup_hits_total", "Resent action ids answered with their original ack."),
		SlowClients: metrics.NewCounter(reg, "croupier_game_slow_clients_total", "Connections closed as too slow to read: their send queue was full, or a frame could not be written in time."),
		FloodClosed: metrics.NewCounter(reg, "croupier_game_flooding_clients_total", "Connections closed (1008) for sending on after rate_limited."),
		Connected:   metrics.NewGauge(reg, "croupier_game_connected_players", "Players with an open connection."),
		Spectators:  metrics.NewGauge(reg, "croupier_game_spectators", "Spectators watching (never counted as connected players)."),
		Latency: metrics.NewHistogram(reg, "croupier_game_action_latency_seconds",
			"From receiving an action to queueing its broadcast (decide, log, apply).",
			metrics.ExponentialBuckets(0.0001, 2, 16)),
	}
}

func nopMetrics() *Metrics { return NewMetrics(nil) }
