package actionlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

var keys = roomcontract.For("ns", "room")

func newLog(t *testing.T) (*Log, redis.UniversalClient) {
	t.Helper()
	c := redisserver.Pick(t).Client(t)
	return New(c, keys), c
}

func entry(seat int, id string) Entry {
	return Entry{
		ActionID: id,
		Seat:     seat,
		Action:   json.RawMessage(fmt.Sprintf(`{"type":"trail","card":"%s"}`, id)),
		Events:   json.RawMessage(fmt.Sprintf(`[{"type":"trailed","seat":%d}]`, seat)),
	}
}

func mustAppend(t *testing.T, l *Log, prev int64, e Entry) Ack {
	t.Helper()
	ack, err := l.Append(context.Background(), prev, e)
	if err != nil {
		t.Fatalf("append %s: %v", e.ActionID, err)
	}
	return ack
}

func streamLen(t *testing.T, c redis.UniversalClient) int64 {
	t.Helper()
	n, err := c.XLen(context.Background(), keys.Log()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAppendAssignsSequenceAndReadsBack(t *testing.T) {
	ctx := context.Background()
	l, _ := newLog(t)
	for i := int64(0); i < 5; i++ {
		ack := mustAppend(t, l, i, entry(int(i%2), fmt.Sprintf("a%d", i)))
		if ack != (Ack{Seq: i + 1}) {
			t.Fatalf("append %d: ack %+v", i, ack)
		}
	}
	got, err := l.After(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("after 2: %d entries, want 3", len(got))
	}
	for i, e := range got {
		want := entry(int((i+2)%2), fmt.Sprintf("a%d", i+2))
		want.Seq = int64(i + 3)
		if e.Seq != want.Seq || e.ActionID != want.ActionID || e.Seat != want.Seat ||
			string(e.Action) != string(want.Action) || string(e.Events) != string(want.Events) {
			t.Fatalf("entry %d = %+v, want %+v", i, e, want)
		}
	}
	if last, _ := l.LastSeq(ctx); last != 5 {
		t.Fatalf("last seq %d", last)
	}
}

func TestDuplicateActionIDReturnsOriginalAckAndAppendsNothing(t *testing.T) {
	l, c := newLog(t)
	mustAppend(t, l, 0, entry(0, "x"))
	mustAppend(t, l, 1, entry(1, "y"))
	tests := []struct {
		name string
		prev int64
	}{
		{"retry at the same state", 1},
		{"retry after the log moved on", 2},
		{"retry from a stale state", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := mustAppend(t, l, tt.prev, entry(0, "x"))
			if ack != (Ack{Seq: 1, Duplicate: true}) {
				t.Fatalf("ack %+v, want the original seq 1 as a duplicate", ack)
			}
			if n := streamLen(t, c); n != 2 {
				t.Fatalf("stream has %d entries, want 2", n)
			}
		})
	}
	// The same client-made id from another seat is another action.
	if ack := mustAppend(t, l, 2, entry(1, "x")); ack != (Ack{Seq: 3}) {
		t.Fatalf("other seat's x: %+v", ack)
	}
}

func TestAppendAtAStaleSequenceConflicts(t *testing.T) {
	l, c := newLog(t)
	mustAppend(t, l, 0, entry(0, "a"))
	_, err := l.Append(context.Background(), 0, entry(1, "b"))
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err %v, want ErrConflict", err)
	}
	if n := streamLen(t, c); n != 1 {
		t.Fatalf("stream has %d entries after a conflict", n)
	}
	if _, found, _ := l.Lookup(context.Background(), 1, "b"); found {
		t.Fatal("a refused append left a dedup record")
	}
}

// replayHook sends every script call twice, as go-redis does when a reply
// is lost to a timeout after Redis already ran the command.
type replayHook struct{}

