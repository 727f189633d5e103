// Package playerclient is a player written from docs/PROTOCOL.md alone,
// for the suites that play through a real router: it joins a seat,
// holds the websocket, keeps its last sequence and plays cassino.Greedy.
// It decodes only the documented JSON fields, so what it relies on is
// what the page promises. Import it from tests only.
package playerclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// retryEvery is how long the client waits before asking again while a
// room is not routable yet or answers 503.
const retryEvery = 100 * time.Millisecond

// Joined is the router's answer to a join (PROTOCOL.md, Join).
type Joined struct {
	Room      string `json:"room"`
	PlayerID  string `json:"player_id"`
	Seat      int    `json:"seat"`
	Token     string `json:"token"`
	ExpiresAt int64  `json:"expires_at"`
	WS        string `json:"ws"`
}

// WaitRoutable waits until GET /v1/rooms/<ns>/<name> on the router at
// base says the room is routable: a room just created is not in the
// router's table yet.
func WaitRoutable(ctx context.Context, base, ns, name string) error {
	last := "no answer"
	for {
		var facts struct {
			Routable bool `json:"routable"`
		}
		resp, err := http.Get(base + "/v1/rooms/" + ns + "/" + name)
		if err != nil {
			last = err.Error()
		} else {
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			_ = json.Unmarshal(raw, &facts)
			if resp.StatusCode == http.StatusOK && facts.Routable {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, raw)
		}
		if err := sleep(ctx, retryEvery); err != nil {
			return fmt.Errorf("room %s/%s not routable: %w (last answer: %s)", ns, name, err, last)
		}
	}
}

// JoinRoom takes a seat through the router at base, asking again while
// the room's pod is not ready (503) or the router cannot be reached (it
// may be restarting); any other refusal is final.
func JoinRoom(ctx context.Context, base, ns, name, player string) (Joined, error) {
	body, _ := json.Marshal(map[string]string{"name": player})
	last := "no answer"
	for {
		resp, err := http.Post(base+"/v1/rooms/"+ns+"/"+name+"/join", "application/json", bytes.NewReader(body))
		if err != nil {
			last = err.Error()
		} else {
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				var j Joined
				if err := json.Unmarshal(raw, &j); err != nil {
					return Joined{}, fmt.Errorf("join %s/%s: answer %s: %w", ns, name, raw, err)
				}
				return j, nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, raw)
			if resp.StatusCode != http.StatusServiceUnavailable {
				return Joined{}, fmt.Errorf("join %s/%s: %s", ns, name, last)
			}
		}
		if err := sleep(ctx, retryEvery); err != nil {
			return Joined{}, fmt.Errorf("join %s/%s: %w (last answer: %s)", ns, name, err, last)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
