package controllers

import (
	"bytes"
	"encoding/json"
	"fmt"
	goruntime "runtime"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/cache"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// BenchmarkCachedRoomBytes is what one room's cached objects cost in
// the operator's heap: its GameRoom and its pod as the API server sends
// them at steady state (Ready with a player, the kubelet's full pod
// status), decoded as the informers decode them (the GameRoom from JSON,
// the pod from protobuf), passed through the cache's transforms and kept
// in an informer store with its namespace index. "stripped" is the floor
// the transforms improve on: managedFields and the pod spec stripped
// alone. The figures are the live heap after a collection, per room,
// split by kind; "applied": the room carries kubectl's
// last-applied-configuration.
//
//	go test -run '^$' -bench BenchmarkCachedRoomBytes -benchtime 2000x ./controllers/
func BenchmarkCachedRoomBytes(b *testing.B) {
	for _, applied := range []bool{false, true} {
		for _, tc := range []struct {
			name      string
			room, pod func(any) (any, error)
		}{
			{"stripped", stripManagedFields, stripManagedFieldsAndSpec},
			{"trimmed", trimRoom, trimPod},
		} {
			b.Run(fmt.Sprintf("applied=%t/%s", applied, tc.name), func(b *testing.B) {
				roomJSON, podProto := steadyRoom(b, applied)
				rooms := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
				pods := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
				start := liveHeap()
				b.ResetTimer()
				for i := range b.N {
					add(b, rooms, decodeAs(b, benchCodecs.UniversalDeserializer(), roomJSON, fmt.Sprintf("room-%05d", i)), tc.room)
				}
				b.StopTimer()
				withRooms := liveHeap()
				b.StartTimer()
				for i := range b.N {
					add(b, pods, decodeAs(b, benchProto, podProto, PodName(fmt.Sprintf("room-%05d", i))), tc.pod)
				}
				b.StopTimer()
				withPods := liveHeap()
				b.ReportMetric(float64(withPods-start)/float64(b.N), "heap-B/room")
				b.ReportMetric(float64(withRooms-start)/float64(b.N), "gameroom-B")
				b.ReportMetric(float64(withPods-withRooms)/float64(b.N), "pod-B")
				b.ReportMetric(float64(len(roomJSON)), "gameroom-json-B")
				goruntime.KeepAlive(rooms)
				goruntime.KeepAlive(pods)
			})
		}
	}
}

// stripManagedFields and stripManagedFieldsAndSpec are what the cache
// did before it trimmed to what the operator reads.
func stripManagedFields(obj any) (any, error) {
	if o, ok := obj.(metav1.Object); ok {
		o.SetManagedFields(nil)
	}
	return obj, nil
}

func stripManagedFieldsAndSpec(obj any) (any, error) {
	if pod, ok := obj.(*corev1.Pod); ok {
		pod.Spec = corev1.PodSpec{}
	}
	return stripManagedFields(obj)
}

func liveHeap() uint64 {
	goruntime.GC()
	goruntime.GC()
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	return m.HeapAlloc
}

func add(b *testing.B, store cache.Indexer, obj any, transform func(any) (any, error)) {
	out, err := transform(obj)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Add(out); err != nil {
		b.Fatal(err)
	}
}

// decodeAs decodes raw as an informer does, then names the object, so
// no two objects share a string.
func decodeAs(b *testing.B, d runtime.Decoder, raw []byte, name string) any {
	obj, _, err := d.Decode(raw, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	o := obj.(metav1.Object)
	o.SetName(name)
	o.SetUID(types.UID(name + "-uid"))
	return obj
}

var (
	benchScheme = func() *runtime.Scheme {
		s := runtime.NewScheme()
		_ = clientgoscheme.AddToScheme(s)
		_ = gamesv1.AddToScheme(s)
		return s
	}()
	benchCodecs = serializer.NewCodecFactory(benchScheme)
	benchProto  = protobuf.NewSerializer(benchScheme, benchScheme)
)

// steadyRoom is a room (JSON) and its pod (protobuf) as the API server
// sends them once the room is Ready with a player: the operator's status,
// the kubelet's.
func steadyRoom(b *testing.B, applied bool) (room, pod []byte) {
	r := gameroomtest.MakeGameRoom("room-00000", "scale").Obj()
	r.TypeMeta = metav1.TypeMeta{APIVersion: gamesv1.GroupVersion.String(), Kind: "GameRoom"}
	r.UID, r.ResourceVersion, r.Generation = "room-uid", "123456", 1
	r.CreationTimestamp = metav1.NewTime(t0)
	r.Finalizers = []string{gamesv1.FinalizerRedisCleanup}
	if applied {
		manifest, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		r.Annotations = map[string]string{lastApplied: string(manifest)}
	}
	p := kubeletPod(r, corev1.PodRunning, true)
	p.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
	p.Annotations, p.Finalizers = nil, nil
	r.Status = computeStatus(observed{room: r, pod: p, now: t0.Add(time.Minute),
		presence:   &Presence{Seated: 1, Connected: 1, LastHeartbeat: t0.Add(time.Minute), LastActivity: t0.Add(time.Minute)},
		heartbeats: knownCondition(&roomcontract.Beat{})})
	room, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := benchProto.Encode(p, &buf); err != nil {
		b.Fatal(err)
	}
	return room, buf.Bytes()
}
