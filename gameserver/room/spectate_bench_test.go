package room_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// BenchmarkSpectatorsPerAction is what spectators add to an action: a
// whole two-player match played through Room.Act, with no spectator (the
// floor: the same room, same Redis, same run) and with ten, without and
// with a delay. The spectators' table is a second fold of each entry and
// one more encoded frame, shared by every spectator.
func BenchmarkSpectatorsPerAction(b *testing.B) {
	rdb := redisserver.Start(b).Client(b)
	opts := cassino.DefaultOptions(2)
	for _, tc := range []struct {
		watchers int
		delay    int64
	}{{0, 0}, {10, 0}, {10, 50}} {
		b.Run(fmt.Sprintf("spectators-%d-delay-%d", tc.watchers, tc.delay), func(b *testing.B) {
			mod := func(c *room.Config) { c.Spectators = room.Spectators{Allowed: true, Max: 10, Delay: tc.delay} }
			actions := 0
			b.StopTimer()
			for range b.N {
				if err := rdb.FlushAll(context.Background()).Err(); err != nil {
					b.Fatal(err)
				}
				r := openRoom(b, rdb, opts, mod)
				_, conns := seat(b, r, opts.Players)
				for range tc.watchers {
					w := &fakeConn{}
					if err := r.Watch(context.Background(), "watch-x", nil, w); err != nil {
						b.Fatal(err)
					}
					conns = append(conns, w)
				}
				b.StartTimer()
				actions += playOut(b, r, opts, conns)
				b.StopTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(actions)/1e3, "µs/action")
		})
	}
}
