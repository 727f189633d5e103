package actionlog

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/rediscluster"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// What waiting for a replica costs an append, beside its floor: a raw
// round trip (PING) to the same Redis, measured in the same run.
//
//	go test -run '^$' -bench BenchmarkAppendWait -benchtime 2000x ./gameserver/actionlog/
func BenchmarkAppendWait(b *testing.B) {
	ctx := context.Background()
	single := redisserver.Start(b).Client(b)
	cluster := rediscluster.Start(b)
	onCluster := cluster.Client(b)
	node, err := onCluster.(*redis.ClusterClient).MasterForKey(ctx, keys.Log())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("single/floor-ping", func(b *testing.B) { ping(b, single) })
	b.Run("single/append", func(b *testing.B) { appendN(b, New(single, fresh("s"))) })
	b.Run("cluster/floor-ping", func(b *testing.B) { ping(b, node) })
	b.Run("cluster/append", func(b *testing.B) { appendN(b, New(onCluster, fresh("c"))) })
	b.Run("cluster/append-wait-1", func(b *testing.B) { appendN(b, New(onCluster, fresh("w")).WithWaitReplicas(1)) })
}

var rooms int

func fresh(prefix string) roomcontract.Room {
	rooms++
	return roomcontract.For("bench", fmt.Sprintf("%s-%d", prefix, rooms))
}

func ping(b *testing.B, c redis.Cmdable) {
	for b.Loop() {
		if err := c.Ping(context.Background()).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

func appendN(b *testing.B, l *Log) {
	var seq int64
	for b.Loop() {
		ack, err := l.Append(context.Background(), seq, entry(0, fmt.Sprint("a", seq)))
		if err != nil {
			b.Fatal(err)
		}
		seq = ack.Seq
	}
}
