package quickplay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/platformtest"
)

// A request retried, or sent twice at once, with one request_id gets one
// seat: the same player, seat and token, and the room counts one player.
func TestSameRequestIDGetsTheSameSeatOnce(t *testing.T) {
	const target = 41
	ns := plat.Namespace(t)
	plat.WarmPool(t, ns, "idem", 2, twoSeats(target))
	body := playBody(target, "Ann", fmt.Sprintf("idem-%d", time.Now().UnixNano()))

	answers := make([][]byte, 3)
	var wg sync.WaitGroup
	for i := range 2 { // two at once: one via the router, one via the other replica
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := []string{plat.URL(), plat.MatchmakerURLs()[1]}[i]
			status, raw, err := platformtest.Play(base, body)
			if err != nil || status != http.StatusOK {
				t.Errorf("play %d: %d %s %v", i, status, raw, err)
			}
			answers[i] = raw
		}()
	}
	wg.Wait()
	status, raw, err := platformtest.Play(plat.URL(), body) // a retry after the answer
	if err != nil || status != http.StatusOK {
		t.Fatalf("retry: %d %s %v", status, raw, err)
	}
	answers[2] = raw

	var first platformtest.Seat
	if err := json.Unmarshal(answers[0], &first); err != nil || first.Token == "" {
		t.Fatalf("answer %s: %v", answers[0], err)
	}
	for i, a := range answers[1:] {
		var s platformtest.Seat
		_ = json.Unmarshal(a, &s)
		if s.PlayerID != first.PlayerID || s.Token != first.Token || s.Name != first.Name || s.Seat != first.Seat {
			t.Errorf("answer %d differs from the first: %s vs %s", i+1, bytes.TrimSpace(a), bytes.TrimSpace(answers[0]))
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		f, _ := plat.Facts(t, ns, first.Name)
		if f.Seated == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %s seats %d, want the one player", first.Name, f.Seated)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The same request_id with another body is refused, and seats nobody.
	other := playBody(target, "Bob", body["request_id"].(string))
	status, raw, _ = platformtest.Play(plat.URL(), other)
	if status != http.StatusConflict || !bytes.Contains(raw, []byte(`"request_id_reused"`)) {
		t.Errorf("reused request_id: %d %s, want 409 request_id_reused", status, raw)
	}
	time.Sleep(2 * time.Second) // two heartbeats: a wrong seat would show
	if f, _ := plat.Facts(t, ns, first.Name); f.Seated != 1 {
		t.Errorf("room %s seats %d after the refused reuse, want 1", first.Name, f.Seated)
	}
}
