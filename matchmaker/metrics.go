package matchmaker

import "github.com/prometheus/client_golang/prometheus"

var (
	plays = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "croupier_matchmaker_plays_total",
		Help: "Quick plays answered, by result: seated, or the refusal's code.",
	}, []string{"result"})
	claims = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_claims_total",
		Help: "Pool rooms claimed.",
	})
	claimConflicts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_claim_conflicts_total",
		Help: "Claims lost to a concurrent writer (409), each followed by another room.",
	})
	created = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_rooms_created_total",
		Help: "Rooms created from the template pool because no room could be claimed.",
	})
	playLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "croupier_matchmaker_play_seconds",
		Help:    "Time from a quick play's arrival to its seat.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
	})
)

// registerMetrics adds the collectors to reg; a registry that has them
// already (a second matchmaker in one process) keeps them.
func registerMetrics(reg prometheus.Registerer) {
	for _, c := range []prometheus.Collector{plays, claims, claimConflicts, created, playLatency} {
		_ = reg.Register(c)
	}
}
