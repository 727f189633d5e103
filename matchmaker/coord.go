package matchmaker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// seatedChannel carries the ticket of every player a seat was given to,
// so the replica holding that player wakes it at once.
const seatedChannel = "croupier:mm:seated"

// Leases and lifetimes of the seat coordination (see CoordTimes).
type CoordTimes struct {
	// PlayerLease: a waiting player not heard of this long (its replica
	// died) is dropped from the queue. Waiters renew it every Poll.
	PlayerLease time.Duration
	// Poll: how often a waiting player checks in without a notice.
	Poll time.Duration
	// ObtainLease bounds one obtain (a claim, or a room created and
	// started); past it the room is counted as never coming.
	ObtainLease time.Duration
	// Keep: a bucket's keys expire this long after their last write.
	Keep time.Duration
	// Supplied: a room counts as supplied (its seats handed out) this long.
	Supplied time.Duration
}

// DefaultCoordTimes suit rooms that start within two minutes.
var DefaultCoordTimes = CoordTimes{
	PlayerLease: 10 * time.Second,
	Poll:        time.Second,
	ObtainLease: 3 * time.Minute,
	Keep:        time.Hour,
	Supplied:    time.Hour,
}

// coord is the Redis side of seating: buckets, queues, mailboxes.
type coord struct {
	rdb   redis.UniversalClient
	times CoordTimes

	mu      sync.Mutex
	waiters map[string]chan struct{}
}

func newCoord(rdb redis.UniversalClient, times CoordTimes) *coord {
	return &coord{rdb: rdb, times: times, waiters: map[string]chan struct{}{}}
}

// bucketKeys are the keys of one table in Redis; they share a hash tag.
type bucketKeys struct {
	prefix string
	keys   []string
}

func keysOf(t Table) bucketKeys { return bucketKeysOf(t.Bucket()) }

// bucketKeysOf are the keys of a bucket by its name (Table.Bucket).
func bucketKeysOf(bucket string) bucketKeys {
	p := fmt.Sprintf("croupier:mm:{%s}:", bucket)
	return bucketKeys{prefix: p, keys: []string{p + "free", p + "queue", p + "alive", p + "obtaining", p + "warm", p + "claims", p + "lobby"}}
}

func (b bucketKeys) warm() string   { return b.keys[4] }
func (b bucketKeys) claims() string { return b.keys[5] }

func (b bucketKeys) mailbox(ticket string) string { return b.prefix + "mbox:" + ticket }

// Kinds of step a player takes next.
const (
	stepSeat   = "seat"
	stepObtain = "obtain"
	stepWait   = "wait"
)

type step struct {
	kind string
	room string // the room of a seat
	// claimed are the warm rooms this step claimed, their labels to write.
	claimed []string
}

func (c *coord) run(ctx context.Context, s *redis.Script, b bucketKeys, args ...any) (any, error) {
	argv := append([]any{b.prefix, c.times.Keep.Milliseconds()}, args...)
	return s.Run(ctx, c.rdb, b.keys, argv...).Result()
}

// decide runs arrive or poll; by is the replica's name, written in the
// records of the rooms it claims.
func (c *coord) decide(ctx context.Context, s *redis.Script, b bucketKeys, ticket, oid string, seats int32, by string) (step, error) {
	v, err := c.run(ctx, s, b, ticket, seats, c.times.PlayerLease.Milliseconds(), c.times.ObtainLease.Milliseconds(), oid,
		by, c.times.Supplied.Milliseconds())
	if err != nil {
		return step{}, err
	}
	r, ok := v.([]any)
	if !ok || len(r) < 2 {
		return step{}, fmt.Errorf("seat script answered %v", v)
	}
	kind, _ := r[0].(string)
	room, _ := r[1].(string)
	st := step{kind: kind, room: room}
	for _, x := range r[2:] {
		if claimed, ok := x.(string); ok {
			st.claimed = append(st.claimed, claimed)
		}
	}
	return st, nil
}

func (c *coord) arrive(ctx context.Context, b bucketKeys, ticket, oid string, seats int32, by string) (step, error) {
	return c.decide(ctx, arriveScript, b, ticket, oid, seats, by)
}

