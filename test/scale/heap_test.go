//go:build scale

package scale

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// liveHeap forces a garbage collection in the operator (its heap profile
// with gc=1) and returns the heap it still holds, in bytes: what its
// objects cost, without the collector's headroom that RSS includes. With
// SCALE_PROFILE set, the heap profile is kept there as name.
func liveHeap(b *testing.B, op *operator, name string) float64 {
	b.Helper()
	resp, err := http.Get("http://" + op.pprofAddr + "/debug/pprof/heap?gc=1")
	must(b, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	must(b, err)
	if dir := os.Getenv("SCALE_PROFILE"); dir != "" {
		must(b, os.MkdirAll(dir, 0o755))
		must(b, os.WriteFile(filepath.Join(dir, name), raw, 0o644))
	}
	n, err := operatorMetric(op, "go_memstats_heap_alloc_bytes")
	must(b, err)
	return n
}
