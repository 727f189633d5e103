package roomcontract

// The heartbeat is the contract between a game pod, which writes its
// liveness and presence into Redis every period, and the operator, which
// reads it to replace silent pods and collect abandoned rooms.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Hash fields of the heartbeat key (see docs/REDIS.md).
const (
	FieldPod          = "pod"          // name of the pod that wrote it
	FieldTime         = "ts"           // write time, Unix milliseconds
	FieldSeated       = "seated"       // players holding a seat
	FieldConnected    = "connected"    // players with an open connection
	FieldLastActivity = "lastActivity" // last connect, disconnect or action, Unix ms; 0 if never
	FieldPhase        = "phase"        // one of the Phase constants
	// FieldDataLost is "true" once the pod found that Redis lost the
	// room's stored match; absent or "false" otherwise.
	FieldDataLost = "dataLost"
)

// Beat is one heartbeat.
type Beat struct {
	Pod       string
	Time      time.Time
	Seated    int
	Connected int
	// LastActivity is zero when no player has ever connected.
	LastActivity time.Time
	Phase        string
	// DataLost: the pod found that Redis lost the room's stored match
	// (its setup, epoch or log), and refuses to play on from nothing.
	DataLost bool
}

func (b Beat) fields() map[string]any {
	return map[string]any{
		FieldPod:          b.Pod,
		FieldTime:         b.Time.UnixMilli(),
		FieldSeated:       b.Seated,
		FieldConnected:    b.Connected,
		FieldLastActivity: unixMilli(b.LastActivity),
		FieldPhase:        b.Phase,
		FieldDataLost:     strconv.FormatBool(b.DataLost),
	}
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Write stores b as the room's heartbeat. The key expires after ttl so a
// room whose pod vanished for good does not keep a stale beat forever.
func WriteBeat(ctx context.Context, c redis.UniversalClient, room Room, b Beat, ttl time.Duration) error {
	key := room.Heartbeat()
	_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, b.fields())
		p.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("write heartbeat %s: %w", key, err)
	}
	return nil
}

// ErrNoBeat means the room has no heartbeat in Redis: its pod never wrote
// one, or the last one expired.
var ErrNoBeat = errors.New("no heartbeat")

// Read returns the heartbeat of each room, in order, with one pipelined
// round trip. A room without a heartbeat gets ErrNoBeat in errs; a Redis
// failure is returned as err and no result should be trusted.
func ReadBeats(ctx context.Context, c redis.UniversalClient, rooms []Room) (beats []Beat, errs []error, err error) {
	cmds := make([]*redis.MapStringStringCmd, len(rooms))
	_, err = c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range rooms {
			cmds[i] = p.HGetAll(ctx, r.Heartbeat())
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read heartbeats: %w", err)
	}
	beats = make([]Beat, len(rooms))
	errs = make([]error, len(rooms))
	for i, cmd := range cmds {
		m := cmd.Val()
		if len(m) == 0 {
			errs[i] = ErrNoBeat
			continue
		}
		beats[i], errs[i] = parse(m)
	}
	return beats, errs, nil
}

func parse(m map[string]string) (Beat, error) {
	var b Beat
	var err error
	num := func(field string) int64 {
		if err != nil {
			return 0
		}
		var v int64
		v, err = strconv.ParseInt(m[field], 10, 64)
		if err != nil {
			err = fmt.Errorf("heartbeat field %q: %w", field, err)
		}
		return v
	}
	b.Pod = m[FieldPod]
	b.Phase = m[FieldPhase]
	b.DataLost = m[FieldDataLost] == "true"
	b.Time = time.UnixMilli(num(FieldTime))
	b.Seated = int(num(FieldSeated))
	b.Connected = int(num(FieldConnected))
	if la := num(FieldLastActivity); la != 0 {
		b.LastActivity = time.UnixMilli(la)
	}
	return b, err
}
