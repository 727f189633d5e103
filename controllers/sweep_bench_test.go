package controllers

import (
	"context"
	"fmt"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	toolscache "k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlevent "sigs.k8s.io/controller-runtime/pkg/event"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/benchcpu"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

// BenchmarkSweep is one heartbeat sweep of a steady fleet, every room
// beating and nothing due, in the operator's own code: the rooms and pods
// are real decoded objects in informer stores, the heartbeats are in a
// real redis-server. The floor is the sweep's own Redis work alone: one
// pipelined read of the same heartbeats (roomcontract.ReadBeats). Both
// run under the operator's GC target, with the stores live, so the
// collector a sweep's garbage causes is counted where it falls.
//
//	go test -run '^$' -bench BenchmarkSweep -benchtime 20x ./controllers/
//
// SWEEP_ROOMS sets the fleet (10,000 by default).
func BenchmarkSweep(b *testing.B) {
	n := 10000
	if s := os.Getenv("SWEEP_ROOMS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	defer debug.SetGCPercent(debug.SetGCPercent(25)) // the operator's own target (operatorGCPercent)
	rc := redisserver.Start(b).Client(b)
	ctx := context.Background()
	now := t0.Add(2 * time.Minute)

	roomJSON, podProto := steadyRoom(b, false)
	rooms := toolscache.NewIndexer(toolscache.MetaNamespaceKeyFunc, toolscache.Indexers{toolscache.NamespaceIndex: toolscache.MetaNamespaceIndexFunc})
	pods := toolscache.NewIndexer(toolscache.MetaNamespaceKeyFunc, toolscache.Indexers{toolscache.NamespaceIndex: toolscache.MetaNamespaceIndexFunc})
	keys := make([]roomcontract.Room, n)
	for i := range n {
		name := fmt.Sprintf("room-%05d", i)
		room := decodeAs(b, benchCodecs.UniversalDeserializer(), roomJSON, name).(*gamesv1.GameRoom)
		add(b, rooms, room, trimRoom)
		add(b, pods, decodeAs(b, benchProto, podProto, PodName(name)), trimPod)
		keys[i] = roomcontract.For(room.Namespace, room.Name)
		beat := roomcontract.Beat{Pod: PodName(name), Time: now.Add(-time.Second), Seated: 1, Connected: 1,
			LastActivity: t0.Add(time.Minute), Phase: roomcontract.PhaseWaiting}
		if err := roomcontract.WriteBeat(ctx, rc, keys[i], beat, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	wake := make(chan ctrlevent.GenericEvent, n)
	w := &heartbeatSweep{
		r:     &GameRoomReconciler{Redis: rc, Clock: clocktesting.NewFakePassiveClock(now)},
		cache: storesCache{rooms: rooms, pods: pods},
		wake:  wake,
	}

	b.Run("sweep", func(b *testing.B) {
		b.ReportAllocs()
		defer benchcpu.Report(b)()
		defer reportGC(b)()
		for b.Loop() {
			if err := w.pass(ctx); err != nil {
				b.Fatal(err)
			}
		}
		if len(wake) != 0 {
			b.Fatalf("a steady fleet's sweep woke %d rooms", len(wake))
		}
	})
	b.Run("floor-read", func(b *testing.B) {
		b.ReportAllocs()
		defer benchcpu.Report(b)()
		defer reportGC(b)()
		for b.Loop() {
			for lo := 0; lo < n; lo += sweepBatch {
				if _, _, err := roomcontract.ReadBeats(ctx, rc, keys[lo:min(lo+sweepBatch, n)]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	goruntime.KeepAlive(w) // the cache stays live through the floor, as in the operator
}

// reportGC adds the collections per iteration: what a sweep's garbage
// costs is collections of a heap that is nearly all cache.
func reportGC(b *testing.B) func() {
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	start := m.NumGC
	return func() {
		goruntime.ReadMemStats(&m)
		if b.N > 0 {
			b.ReportMetric(float64(m.NumGC-start)/float64(b.N), "gc/op")
		}
	}
}

// storesCache is the part of the manager's cache the sweep uses: an
// informer per kind whose store holds the objects.
type storesCache struct {
	cache.Cache
	rooms, pods toolscache.Store
}

func (c storesCache) GetInformer(_ context.Context, obj client.Object, _ ...cache.InformerGetOption) (cache.Informer, error) {
	switch obj.(type) {
	case *gamesv1.GameRoom:
		return storeInformer{store: c.rooms}, nil
	case *corev1.Pod:
		return storeInformer{store: c.pods}, nil
	}
	return nil, fmt.Errorf("no informer for %T", obj)
}

type storeInformer struct {
	cache.Informer
	store toolscache.Store
}

func (i storeInformer) GetStore() toolscache.Store { return i.store }
