package room

import "github.com/prometheus/client_golang/prometheus"

// Metrics of the game pod.
type Metrics struct {
	Actions     prometheus.Counter
	Rejects     *prometheus.CounterVec
	DedupHits   prometheus.Counter
	SlowClients prometheus.Counter
	FloodClosed prometheus.Counter
	Connected   prometheus.Gauge
	Latency     prometheus.Histogram
}

// NewMetrics creates the collectors and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Actions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "croupier_game_actions_total", Help: "Actions accepted, logged and applied.",
		}),
		Rejects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "croupier_game_action_rejects_total", Help: "Actions refused, by error code.",
		}, []string{"reason"}),
		DedupHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "croupier_game_dedup_hits_total", Help: "Resent action ids answered with their original ack.",
		}),
		SlowClients: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "croupier_game_slow_clients_total", Help: "Connections closed because their send queue was full.",
		}),
		FloodClosed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "croupier_game_flooding_clients_total", Help: "Connections closed (1008) for sending on after rate_limited.",
		}),
		Connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "croupier_game_connected_players", Help: "Players with an open connection.",
		}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "croupier_game_action_latency_seconds",
			Help:    "From receiving an action to queueing its broadcast (decide, log, apply).",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Actions, m.Rejects, m.DedupHits, m.SlowClients, m.FloodClosed, m.Connected, m.Latency)
	}
	return m
}

func nopMetrics() *Metrics { return NewMetrics(nil) }
