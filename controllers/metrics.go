package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// Pod churn is what an operator of the platform watches: a rising
// replacement rate means pods are evicted or nodes are failing.
var (
	podsCreated = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_game_pods_created_total",
		Help: "Game pods created, for new rooms and as replacements.",
	})
	stoppedPodsDeleted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_game_pods_stopped_total",
		Help: "Game pods found stopped (Failed or Succeeded) and deleted to be replaced.",
	})
	podsReplaced = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "croupier_game_pods_replaced_total",
		Help: "Running game pods the operator deleted to replace them, by reason (heartbeat_timeout, data_lost).",
	}, []string{"reason"})
)

// The collector's work and what it depends on.
var (
	roomsByPhase = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "croupier_gamerooms",
		Help: "GameRooms by phase, counted on every heartbeat sweep.",
	}, []string{"phase"})
	roomPlayers = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "croupier_gameroom_players",
		Help: "Players of every GameRoom by state (seated, connected), from the rooms' status, counted on every heartbeat sweep.",
	}, []string{"state"})
	roomsCollected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "croupier_gamerooms_collected_total",
		Help: "GameRooms the operator deleted, by reason (abandoned, finished, start_timeout).",
	}, []string{"reason"})
	heartbeatAge = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "croupier_heartbeat_age_seconds",
		Help:    "Age of each room's heartbeat when the sweep read it.",
		Buckets: []float64{1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 300},
	})
	heartbeatsKnown = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "croupier_heartbeats_known",
		Help: "1 while the operator's last heartbeat read from Redis succeeded; 0 while heartbeats are unknown and nothing is collected or replaced for missing heartbeats.",
	})
	redisErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "croupier_redis_errors_total",
		Help: "Failed Redis operations of the operator, by operation (read, sweep, cleanup).",
	}, []string{"op"})
	redisCleanupSkipped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "croupier_redis_cleanup_skipped_total",
		Help: "Deleted rooms released without removing their Redis keys, by reason (timeout, annotation).",
	}, []string{"reason"})
	reconcileDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "croupier_gameroom_reconcile_duration_seconds",
		Help:    "Time of one GameRoom reconcile, Redis read and API writes included.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	})
	staleSkips = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "croupier_reconciles_skipped_outdated_total",
		Help: "Reconciles skipped because the cache still showed a room from before the operator's own write.",
	})
	sweepDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "croupier_heartbeat_sweep_duration_seconds",
		Help:    "Time of one heartbeat sweep over every room.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	})
)

func init() {
	metrics.Registry.MustRegister(podsCreated, stoppedPodsDeleted, podsReplaced,
		roomsByPhase, roomPlayers, roomsCollected, heartbeatAge, heartbeatsKnown, redisErrors,
		redisCleanupSkipped, reconcileDuration, staleSkips, sweepDuration)
	// Every labelled counter's series exists at 0 from the start: an alert
	// on its rise sees one from 0, where a series born at its first
	// increment would show no rise at all.
	for vec, values := range map[*prometheus.CounterVec][]string{
		podsReplaced:        {"heartbeat_timeout", "data_lost"},
		roomsCollected:      {collectAbandoned, collectFinished, collectStartTimeout},
		redisErrors:         {"read", "sweep", "cleanup"},
		redisCleanupSkipped: {"timeout", "annotation"},
	} {
		for _, v := range values {
			vec.WithLabelValues(v)
		}
	}
}

// countPlayers sums the players the rooms' status shows: the platform's
// load at a glance, without scraping every game pod.
func countPlayers(rooms []*gamesv1.GameRoom) {
	var seated, connected int32
	for _, room := range rooms {
		seated += room.Status.Players.Seated
		connected += room.Status.Players.Connected
	}
	roomPlayers.WithLabelValues("seated").Set(float64(seated))
	roomPlayers.WithLabelValues("connected").Set(float64(connected))
}
