package room_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// BenchmarkRedisBytesPerMatch is what a finished match keeps in Redis
// until its room is deleted, now that the log is never trimmed: MEMORY
// USAGE of every key of the room after a whole match of random legal
// plays (a seed per iteration), with the default rules and snapshots.
// The floor is the payload alone: the bytes of every entry's fields and
// dedup record, with no Redis overhead. replay-B is the size of the
// room's GET /replay answer.
func BenchmarkRedisBytesPerMatch(b *testing.B) {
	for _, players := range []int{2, 4} {
		b.Run(fmt.Sprintf("%d-players", players), func(b *testing.B) {
			srv := redisserver.Start(b)
			rdb := srv.Client(b)
			ctx := context.Background()
			var redisB, floorB, replayB, entries float64
			for i := range b.N {
				if err := rdb.FlushAll(ctx).Err(); err != nil {
					b.Fatal(err)
				}
				seed := int64(1000 + i)
				r := openRoom(b, rdb, cassino.DefaultOptions(players), func(c *room.Config) {
					c.Seed = func() (int64, error) { return seed, nil }
				})
				_, conns := seat(b, r, players)
				randomOut(b, r, seed, conns)
				if err := roomcontract.WriteBeat(ctx, rdb, keys, r.Beat("table-1-game"), time.Minute); err != nil {
					b.Fatal(err)
				}
				for _, k := range keys.All() {
					redisB += float64(rdb.MemoryUsage(ctx, k, 0).Val())
				}
				floorB += float64(payload(b, rdb))
				var w countWriter
				if err := r.WriteReplay(ctx, &w); err != nil {
					b.Fatal(err)
				}
				replayB += float64(w)
				entries += float64(r.Seq())
			}
			n := float64(b.N)
			b.ReportMetric(redisB/n, "redis-B/match")
			b.ReportMetric(floorB/n, "floor-payload-B/match")
			b.ReportMetric(replayB/n, "replay-B/match")
			b.ReportMetric(entries/n, "entries/match")
			b.ReportMetric(redisB/entries, "redis-B/entry")
		})
	}
}

// randomOut plays the room's match to the end with random legal plays,
// chosen from a reference match dealt from the same seed.
func randomOut(tb testing.TB, r *room.Room, seed int64, conns []*fakeConn) {
	tb.Helper()
	ref, _, err := cassino.New(cassino.Setup{Options: cassino.DefaultOptions(len(conns)), Seed: seed})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for n := 0; !ref.Finished(); n++ {
		s := ref.Turn()
		legal := ref.View(s).Legal
		a := legal[rng.IntN(len(legal))]
		r.Act(context.Background(), s, conns[s], protocol.Act{ActionID: fmt.Sprintf("s%d-%d", s, n), Action: a})
		if _, err := ref.Apply(s, a); err != nil {
			tb.Fatal(err)
		}
		for _, c := range conns {
			c.mu.Lock()
			c.frames = c.frames[:0]
			c.mu.Unlock()
		}
	}
	if r.Phase() != roomcontract.PhaseFinished {
		tb.Fatalf("room phase %s after the reference match ended", r.Phase())
	}
}

// payload is the bytes of the log's field names and values and of the
// dedup hash's fields and values: what Redis stores before its overhead.
func payload(tb testing.TB, rdb redis.UniversalClient) int {
	tb.Helper()
	ctx := context.Background()
	msgs, err := rdb.XRange(ctx, keys.Log(), "-", "+").Result()
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		for k, v := range m.Values {
			n += len(k) + len(v.(string))
		}
	}
	dedup, err := rdb.HGetAll(ctx, keys.Dedup()).Result()
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range dedup {
		n += len(k) + len(v)
	}
	return n
}

type countWriter int

func (w *countWriter) Write(b []byte) (int, error) { *w += countWriter(len(b)); return len(b), nil }

// BenchmarkReplayOfTheLongestMatch is GET /replay's work for the longest
// match the rules allow (7,537 entries): its size, which the router's
// bound must exceed, and its time beside the floor of reading the log
// alone.
func BenchmarkReplayOfTheLongestMatch(b *testing.B) {
	rdb, _ := recordedMatch(b, nil)
	r := openRoom(b, rdb, longestMatch(), nil)
	ctx := context.Background()
	b.Run("replay", func(b *testing.B) {
		var w countWriter
		for range b.N {
			w = 0
			if err := r.WriteReplay(ctx, &w); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(w), "replay-B")
		b.ReportMetric(float64(r.Seq()), "entries")
	})
	b.Run("floor-read-log", func(b *testing.B) {
		for range b.N {
			if _, err := actionlog.New(rdb, keys).After(ctx, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