func (replayHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (replayHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (replayHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name == "evalsha" || name == "eval" {
			if err := next(ctx, cmd); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}

func TestClientRetryAfterALostReplyAppendsOnce(t *testing.T) {
	c := redisserver.Pick(t).Client(t)
	c.AddHook(replayHook{})
	l := New(c, keys)
	ack := mustAppend(t, l, 0, entry(0, "a"))
	if ack.Seq != 1 {
		t.Fatalf("ack %+v, want seq 1", ack)
	}
	if !ack.Duplicate {
		t.Fatal("the hook did not replay the script; the test proves nothing")
	}
	if n := streamLen(t, c); n != 1 {
		t.Fatalf("stream has %d entries, want 1", n)
	}
	if last, _ := l.LastSeq(context.Background()); last != 1 {
		t.Fatalf("seq %d, want 1", last)
	}
}

func TestSnapshotKeepsNewest(t *testing.T) {
	ctx := context.Background()
	l, _ := newLog(t)
	if _, ok, err := l.LoadSnapshot(ctx); ok || err != nil {
		t.Fatalf("snapshot of an empty room: ok=%v err=%v", ok, err)
	}
	for i := int64(0); i < 10; i++ {
		mustAppend(t, l, i, entry(0, fmt.Sprintf("a%d", i)))
	}
	if err := l.SaveSnapshot(ctx, Snapshot{Seq: 8, State: []byte("eight")}); err != nil {
		t.Fatal(err)
	}
	if err := l.SaveSnapshot(ctx, Snapshot{Seq: 5, State: []byte("five")}); err != nil {
		t.Fatal(err)
	}
	s, ok, err := l.LoadSnapshot(ctx)
	if err != nil || !ok || s.Seq != 8 || string(s.State) != "eight" {
		t.Fatalf("snapshot %+v ok=%v err=%v, want the one at 8", s, ok, err)
	}
	rest, err := l.After(ctx, s.Seq)
	if err != nil || len(rest) != 2 || rest[0].Seq != 9 {
		t.Fatalf("after the snapshot: %+v %v", rest, err)
	}
}

// A replay needs the whole match, so snapshots never trim the log, however
// long it grows past them.
func TestSnapshotsNeverTrimTheLog(t *testing.T) {
	ctx := context.Background()
	l, c := newLog(t)
	const n = 2500
	for i := int64(0); i < n; i++ {
		mustAppend(t, l, i, entry(int(i%2), fmt.Sprintf("a%d", i)))
		if (i+1)%100 == 0 {
			if err := l.SaveSnapshot(ctx, Snapshot{Seq: i + 1, State: []byte("s")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if s, ok, _ := l.LoadSnapshot(ctx); !ok || s.Seq != n {
		t.Fatalf("latest snapshot %+v, want the one at %d", s, n)
	}
	if first, _ := l.FirstSeq(ctx); first != 1 {
		t.Fatalf("first kept seq %d, want 1: the log was trimmed", first)
	}
	if got := streamLen(t, c); got != n {
		t.Fatalf("stream holds %d entries, want all %d", got, n)
	}
}

func TestEachReadsPagesInOrder(t *testing.T) {
	ctx := context.Background()
	l, _ := newLog(t)
	n := int64(pageSize + 3)
	for i := int64(0); i < n; i++ {
		mustAppend(t, l, i, entry(0, fmt.Sprintf("a%d", i)))
	}
	var pages []int
	next := int64(1)
	err := l.Each(ctx, 0, func(page []Entry) error {
		pages = append(pages, len(page))
		for _, e := range page {
			if e.Seq != next {
				return fmt.Errorf("entry %d where %d was due", e.Seq, next)
			}
			next++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[0] != pageSize || pages[1] != 3 {
		t.Fatalf("pages of %v entries, want [%d 3]", pages, pageSize)
	}
	stop := errors.New("stop")
	calls := 0
	if err := l.Each(ctx, 0, func([]Entry) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("an error from fn: err %v after %d calls, want it back after 1", err, calls)
	}
}

func TestAfterPagesThroughLongLogs(t *testing.T) {
	ctx := context.Background()
	l, _ := newLog(t)
	n := int64(pageSize*2 + 7)
	for i := int64(0); i < n; i++ {
		mustAppend(t, l, i, entry(0, fmt.Sprintf("a%d", i)))
	}
	got, err := l.After(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got)) != n-3 {
		t.Fatalf("%d entries, want %d", len(got), n-3)
	}
	for i, e := range got {
		if e.Seq != int64(i)+4 {
			t.Fatalf("entry %d has seq %d", i, e.Seq)
		}
	}
}

func TestSetupIsChosenOnce(t *testing.T) {
	ctx := context.Background()
	l, _ := newLog(t)
	if _, ok, _ := l.LoadSetup(ctx); ok {
		t.Fatal("setup before any was saved")
	}
	first, err := l.SaveSetup(ctx, []byte(`{"seed":1}`))
	if err != nil || string(first) != `{"seed":1}` {
		t.Fatalf("first save: %s %v", first, err)
	}
	second, err := l.SaveSetup(ctx, []byte(`{"seed":2}`))
	if err != nil || string(second) != `{"seed":1}` {
		t.Fatalf("second save returned %s %v, want the first setup", second, err)
	}
	if got, ok, _ := l.LoadSetup(ctx); !ok || string(got) != `{"seed":1}` {
		t.Fatalf("stored %s", got)
	}
}

// docs/REDIS.md: an append waits for its replicas with WAIT n 500.
func TestWaitForReplicasIsBoundedAtHalfASecond(t *testing.T) {
	if WaitTimeout != 500*time.Millisecond {
		t.Errorf("WAIT's timeout is %s, docs/REDIS.md says 500 ms", WaitTimeout)
	}
}
