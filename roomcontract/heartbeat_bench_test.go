package roomcontract

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/benchcpu"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// What reading heartbeats costs: one read of 1,000 rooms' heartbeats per
// op, the reader's CPU, bytes and allocations (the garbage the operator's
// collector pays for) beside redis-server's CPU. "hashes" is ReadBeats,
// one pipelined HGETALL per room. "script" is the road not taken: a
// script that reads 250 hashes and hands their fields back packed in one
// string, so the reader makes almost no garbage; its packing is the
// cheapest there is (fields joined by a space, nothing escaped), so its
// Redis CPU is a lower bound.
//
//	go test -run '^$' -bench BenchmarkReadBeats -benchtime 500x -count 3 ./roomcontract/
func BenchmarkReadBeats(b *testing.B) {
	srv := redisserver.Start(b)
	c := srv.Client(b)
	ctx := context.Background()
	rooms := make([]Room, 1000)
	keys := make([]string, len(rooms))
	now := time.Now()
	for i := range rooms {
		rooms[i] = For("games", fmt.Sprintf("room-%d", i))
		beat := Beat{Pod: rooms[i].Name + "-game", Time: now, Seated: 2, Connected: 1, LastActivity: now, Phase: PhasePlaying}
		if err := WriteBeat(ctx, c, rooms[i], beat, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	if err := packedBeats.Load(ctx, c).Err(); err != nil {
		b.Fatal(err)
	}
	measure := func(b *testing.B, read func() error) {
		b.ReportAllocs()
		defer benchcpu.Report(b)()
		defer benchcpu.ReportOther(b, srv.Pid(), "redis-cpu-ns/op")()
		for b.Loop() {
			if err := read(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("hashes", func(b *testing.B) {
		measure(b, func() error {
			beats, errs, err := ReadBeats(ctx, c, rooms)
			if err == nil && (errs[999] != nil || beats[999].Pod != "room-999-game") {
				err = fmt.Errorf("read %+v, %v", beats[999], errs[999])
			}
			return err
		})
	})
	b.Run("script", func(b *testing.B) {
		measure(b, func() error {
			for i, r := range rooms {
				keys[i] = r.Heartbeat()
			}
			cmds := make([]*redis.Cmd, 0, 4)
			_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for lo := 0; lo < len(keys); lo += 250 {
					cmds = append(cmds, packedBeats.EvalSha(ctx, p, keys[lo:lo+250], "pod", "ts", "seated", "connected", "lastActivity", "phase", "dataLost"))
				}
				return nil
			})
			if s, _ := cmds[3].Val().(string); err == nil && len(s) < 250*40 {
				err = fmt.Errorf("read %q", s)
			}
			return err
		})
	})
}

var packedBeats = redis.NewScript(`
local out = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('HMGET', k, unpack(ARGV))
  for j = 1, #ARGV do if not v[j] then v[j] = '' end end
  out[i] = table.concat(v, ' ')
end
return table.concat(out, '\n')
`)
