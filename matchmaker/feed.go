package matchmaker

import (
	"context"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// feeder keeps each table's warm set and lobby in Redis in step with this
// replica's watch of GameRooms, so a claim is one script in Redis with no
// API call. Every replica feeds; the scripts make feeding the same room
// twice harmless, and a room whose seats were handed out never goes back.
type feeder struct {
	cache client.Reader
	coord *coord
	queue workqueue.TypedInterface[string]

	mu sync.Mutex
	// fed: each room's bucket and the state last fed, so a room's status
	// refreshes that change nothing cost Redis nothing.
	fed map[string]fedRoom
}

type fedRoom struct {
	bucket string
	state  string
	free   int32
	pooled bool // a pool's room: its table may hold claims
}

func newFeeder(c client.Reader, co *coord) *feeder {
	return &feeder{cache: c, coord: co, queue: workqueue.NewTyped[string](), fed: map[string]fedRoom{}}
}

// handler queues the key of every room the watch reports.
func (f *feeder) handler() toolscache.ResourceEventHandler {
	add := func(obj any) {
		if o, ok := obj.(client.Object); ok {
			f.queue.Add(o.GetNamespace() + "/" + o.GetName())
		} else if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
			f.queue.Add(d.Key)
		}
	}
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    add,
		UpdateFunc: func(_, n any) { add(n) },
		DeleteFunc: add,
	}
}

// run feeds queued rooms until ctx ends.
func (f *feeder) run(ctx context.Context, log func(error, string, ...any)) {
	go func() { <-ctx.Done(); f.queue.ShutDown() }()
	for {
		key, quit := f.queue.Get()
		if quit {
			return
		}
		if err := f.feedRoom(ctx, key); err != nil && ctx.Err() == nil {
			log(err, "feed a room to Redis", "room", key)
			// The next event or resync feeds it again.
			f.forget(key)
		}
		f.queue.Done(key)
	}
}

// resync forgets what was fed and queues every cached room: Redis gets
// the whole picture again (after it restarted, or a lost feed).
func (f *feeder) resync(ctx context.Context) error {
	var list gamesv1.GameRoomList
	if err := f.cache.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	f.mu.Lock()
	clear(f.fed)
	f.mu.Unlock()
	for i := range list.Items {
		f.queue.Add(list.Items[i].Namespace + "/" + list.Items[i].Name)
	}
	return nil
}

// drained waits until the queue is empty (Start's first feed).
func (f *feeder) drained(ctx context.Context) bool {
	for f.queue.Len() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

func (f *feeder) forget(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.fed, key)
}

// buckets are the tables of the pool rooms fed (for the claim finisher).
func (f *feeder) buckets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, r := range f.fed {
		if r.pooled && !seen[r.bucket] {
			seen[r.bucket] = true
			out = append(out, r.bucket)
		}
	}
	return out
}

func (f *feeder) feedRoom(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	var gr gamesv1.GameRoom
	err := f.cache.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &gr)
	gone := apierrors.IsNotFound(err)
	f.mu.Lock()
	last, known := f.fed[key]
	f.mu.Unlock()
	var next fedRoom
	switch {
	case gone:
		if !known {
			return nil
		}
		next = fedRoom{bucket: last.bucket, state: feedGone}
		if last.state == feedOpen || last.state == feedClosed {
			next.state = feedDeleted
		}
	case err != nil:
		return err
	default:
		next = roomState(&gr)
	}
	if known && last == next {
		return nil
	}
	if err := f.coord.feed(ctx, bucketKeysOf(next.bucket), key, next.state, next.free); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if gone {
		delete(f.fed, key)
	} else {
		f.fed[key] = next
	}
	return nil
}

// roomState is what Redis is told of a room. A room that is neither a
// pool's nor listed is closed: told once, so a room unlisted after it was
// fed (or while no replica ran) leaves its table's lobby.
func roomState(gr *gamesv1.GameRoom) fedRoom {
	t := TableOf(&gr.Spec)
	r := fedRoom{bucket: t.Bucket()}
	switch {
	case gr.Labels[pool.LabelPool] != "":
		r.pooled = true
		switch {
		case pool.IsClaimed(gr):
			r.state = feedLabelled
		case pool.IsDraining(gr) || gr.DeletionTimestamp != nil:
			r.state = feedDrained
		case claimable(gr):
			r.state = feedWarm
		default:
			r.state = feedOut
		}
	case listed(gr):
		r.state = feedClosed
		if gr.Status.Phase == gamesv1.PhaseReady && routable(gr) && freeSeats(gr) > 0 {
			r.state, r.free = feedOpen, freeSeats(gr)
		}
	default:
		r.state = feedClosed
	}
	return r
}
