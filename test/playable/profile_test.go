package playable

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"testing"

	"k8s.io/client-go/kubernetes"
)

// startProfiles, when PLAYABLE_PROFILE names a directory, takes CPU
// profiles over PLAYABLE_PROFILE_SECONDS (default 10) from now: the API
// server's (apiserver.pprof) and this process's (platform.pprof: the
// operator, the pod runner, the router). It also logs the API requests
// each room cost, by resource and verb, once the returned func is called.
func startProfiles(b *testing.B, rooms int) (done func()) {
	dir := os.Getenv("PLAYABLE_PROFILE")
	if dir == "" {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	seconds := 10
	if n, err := strconv.Atoi(os.Getenv("PLAYABLE_PROFILE_SECONDS")); err == nil && n > 0 {
		seconds = n
	}
	ctx := context.Background()
	before, err := plat.APIRequests(ctx)
	if err != nil {
		b.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(plat.Config)
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/profile").Param("seconds", strconv.Itoa(seconds)).DoRaw(ctx)
		if err != nil {
			b.Logf("API server profile: %v", err)
			return
		}
		save(b, filepath.Join(dir, "apiserver.pprof"), raw)
	})
	var own bytes.Buffer
	if err := pprof.StartCPUProfile(&own); err != nil {
		b.Fatal(err)
	}
	return func() {
		wg.Wait()
		pprof.StopCPUProfile()
		save(b, filepath.Join(dir, "platform.pprof"), own.Bytes())
		after, err := plat.APIRequests(ctx)
		if err != nil {
			b.Logf("API requests: %v", err)
			return
		}
		for _, k := range slices.Sorted(maps.Keys(after)) {
			if n := after[k] - before[k]; n > 0 {
				// Printed, not logged: a benchmark's log keeps 10 lines.
				fmt.Printf("API requests per room: %-36s %7.2f\n", k, n/float64(rooms))
			}
		}
	}
}

func save(b *testing.B, path string, raw []byte) {
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		b.Logf("profile %s: %v", path, err)
	}
}
