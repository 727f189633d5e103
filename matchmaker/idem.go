package matchmaker

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// errRequestReused: a request_id came back with another body.
var errRequestReused = errors.New("request_id was used for another request")

// requests make POST /v1/play idempotent on request_id: the first request
// holds a pending record while it seats its player and then stores the
// answer; a retry gets the stored answer, and a concurrent duplicate waits
// for it. A request that fails removes its record, so a retry seats anew.
type requests struct {
	rdb        redis.UniversalClient
	pendingTTL time.Duration
	resultTTL  time.Duration
	pollEvery  time.Duration
}

type requestRecord struct {
	State  string          `json:"state"` // pending or done
	Digest string          `json:"digest"`
	Owner  string          `json:"owner,omitempty"`
	Answer json.RawMessage `json:"answer,omitempty"`
}

func requestKey(id string) string { return "croupier:mm:req:{" + id + "}" }

// begin returns the stored answer of id, or owner != "" when this call
// is the one to seat the player (and must finish or abandon).
func (s *requests) begin(ctx context.Context, id, digest string) (answer json.RawMessage, owner string, err error) {
	key := requestKey(id)
	for {
		owner = randomID()
		pending, _ := json.Marshal(requestRecord{State: "pending", Digest: digest, Owner: owner})
		ok, err := s.rdb.SetNX(ctx, key, pending, s.pendingTTL).Result()
		if err != nil {
			return nil, "", err
		}
		if ok {
			return nil, owner, nil
		}
		raw, err := s.rdb.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			continue // the first one failed and left: take over
		}
		if err != nil {
			return nil, "", err
		}
		var rec requestRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			return nil, "", err
		}
		if rec.Digest != digest {
			return nil, "", errRequestReused
		}
		if rec.State == "done" {
			return rec.Answer, "", nil
		}
		if !sleep(ctx, s.pollEvery) {
			return nil, "", ctx.Err()
		}
	}
}

// finish stores the answer for retries.
func (s *requests) finish(ctx context.Context, id, digest string, answer json.RawMessage) error {
	done, _ := json.Marshal(requestRecord{State: "done", Digest: digest, Answer: answer})
	return s.rdb.Set(ctx, requestKey(id), done, s.resultTTL).Err()
}

// abandonScript deletes a pending record only if this request owns it.
var abandonScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).owner == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

func (s *requests) abandon(ctx context.Context, id, owner string) error {
	return abandonScript.Run(ctx, s.rdb, []string{requestKey(id)}, owner).Err()
}
