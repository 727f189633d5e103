package actionlog

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// pageSize bounds one XRANGE reply, so reading a long log never asks Redis
// for one huge reply.
const pageSize = 1000

// After returns every entry with a sequence greater than after, in order.
func (l *Log) After(ctx context.Context, after int64) ([]Entry, error) {
	var out []Entry
	for {
		msgs, err := l.c.XRangeN(ctx, l.keys.Log(), "("+strconv.FormatInt(after, 10)+"-0", "+", pageSize).Result()
		if err != nil {
			return nil, fmt.Errorf("read log after %d: %w", after, err)
		}
		for _, m := range msgs {
			e, err := decode(m)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
			after = e.Seq
		}
		if len(msgs) < pageSize {
			return out, nil
		}
	}
}

// At returns the entry at seq; found is false when the log does not hold it.
func (l *Log) At(ctx context.Context, seq int64) (e Entry, found bool, err error) {
	id := strconv.FormatInt(seq, 10) + "-0"
	msgs, err := l.c.XRangeN(ctx, l.keys.Log(), id, id, 1).Result()
	if err != nil {
		return Entry{}, false, fmt.Errorf("read log entry %d: %w", seq, err)
	}
	if len(msgs) == 0 {
		return Entry{}, false, nil
	}
	e, err = decode(msgs[0])
	return e, err == nil, err
}

func decode(m redis.XMessage) (Entry, error) {
	seqStr, _, _ := strings.Cut(m.ID, "-")
	seq, err := strconv.ParseInt(seqStr, 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("log entry %s: bad id: %w", m.ID, err)
	}
	str := func(k string) string { s, _ := m.Values[k].(string); return s }
	seat, err := strconv.Atoi(str("seat"))
	if err != nil {
		return Entry{}, fmt.Errorf("log entry %s: bad seat: %w", m.ID, err)
	}
	e := Entry{
		Seq:      seq,
		ActionID: str("action_id"),
		Seat:     seat,
		Action:   json.RawMessage(str("action")),
		Events:   json.RawMessage(str("events")),
	}
	if !json.Valid(e.Action) || !json.Valid(e.Events) {
		return Entry{}, fmt.Errorf("log entry %s: action or events are not JSON", m.ID)
	}
	return e, nil
}
