package matchmaker

import (
	"context"
	"sync"
	"time"

	"github.com/go-logr/logr"
)

// labelWriter writes a claim's claimed label (pool.Claim) on the room;
// a room that is gone, or already claimed, counts as written.
type labelWriter interface {
	writeClaim(ctx context.Context, room, by string, at time.Time) error
}

// finisher writes the claimed label of the rooms claimed in Redis and
// then drops their claim records. The replica that claimed a room queues
// it at once; every replica also sweeps the records older than after, so
// a claim whose replica died, or whose write failed, is finished by
// whoever runs: a room claimed is never left looking warm.
type finisher struct {
	coord   *coord
	write   labelWriter
	buckets func() []string
	log     logr.Logger
	// after: a record this old is anyone's to finish.
	after time.Duration
	// every: how often the records are swept.
	every time.Duration

	queue chan claimRecord
	mu    sync.Mutex
	busy  map[string]bool
}

// Finisher timings: a claim's own replica writes its label within
// milliseconds; the sweep is for replicas that died or failed.
const (
	finishAfter   = 3 * time.Second
	finishEvery   = time.Second
	labelWorkers  = 4
	labelQueueCap = 4096
)

func newFinisher(c *coord, w labelWriter, buckets func() []string, log logr.Logger) *finisher {
	return &finisher{coord: c, write: w, buckets: buckets, log: log, after: finishAfter, every: finishEvery,
		queue: make(chan claimRecord, labelQueueCap), busy: map[string]bool{}}
}

// claimed queues the rooms this replica just claimed.
func (f *finisher) claimed(b bucketKeys, rooms []string, by string) {
	now := time.Now()
	for _, room := range rooms {
		f.enqueue(claimRecord{room: room, by: by, at: now, bucket: b})
	}
}

// enqueue queues a record unless it is being written; a full queue drops
// it, and the sweep finds it again.
func (f *finisher) enqueue(r claimRecord) {
	f.mu.Lock()
	if f.busy[r.room] {
		f.mu.Unlock()
		return
	}
	f.busy[r.room] = true
	f.mu.Unlock()
	select {
	case f.queue <- r:
	default:
		f.done(r.room)
	}
}

func (f *finisher) done(room string) {
	f.mu.Lock()
	delete(f.busy, room)
	f.mu.Unlock()
}

// run writes labels with a few workers, so a burst of claims does not
// become a burst of API writes beside the players' joins, and sweeps the
// records every f.every, the first time at once (a replica starting
// finishes what a dead one left).
func (f *finisher) run(ctx context.Context) {
	for range labelWorkers {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case r := <-f.queue:
					f.finish(ctx, r)
				}
			}
		}()
	}
	tick := time.NewTicker(f.every)
	defer tick.Stop()
	for {
		f.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (f *finisher) finish(ctx context.Context, r claimRecord) {
	defer f.done(r.room)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := f.write.writeClaim(wctx, r.room, r.by, r.at); err != nil {
		if ctx.Err() == nil {
			f.log.Error(err, "write a claim's label; the sweep retries it", "room", r.room)
		}
		return
	}
	if err := f.coord.settle(wctx, r); err != nil && ctx.Err() == nil {
		f.log.Error(err, "drop a finished claim record", "room", r.room)
	}
}

// sweep queues the claim records older than f.after in every bucket of
// the pool rooms this replica watches.
func (f *finisher) sweep(ctx context.Context) {
	now, err := f.coord.now(ctx)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Error(err, "read Redis's clock for the claim sweep")
		}
		return
	}
	for _, bucket := range f.buckets() {
		recs, err := f.coord.pendingClaims(ctx, bucketKeysOf(bucket))
		if err != nil {
			if ctx.Err() == nil {
				f.log.Error(err, "list claim records", "bucket", bucket)
			}
			continue
		}
		for _, r := range recs {
			if now.Sub(r.at) >= f.after {
				claimsFinished.Inc()
				f.enqueue(r)
			}
		}
	}
}
