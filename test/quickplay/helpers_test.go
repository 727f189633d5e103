package quickplay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/platformtest"
)

// playBody is a quick play for a 2-seat table scoring to target.
func playBody(target int32, name, requestID string) map[string]any {
	return map[string]any{
		"game": "cassino", "players": 2, "rules": map[string]any{"targetScore": target},
		"name": name, "request_id": requestID,
	}
}

func twoSeats(target int32) gamesv1.GameRoomSpec {
	return gamesv1.GameRoomSpec{MaxPlayers: 2, Rules: gamesv1.CassinoRules{TargetScore: ptr.To(target)}}
}

// playAll sends the bodies at once, spread over the router and every
// matchmaker replica (as replicas behind one Service would get them),
// and returns each answer.
func playAll(t *testing.T, bodies []map[string]any) []platformtest.Seat {
	t.Helper()
	bases := append([]string{plat.URL()}, plat.MatchmakerURLs()[1:]...)
	seats := make([]platformtest.Seat, len(bodies))
	errs := make([]error, len(bodies))
	var wg sync.WaitGroup
	for i, b := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, raw, err := platformtest.Play(bases[i%len(bases)], b)
			switch {
			case err != nil:
				errs[i] = err
			case status != http.StatusOK:
				errs[i] = fmt.Errorf("status %d: %s", status, raw)
			default:
				errs[i] = json.Unmarshal(raw, &seats[i])
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("player %d: %v", i, err)
		}
	}
	return seats
}

func roomsIn(t *testing.T, ns string) map[string]gamesv1.GameRoom {
	t.Helper()
	var list gamesv1.GameRoomList
	if err := plat.Client.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	out := map[string]gamesv1.GameRoom{}
	for _, gr := range list.Items {
		out[gr.Name] = gr
	}
	return out
}

// metric reads one sample of a matchmaker's /metrics (0 when absent).
func metric(t testing.TB, base, name string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}
