package actionlog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/redisserver"
)

var emptyScript = redis.NewScript(`return {1, 0}`)

// What the append script costs beside a raw XADD of the same size and an
// empty script, on the same redis-server, one of each in turn so that the
// machine's load falls on all three alike.
//
//	go test -run '^$' -bench BenchmarkAppendScript -benchtime 5000x ./gameserver/actionlog/
func BenchmarkAppendScript(b *testing.B) {
	ctx := context.Background()
	c := redisserver.Start(b).Client(b)
	l := New(c, fresh("script"))
	payload := strings.Repeat("x", len(entry(0, "a0").Events)+len(entry(0, "a0").Action))
	var appends, xadds, empties []time.Duration
	var seq int64
	for b.Loop() {
		began := time.Now()
		ack, err := l.Append(ctx, seq, entry(0, fmt.Sprint("a", seq)))
		if err != nil {
			b.Fatal(err)
		}
		appends = append(appends, time.Since(began))
		seq = ack.Seq

		began = time.Now()
		if err := c.XAdd(ctx, &redis.XAddArgs{Stream: "floor", Values: []string{"events", payload}}).Err(); err != nil {
			b.Fatal(err)
		}
		xadds = append(xadds, time.Since(began))

		began = time.Now()
		if err := emptyScript.Run(ctx, c, nil).Err(); err != nil {
			b.Fatal(err)
		}
		empties = append(empties, time.Since(began))
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"append", appends}, {"floor-xadd", xadds}, {"empty-script", empties}} {
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2])/1e3, m.name+"-p50-µs")
		b.ReportMetric(float64(m.d[len(m.d)*99/100])/1e3, m.name+"-p99-µs")
	}
}
