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
	err := l.Each(ctx, after, func(page []Entry) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

// Each calls fn with the entries after the sequence after, in order, one
// page (at most pageSize entries) at a time, so a reader that streams them
// on holds one page however long the log is. An error from fn stops it.
func (l *Log) Each(ctx context.Context, after int64, fn func([]Entry) error) error {
	page := make([]Entry, 0, pageSize)
	for {
		msgs, err := l.c.XRangeN(ctx, l.keys.Log(), "("+strconv.FormatInt(after, 10)+"-0", "+", pageSize).Result()
		if err != nil {
			return fmt.Errorf("read log after %d: %w", after, err)
		}
		page = page[:0]
		for _, m := range msgs {
			e, err := decode(m)
			if err != nil {
				return err
			}
			page = append(page, e)
			after = e.Seq
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if len(msgs) < pageSize {
			return nil
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