func (c *coord) poll(ctx context.Context, b bucketKeys, ticket, oid string, seats int32, by string) (step, error) {
	return c.decide(ctx, pollScript, b, ticket, oid, seats, by)
}

// States of a pool room that feed tells Redis (see feedScript).
const (
	feedWarm     = "warm"
	feedOut      = "out"
	feedDrained  = "drained"
	feedLabelled = "labelled"
	feedGone     = "gone"
	feedOpen     = "open"
	feedClosed   = "closed"
	feedDeleted  = "deleted" // a listed room, gone: not marked, its name may come back
)

// feed tells Redis a room's state as this replica's watch shows it; free
// is a listed room's free seats (state open).
func (c *coord) feed(ctx context.Context, b bucketKeys, room, state string, free int32) error {
	_, err := c.run(ctx, feedScript, b, room, state, c.times.Supplied.Milliseconds(), free)
	return err
}

// claimRecord is a room claimed in Redis whose label is not written yet.
type claimRecord struct {
	room   string
	by     string
	at     time.Time
	bucket bucketKeys
}

// pendingClaims lists a bucket's claim records.
func (c *coord) pendingClaims(ctx context.Context, b bucketKeys) ([]claimRecord, error) {
	m, err := c.rdb.HGetAll(ctx, b.claims()).Result()
	if err != nil {
		return nil, err
	}
	out := make([]claimRecord, 0, len(m))
	for room, raw := range m {
		out = append(out, parseClaim(b, room, raw))
	}
	return out, nil
}

// parseClaim reads "<ms> <claimant>"; a malformed time reads as the epoch,
// so the record is finished at once rather than never.
func parseClaim(b bucketKeys, room, raw string) claimRecord {
	ms, by, _ := strings.Cut(raw, " ")
	n, _ := strconv.ParseInt(ms, 10, 64)
	return claimRecord{room: room, by: by, at: time.UnixMilli(n), bucket: b}
}

// settle drops a claim record whose label is written.
func (c *coord) settle(ctx context.Context, r claimRecord) error {
	_, err := c.run(ctx, settleScript, r.bucket, r.room)
	return err
}

// now is Redis's clock, which claim records are written with.
func (c *coord) now(ctx context.Context) (time.Time, error) {
	return c.rdb.Time(ctx).Result()
}

// supply hands out a room's free seats; it returns how many it added (0:
// the room was supplied already).
func (c *coord) supply(ctx context.Context, b bucketKeys, room string, seats int32, oid string) (int64, error) {
	v, err := c.run(ctx, supplyScript, b, room, seats, oid, c.times.Supplied.Milliseconds())
	n, _ := v.(int64)
	return n, err
}

func (c *coord) release(ctx context.Context, b bucketKeys, oid string) error {
	_, err := c.run(ctx, releaseScript, b, oid)
	return err
}

func (c *coord) giveBack(ctx context.Context, b bucketKeys, room string) error {
	_, err := c.run(ctx, giveBackScript, b, room)
	return err
}

func (c *coord) drop(ctx context.Context, b bucketKeys, room string) error {
	_, err := c.run(ctx, dropScript, b, room)
	return err
}

func (c *coord) leave(ctx context.Context, b bucketKeys, ticket string) error {
	_, err := c.run(ctx, leaveScript, b, ticket)
	return err
}

// take pops a seat from a player's mailbox ("" when it is empty).
func (c *coord) take(ctx context.Context, b bucketKeys, ticket string) (string, error) {
	room, err := c.rdb.LPop(ctx, b.mailbox(ticket)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return room, err
}

// listen wakes local waiters on seat notices until ctx ends. A notice
// lost (a reconnect) only delays its player to its next Poll.
func (c *coord) listen(ctx context.Context) {
	ps := c.rdb.Subscribe(ctx, seatedChannel)
	defer ps.Close()
	ch := ps.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			c.mu.Lock()
			w := c.waiters[m.Payload]
			c.mu.Unlock()
			if w != nil {
				select {
				case w <- struct{}{}:
				default:
				}
			}
		}
	}
}

// notices registers a ticket's wake-up channel; call the returned func
// when the player is done waiting.
func (c *coord) notices(ticket string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	c.waiters[ticket] = ch
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.waiters, ticket)
		c.mu.Unlock()
	}
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
