//go:build scale

package scale

import (
	"context"
	"maps"
	"strings"

	"k8s.io/client-go/kubernetes"

	"github.com/croupier-dev/croupier/internal/platformtest"
)

// apiWrites counts the API server's write requests (create, update,
// patch, delete) on GameRooms, pods and events since it started, from its
// own /metrics: it counts every client, so only read it in a window where
// the operator is the only writer.
func apiWrites(ctx context.Context, cs kubernetes.Interface) (float64, error) {
	by, err := apiWritesBy(ctx, cs)
	var total float64
	for n := range maps.Values(by) {
		total += n
	}
	return total, err
}

// apiWritesBy is apiWrites broken down by resource, subresource, verb
// and answer code ("gamerooms/status PUT 200"), to tell what a room costs.
func apiWritesBy(ctx context.Context, cs kubernetes.Interface) (map[string]float64, error) {
	all, err := platformtest.RequestCounts(ctx, cs)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for k, n := range all {
		if isWrite(k) {
			out[k] = n
		}
	}
	return out, nil
}

// isWrite: a key of RequestCounts ("pods/status PUT 200") that writes a
// GameRoom, a pod or an event.
func isWrite(key string) bool {
	f := strings.Fields(key)
	if len(f) != 3 {
		return false
	}
	resource, _, _ := strings.Cut(f[0], "/")
	switch resource {
	case "gamerooms", "pods", "events":
	default:
		return false
	}
	switch f[1] {
	case "POST", "PUT", "PATCH", "DELETE":
		return true
	}
	return false
}
