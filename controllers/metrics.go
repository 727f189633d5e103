package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
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
)

func init() {
	metrics.Registry.MustRegister(podsCreated, stoppedPodsDeleted)
}
