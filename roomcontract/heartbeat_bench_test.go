package roomcontract

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/redisserver"
)

// What reading heartbeats costs the operator's collector: the bytes and
// allocations of one pipelined read of 1,000 rooms' heartbeats, per op.
//
//	go test -run '^$' -bench BenchmarkReadBeats -benchtime 200x ./roomcontract/
func BenchmarkReadBeats(b *testing.B) {
	c := redisserver.Start(b).Client(b)
	ctx := context.Background()
	rooms := make([]Room, 1000)
	now := time.Now()
	for i := range rooms {
		rooms[i] = For("games", fmt.Sprintf("room-%d", i))
		beat := Beat{Pod: rooms[i].Name + "-game", Time: now, Seated: 2, Connected: 1, LastActivity: now, Phase: PhasePlaying}
		if err := WriteBeat(ctx, c, rooms[i], beat, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, errs, err := ReadBeats(ctx, c, rooms); err != nil || errs[0] != nil {
			b.Fatal(err, errs[0])
		}
	}
}
