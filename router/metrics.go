package router

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the router's collectors, one set per Router so several
// routers (tests, benchmarks) can live in one process.
type metrics struct {
	openConns    prometheus.Gauge
	upgrades     *prometheus.CounterVec // result, reason
	joins        *prometheus.CounterVec // result, reason
	routes       prometheus.Gauge
	bytes        *prometheus.CounterVec // direction
	closes       *prometheus.CounterVec // reason
	dials        *prometheus.CounterVec // result
	addedLatency prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		openConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "croupier_router_open_connections", Help: "Proxied websockets open now.",
		}),
		upgrades: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "croupier_router_upgrades_total", Help: "Websocket upgrades, by result (accepted, refused) and reason.",
		}, []string{"result", "reason"}),
		joins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "croupier_router_joins_total", Help: "Joins and watches, by result (forwarded, refused) and reason (the pod's status for forwarded ones).",
		}, []string{"result", "reason"}),
		routes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "croupier_router_routes", Help: "Rooms in the route table.",
		}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "croupier_router_proxied_bytes_total", Help: "Websocket payload bytes carried, by direction (to_pod, to_client).",
		}, []string{"direction"}),
		closes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "croupier_router_connection_closes_total", Help: "Proxied websockets closed, by reason.",
		}, []string{"reason"}),
		dials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "croupier_router_pod_dials_total", Help: "Connections the router opened to game pods, by result.",
		}, []string{"result"}),
		addedLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "croupier_router_added_latency_seconds",
			Help:    "Time a websocket message spends in the router: from its header being read to its last byte written to the other side.",
			Buckets: []float64{5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 5e-3, 25e-3},
		}),
	}
	reg.MustRegister(m.openConns, m.upgrades, m.joins, m.routes, m.bytes, m.closes, m.dials, m.addedLatency)
	return m
}

// Reasons of closes.
const (
	closeRoomMoved = "room_moved"
	closeShutdown  = "shutdown"
	closeIdle      = "idle"
	closeClient    = "client"
	closePod       = "pod"
	closeTooLarge  = "too_large"
)
