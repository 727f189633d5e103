//go:build scale

package scale

import (
	"context"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
)

// startProfiles, when SCALE_PROFILE names a directory, takes a CPU profile
// of the operator and one of the API server over SCALE_PROFILE_SECONDS
// (default 20) from now, while the rooms are created, into operator.pprof
// and apiserver.pprof there. The returned function waits for both.
func startProfiles(b *testing.B, ctx context.Context, cs kubernetes.Interface, op *operator) (wait func()) {
	dir := os.Getenv("SCALE_PROFILE")
	if dir == "" {
		return func() {}
	}
	must(b, os.MkdirAll(dir, 0o755))
	seconds := os.Getenv("SCALE_PROFILE_SECONDS")
	if seconds == "" {
		seconds = "20"
	}
	var wg sync.WaitGroup
	wg.Go(func() { operatorProfile(b, op, seconds, filepath.Join(dir, "operator.pprof")) })
	wg.Go(func() {
		raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/profile").Param("seconds", seconds).DoRaw(ctx)
		if err != nil {
			b.Logf("API server profile: %v", err)
			return
		}
		saveProfile(b, filepath.Join(dir, "apiserver.pprof"), strings.NewReader(string(raw)))
	})
	return wg.Wait
}

// steadyProfile, when SCALE_PROFILE names a directory, takes a CPU
// profile of the operator over the steady window (every room beating,
// nothing changing) into operator-steady.pprof: the sweeps' own cost.
func steadyProfile(b *testing.B, op *operator, window time.Duration) (wait func()) {
	dir := os.Getenv("SCALE_PROFILE")
	if dir == "" {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		operatorProfile(b, op, strconv.Itoa(int(window.Seconds())), filepath.Join(dir, "operator-steady.pprof"))
	})
	return wg.Wait
}

// operatorProfile takes a CPU profile of the operator over seconds into
// path.
func operatorProfile(b *testing.B, op *operator, seconds, path string) {
	resp, err := http.Get("http://" + op.pprofAddr + "/debug/pprof/profile?seconds=" + seconds)
	if err != nil {
		b.Logf("operator profile: %v", err)
		return
	}
	defer resp.Body.Close()
	saveProfile(b, path, resp.Body)
}

func saveProfile(b *testing.B, path string, r io.Reader) {
	f, err := os.Create(path)
	if err != nil {
		b.Logf("profile: %v", err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		b.Logf("profile %s: %v", path, err)
	}
}

// logWritesPerRoom logs the API writes between two counts per room, by
// resource, verb and answer, and returns the operator's own: all of them
// but the benchmark's (the GameRoom creates, and the pod status updates
// that play the kubelet).
func logWritesPerRoom(b *testing.B, before, after map[string]float64, rooms int) float64 {
	var own float64
	for _, k := range slices.Sorted(maps.Keys(after)) {
		n := after[k] - before[k]
		if n == 0 {
			continue
		}
		mine := strings.HasPrefix(k, "gamerooms POST") || strings.HasPrefix(k, "pods/status PUT")
		who := "operator"
		if mine {
			who = "benchmark"
		} else {
			own += n
		}
		b.Logf("writes per room: %-28s %7.3f  (%s)", k, n/float64(rooms), who)
	}
	return own / float64(rooms)
}
