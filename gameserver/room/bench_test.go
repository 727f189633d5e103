package room_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// longestMatch is the longest match the engine allows: 4 players each for
// themselves, to the highest target score. It logs 7,536 actions with this
// seed: no legal match reaches 10,000 (cassino.MaxTargetScore bounds it).
func longestMatch() cassino.Options {
	o := cassino.DefaultOptions(4)
	o.Partnerships, o.TargetScore = false, cassino.MaxTargetScore
	return o
}

// playOut plays the room's whole match through Room.Act, returning the
// number of actions logged.
func playOut(tb testing.TB, r *room.Room, opts cassino.Options, conns []*fakeConn) int {
	tb.Helper()
	ref, _, err := cassino.New(cassino.Setup{Options: opts, Seed: 7})
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for !ref.Finished() {
		s := ref.Turn()
		a := cassino.Greedy(ref.View(s))
		r.Act(context.Background(), s, conns[s], protocol.Act{ActionID: fmt.Sprintf("a%d", n), Action: a})
		if _, err := ref.Apply(s, a); err != nil {
			tb.Fatal(err)
		}
		n++
		for _, c := range conns {
			c.mu.Lock()
			c.frames = c.frames[:0] // a client that keeps up
			c.mu.Unlock()
		}
	}
	if r.Seq() != int64(n+1) {
		tb.Fatalf("room at %d after %d actions", r.Seq(), n)
	}
	return n
}

func recordedMatch(b *testing.B, mod func(*room.Config)) (redis.UniversalClient, int) {
	rdb := redisserver.Start(b).Client(b)
	opts := longestMatch()
	r := openRoom(b, rdb, opts, mod)
	_, conns := seat(b, r, opts.Players)
	return rdb, playOut(b, r, opts, conns)
}

// BenchmarkRecovery is a new pod opening a room whose log holds the
// longest match: from the latest snapshot (every 100 actions, the default)
// and, as a worst case, from the setup with every entry replayed.
func BenchmarkRecovery(b *testing.B) {
	for _, tc := range []struct {
		name  string
		every int64
	}{{"snapshot-every-100", 100}, {"no-snapshot", 1 << 40}} {
		b.Run(tc.name, func(b *testing.B) {
			mod := func(c *room.Config) { c.SnapshotEvery = tc.every }
			rdb, actions := recordedMatch(b, mod)
			b.ResetTimer()
			for range b.N {
				openRoom(b, rdb, longestMatch(), mod)
			}
			b.ReportMetric(float64(actions), "logged-actions")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1e3, "recovery-ms")
		})
	}
}

// BenchmarkBytesPerAction is the Redis memory a logged action costs: its
// stream entry (action and full-information events) and its dedup record,
// every entry counted (the log is never trimmed).
func BenchmarkBytesPerAction(b *testing.B) {
	for range b.N {
		mod := func(c *room.Config) { c.SnapshotEvery = 1 << 40 }
		b.StopTimer()
		rdb, actions := recordedMatch(b, mod)
		ctx := context.Background()
		logBytes := rdb.MemoryUsage(ctx, keys.Log(), 0).Val()
		dedupBytes := rdb.MemoryUsage(ctx, keys.Dedup(), 0).Val()
		b.ReportMetric(float64(logBytes)/float64(actions+1), "log-B/action")
		b.ReportMetric(float64(dedupBytes)/float64(actions), "dedup-B/action")
		b.ReportMetric(float64(logBytes+dedupBytes)/float64(actions), "B/action")
		b.StartTimer()
	}
}
