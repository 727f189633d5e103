package actionlog

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Snapshot is an engine state and the log sequence it includes.
type Snapshot struct {
	Seq   int64
	State []byte
}

// SaveSnapshot stores s unless a snapshot at least as new exists. It never
// trims the log: recovery only needs what follows the snapshot, but a
// replay needs every entry, so the log keeps the whole match for the
// room's life.
func (l *Log) SaveSnapshot(ctx context.Context, s Snapshot) error {
	err := snapshotScript.Run(ctx, l.c, []string{l.keys.Snapshot()}, s.Seq, s.State).Err()
	if err != nil {
		return fmt.Errorf("save snapshot at %d: %w", s.Seq, err)
	}
	return nil
}

// LoadSnapshot returns the latest snapshot; ok is false when there is none.
func (l *Log) LoadSnapshot(ctx context.Context) (s Snapshot, ok bool, err error) {
	m, err := l.c.HGetAll(ctx, l.keys.Snapshot()).Result()
	if err != nil {
		return Snapshot{}, false, fmt.Errorf("load snapshot: %w", err)
	}
	if len(m) == 0 {
		return Snapshot{}, false, nil
	}
	seq, err := strconv.ParseInt(m["seq"], 10, 64)
	if err != nil {
		return Snapshot{}, false, fmt.Errorf("load snapshot: bad seq: %w", err)
	}
	return Snapshot{Seq: seq, State: []byte(m["state"])}, true, nil
}

// SaveSetup stores the match setup unless one is stored already, and
// returns the one that is stored: two pods racing to start the same match
// agree on the first setup written, so the shuffle seed is chosen once.
func (l *Log) SaveSetup(ctx context.Context, setup []byte) ([]byte, error) {
	old, err := l.c.SetArgs(ctx, l.keys.Setup(), setup, redis.SetArgs{Mode: "NX", Get: true}).Bytes()
	if errors.Is(err, redis.Nil) {
		return setup, nil
	}
	if err != nil {
		return nil, fmt.Errorf("save match setup: %w", err)
	}
	return old, nil
}

// LoadSetup returns the stored setup; ok is false before the match starts.
func (l *Log) LoadSetup(ctx context.Context) (setup []byte, ok bool, err error) {
	b, err := l.c.Get(ctx, l.keys.Setup()).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load match setup: %w", err)
	}
	return b, true, nil
}
