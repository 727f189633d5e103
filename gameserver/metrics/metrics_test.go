package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/croupier-dev/croupier/gameserver/metrics"
)

// /metrics is what a Prometheus server reads: its own text parser accepts
// it, and each family holds what was counted.
func TestServedInThePrometheusTextFormat(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCounter(reg, "t_actions_total", "Actions.\nTwo lines, a \\ too.")
	v := metrics.NewCounterVec(reg, "t_rejects_total", "Rejects.", "reason")
	g := metrics.NewGauge(reg, "t_connected", "Connected.")
	h := metrics.NewHistogram(reg, "t_latency_seconds", "Latency.", metrics.ExponentialBuckets(0.001, 10, 3))
	metrics.NewCounterVec(reg, "t_unused_total", "Never counted.", "reason")
	c.Inc()
	c.Inc()
	v.WithLabelValues("not_your_turn").Inc()
	v.WithLabelValues(`odd "quoted" \ value`).Inc()
	g.Set(2)
	for _, o := range []float64{0.0005, 0.001, 0.05, 7} {
		h.Observe(o)
	}

	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("Prometheus cannot parse /metrics: %v\n%s", err, body)
	}
	for _, want := range []string{
		"t_actions_total 2\n",
		`t_rejects_total{reason="not_your_turn"} 1` + "\n",
		`t_rejects_total{reason="odd \"quoted\" \\ value"} 1` + "\n",
		"t_connected 2\n",
		`t_latency_seconds_bucket{le="0.001"} 2` + "\n",
		`t_latency_seconds_bucket{le="0.01"} 2` + "\n",
		`t_latency_seconds_bucket{le="0.1"} 3` + "\n",
		`t_latency_seconds_bucket{le="+Inf"} 4` + "\n",
		"t_latency_seconds_sum 7.0515\n",
		"t_latency_seconds_count 4\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	if fams["t_unused_total"] != nil {
		t.Error("a family with no counts is served")
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "process_open_fds"} {
		f := fams[name]
		if f == nil || f.GetMetric()[0].GetGauge().GetValue() <= 0 {
			t.Errorf("%s is missing or not positive: %v", name, f)
		}
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
}
