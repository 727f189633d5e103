package routing

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/playerclient"
)

// BenchmarkActionLatency plays whole two-player matches on real game pods
// and times each action from send to ack: direct to the pod (the floor)
// and through the router. Run with -benchtime=Nx (N matches each).
func BenchmarkActionLatency(b *testing.B) {
	ns := plat.Namespace(b)
	rooms := 0 // the framework runs each sub-benchmark more than once
	for _, via := range []string{"direct", "router"} {
		b.Run(via, func(b *testing.B) {
			var rtts []time.Duration
			for range b.N {
				b.StopTimer()
				rooms++
				room := fmt.Sprintf("%s-%d", via, rooms)
				plat.CreateRoom(b, ns, room, 2)
				var endpoint string
				if via == "direct" {
					endpoint = roomEndpoint(b, ns, room)
				}
				opts := throughRouter()
				opts.Direct, opts.RTTs = endpoint, &rtts
				ps := playerclient.Seat(b, opts, ns, room, 2)
				b.StartTimer()
				playMatch(b, ps, nil)
				ps.Close()
			}
			slices.Sort(rtts)
			b.ReportMetric(float64(rtts[len(rtts)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(rtts[len(rtts)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(len(rtts)), "actions")
		})
	}
}

func roomEndpoint(b *testing.B, ns, name string) string {
	b.Helper()
	room := getRoomTB(b, ns, name)
	if room.Status.Endpoint == "" {
		b.Fatal("routable room without an endpoint")
	}
	return room.Status.Endpoint
}
