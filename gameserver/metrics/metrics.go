// Package metrics is the game pod's handful of metrics, served in the
// Prometheus text format (version 0.0.4). The pod does not link the
// Prometheus client library: with the protobuf code it brings, that
// library was over a tenth of an idle pod's resident memory, since a Go
// binary's pages end up resident nearly whole (docs/BENCHMARKS.md).
package metrics

import (
	"bufio"
	"math"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds the metrics one /metrics serves.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
}

type metric interface {
	name() string
	write(w *bufio.Writer)
}

// NewRegistry returns a registry that also serves go_goroutines,
// process_resident_memory_bytes and process_open_fds.
func NewRegistry() *Registry {
	r := &Registry{}
	r.register(&funcGauge{desc: desc{"go_goroutines", "Number of goroutines that currently exist."}, value: func() float64 { return float64(runtime.NumGoroutine()) }})
	r.register(&funcGauge{desc: desc{"process_resident_memory_bytes", "Resident memory size in bytes."}, value: residentBytes})
	r.register(&funcGauge{desc: desc{"process_open_fds", "Number of open file descriptors."}, value: openFDs})
	return r
}

// register adds m; a nil registry keeps nothing, so metrics work unserved.
func (r *Registry) register(m metric) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.metrics = append(r.metrics, m)
	slices.SortFunc(r.metrics, func(a, b metric) int { return strings.Compare(a.name(), b.name()) })
}

// ServeHTTP writes every metric, sorted by name.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriter(w)
	r.mu.Lock()
	ms := slices.Clone(r.metrics)
	r.mu.Unlock()
	for _, m := range ms {
		m.write(bw)
	}
	_ = bw.Flush()
}

type desc struct{ n, help string }

func (d desc) name() string { return d.n }

func (d desc) header(w *bufio.Writer, kind string) {
	w.WriteString("# HELP " + d.n + " " + strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(d.help) + "\n")
	w.WriteString("# TYPE " + d.n + " " + kind + "\n")
}

func sample(w *bufio.Writer, name, labels string, v float64) {
	w.WriteString(name)
	if labels != "" {
		w.WriteString("{" + labels + "}")
	}
	w.WriteString(" " + formatFloat(v) + "\n")
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func label(name, value string) string {
	return name + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(value) + `"`
}

// value is a float64 updated atomically.
type value struct{ bits atomic.Uint64 }

func (v *value) add(d float64) {
	for {
		old := v.bits.Load()
		if v.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

func (v *value) load() float64 { return math.Float64frombits(v.bits.Load()) }

// Counter only goes up.
type Counter struct {
	desc
	v value
}

// NewCounter registers a counter on reg (nil: unserved).
func NewCounter(reg *Registry, name, help string) *Counter {
	c := &Counter{desc: desc{name, help}}
	reg.register(c)
	return c
}

// Inc adds one.
func (c *Counter) Inc() { c.v.add(1) }

// Value is the count so far.
func (c *Counter) Value() float64 { return c.v.load() }

func (c *Counter) write(w *bufio.Writer) {
	c.header(w, "counter")
	sample(w, c.n, "", c.Value())
}

// CounterVec is a counter per value of one label.
type CounterVec struct {
	desc
	label string
	mu    sync.Mutex
	by    map[string]*Counter
}

// NewCounterVec registers a counter family on reg (nil: unserved).
func NewCounterVec(reg *Registry, name, help, label string) *CounterVec {
	c := &CounterVec{desc: desc{name, help}, label: label, by: map[string]*Counter{}}
	reg.register(c)
	return c
}

// WithLabelValues is the counter of one label value.
func (c *CounterVec) WithLabelValues(v string) *Counter {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.by[v]; ok {
		return k
	}
	k := &Counter{desc: c.desc}
	c.by[v] = k
	return k
}

func (c *CounterVec) write(w *bufio.Writer) {
	c.mu.Lock()
	values := make([]string, 0, len(c.by))
	for v := range c.by {
		values = append(values, v)
	}
	c.mu.Unlock()
	if len(values) == 0 {
		return
	}
	slices.Sort(values)
	c.header(w, "counter")
	for _, v := range values {
		sample(w, c.n, label(c.label, v), c.WithLabelValues(v).Value())
	}
}

// Gauge goes up and down.
type Gauge struct {
	desc
	v atomic.Uint64
}

// NewGauge registers a gauge on reg (nil: unserved).
func NewGauge(reg *Registry, name, help string) *Gauge {
	g := &Gauge{desc: desc{name, help}}
	reg.register(g)
	return g
}

// Set the gauge to v.
func (g *Gauge) Set(v float64) { g.v.Store(math.Float64bits(v)) }

// Value is the gauge's value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.v.Load()) }

func (g *Gauge) write(w *bufio.Writer) {
	g.header(w, "gauge")
	sample(w, g.n, "", g.Value())
}

type funcGauge struct {
	desc
	value func() float64
}

func (g *funcGauge) write(w *bufio.Writer) {
	g.header(w, "gauge")
	sample(w, g.n, "", g.value())
}

// Histogram counts observations in buckets by upper bound.
type Histogram struct {
	desc
	upper  []float64
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
}

// NewHistogram registers a histogram with the given bucket upper bounds
// (ascending) on reg (nil: unserved).
func NewHistogram(reg *Registry, name, help string, buckets []float64) *Histogram {
	h := &Histogram{desc: desc{name, help}, upper: buckets, counts: make([]uint64, len(buckets)+1)}
	reg.register(h)
	return h
}

// ExponentialBuckets are count upper bounds from start, each factor times
// the one before.
func ExponentialBuckets(start, factor float64, count int) []float64 {
	out := make([]float64, count)
	for i := range out {
		out[i] = start
		start *= factor
	}
	return out
}

// Observe counts v.
func (h *Histogram) Observe(v float64) {
	i, _ := slices.BinarySearch(h.upper, v)
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.mu.Unlock()
}

func (h *Histogram) write(w *bufio.Writer) {
	h.mu.Lock()
	counts, sum := slices.Clone(h.counts), h.sum
	h.mu.Unlock()
	h.header(w, "histogram")
	var cum uint64
	for i, n := range counts {
		cum += n
		le := math.Inf(1)
		if i < len(h.upper) {
			le = h.upper[i]
		}
		sample(w, h.n+"_bucket", label("le", formatFloat(le)), float64(cum))
	}
	sample(w, h.n+"_sum", "", sum)
	sample(w, h.n+"_count", "", float64(cum))
}

// residentBytes reads the process's resident set from /proc/self/statm.
func residentBytes() float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return math.NaN()
	}
	f := strings.Fields(string(raw))
	if len(f) < 2 {
		return math.NaN()
	}
	pages, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return math.NaN()
	}
	return pages * float64(os.Getpagesize())
}

// openFDs counts the process's open file descriptors: one per player
// connection, so a leak of them shows here first.
func openFDs() float64 {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return math.NaN()
	}
	return float64(len(entries))
}
