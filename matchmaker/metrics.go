package matchmaker

import "github.com/prometheus/client_golang/prometheus"

// resultGaveUp is the plays_total result of a quick play whose player hung
// up before a seat came: no answer, and no failure.
const resultGaveUp = "gave_up"

var (
	plays = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "croupier_matchmaker_plays_total",
		Help: "Quick plays, by result: seated, repeated (a retried request_id), gave_up (the player hung up first), or the refusal's code.",
	}, []string{"result"})
	claims = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_claims_total",
		Help: "Pool rooms claimed (in Redis, by this replica).",
	})
	claimConflicts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_claim_conflicts_total",
		Help: "Writes of a claim's label that met a concurrent change (409) and were tried again.",
	})
	claimsFinished = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_claims_finished_total",
		Help: "Claim records found unfinished after a few seconds by this replica's sweep (their replica died or failed), queued to be finished.",
	})
	created = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_matchmaker_rooms_created_total",
		Help: "Rooms created from the template pool because no room could be claimed.",
	})
	joinLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "croupier_matchmaker_join_seconds",
		Help:    "Time of one seat's join at the room's pod (POST /join, retries included).",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
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
	for _, c := range []prometheus.Collector{plays, claims, claimConflicts, claimsFinished, created, joinLatency, playLatency} {
		_ = reg.Register(c)
	}
}
