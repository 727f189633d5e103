package actionlog

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// The epoch is a random id stored with the setup by one script, so either
// both exist or neither does. It never changes while the room lives. A pod
// that holds it in memory and finds another (or none) in Redis knows the
// room's keys were lost, not merely never written.

var (
	//go:embed start.lua
	startSource string
	startScript = redis.NewScript(startSource)
)

// Start stores the match setup with the room's epoch unless a setup is
// stored already, and returns what is stored: two pods racing to start the
// same match agree on the first setup (and epoch) written. A setup stored
// without an epoch gets this one.
func (l *Log) Start(ctx context.Context, setup []byte, epoch string) (storedSetup []byte, storedEpoch string, err error) {
	res, err := startScript.Run(ctx, l.c, []string{l.keys.Setup(), l.keys.Epoch()}, setup, epoch).StringSlice()
	if err != nil {
		return nil, "", fmt.Errorf("save match setup: %w", err)
	}
	if len(res) != 2 || res[1] == "" {
		return nil, "", fmt.Errorf("save match setup: script returned %q", res)
	}
	return []byte(res[0]), res[1], nil
}

// Stored is what a room's keys say about its match, read in one round
// trip: the setup (nil before the match starts), the epoch, and the last
// sequence of the log.
type Stored struct {
	Setup   []byte
	Epoch   string
	LastSeq int64
}

// LoadStored reads the setup, epoch and last sequence together.
func (l *Log) LoadStored(ctx context.Context) (Stored, error) {
	vals, err := l.c.MGet(ctx, l.keys.Setup(), l.keys.Epoch(), l.keys.Seq()).Result()
	if err != nil {
		return Stored{}, fmt.Errorf("load match setup: %w", err)
	}
	var st Stored
	if s, ok := vals[0].(string); ok {
		st.Setup = []byte(s)
	}
	st.Epoch, _ = vals[1].(string)
	if s, ok := vals[2].(string); ok {
		if st.LastSeq, err = strconv.ParseInt(s, 10, 64); err != nil {
			return Stored{}, fmt.Errorf("load log sequence %q: %w", s, err)
		}
	}
	return st, nil
}
