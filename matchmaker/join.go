package matchmaker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Why a seat could not be used.
var (
	// errSeatGone: the room has no such seat any more (full, or gone);
	// the seat is dropped.
	errSeatGone = errors.New("the room has no free seat")
	// errJoinFailed: the room did not seat the player for a reason of its
	// own (starting, storage); the seat goes back for the next player.
	errJoinFailed = errors.New("the room did not answer the join")
	// errPlayerAway: a player seated in the room left before its match
	// started, and the room takes nobody until they are back; its other
	// free seats are dropped too.
	errPlayerAway = fmt.Errorf("%w: a player seated there left before the match started", errSeatGone)
)

const maxJoinAnswer = 16 << 10

// joinRetries is how often a join the pod answers 503 is sent again
// (docs/MATCHMAKER.md): a pod that has just started may still be
// recovering its room.
const joinRetries = 3

// joiner seats a player in a room through the room pod's POST /join.
type joiner struct {
	cache client.Reader
	http  *http.Client
	// retries of a join the pod answers 503 (it is recovering).
	retries int
}

// join seats name in room ("<namespace>/<name>") and returns the pod's
// answer with the room's namespace and name added.
func (j *joiner) join(ctx context.Context, room, name string) (map[string]json.RawMessage, error) {
	ns, n, _ := strings.Cut(room, "/")
	body, _ := json.Marshal(map[string]string{"name": name})
	for attempt := 0; ; attempt++ {
		gr, err := j.routableRoom(ctx, client.ObjectKey{Namespace: ns, Name: n})
		if err != nil {
			return nil, err
		}
		answer, status, err := j.post(ctx, gr.Status.Endpoint, body)
		switch {
		case err == nil && status == http.StatusOK:
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(answer, &fields); err != nil {
				return nil, fmt.Errorf("room %s answered %q: %w", room, answer, errJoinFailed)
			}
			fields["namespace"], _ = json.Marshal(ns)
			fields["name"], _ = json.Marshal(n)
			return fields, nil
		case err == nil && status == http.StatusConflict:
			var refusal struct {
				Code string `json:"code"`
			}
			if json.Unmarshal(answer, &refusal) == nil && refusal.Code == roomcontract.CodePlayerAway {
				return nil, fmt.Errorf("room %s: %s: %w", room, answer, errPlayerAway)
			}
			return nil, fmt.Errorf("room %s: %s: %w", room, answer, errSeatGone)
		case err == nil && status != http.StatusServiceUnavailable && status < 500:
			return nil, fmt.Errorf("room %s refused the join (%d %s)", room, status, answer)
		}
		if attempt >= j.retries || ctx.Err() != nil {
			return nil, fmt.Errorf("room %s: status %d, %v: %w", room, status, err, errJoinFailed)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100*(attempt+1)) * time.Millisecond):
		}
	}
}

// cacheLag bounds how long a join waits for this replica's cache to show
// the room routable. The seat may come from a room another replica made
// or claimed, which saw it routable before handing out its seats: here
// it is only late, and a seat dropped for that would be lost to everyone.
const cacheLag = 5 * time.Second

// routableRoom is the room as this replica's cache shows it, once it
// shows it routable; errSeatGone if it does not within cacheLag.
func (j *joiner) routableRoom(ctx context.Context, key client.ObjectKey) (*gamesv1.GameRoom, error) {
	deadline := time.Now().Add(cacheLag)
	for {
		var gr gamesv1.GameRoom
		err := j.cache.Get(ctx, key, &gr)
		switch {
		case err == nil && routable(&gr):
			return &gr, nil
		case err != nil && !apierrors.IsNotFound(err):
			return nil, fmt.Errorf("room %s: %w (%v)", key, errSeatGone, err)
		case time.Now().After(deadline):
			return nil, fmt.Errorf("room %s is not routable after %s: %w", key, cacheLag, errSeatGone)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("room %s: %w (%v)", key, errSeatGone, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (j *joiner) post(ctx context.Context, endpoint string, body []byte) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+endpoint+"/join", bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := j.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxJoinAnswer+1))
	if err != nil || len(answer) > maxJoinAnswer {
		return nil, 0, errors.Join(errors.New("answer unreadable or too long"), err)
	}
	return answer, resp.StatusCode, nil
}
