package quickplay

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// Malformed quick plays get 400 with a code and a message, through the
// router, and claim, create or seat nothing.
func TestBadQuickPlaysAreRefusedAndChangeNothing(t *testing.T) {
	const target = 43
	ns := plat.Namespace(t)
	plat.WarmPool(t, ns, "bad", 1, twoSeats(target))
	before := len(roomsIn(t, platformtest.PlayNamespace))
	ok := `"game":"cassino","players":2,"rules":{"targetScore":43},"name":"Ann","request_id":"bad-00000001"`
	for _, tt := range []struct{ name, body, code string }{
		{"not JSON", "play please", "bad_request"},
		{"unknown field", `{` + ok + `,"seat":0}`, "bad_request"},
		{"trailing data", `{` + ok + `} {}`, "bad_request"},
		{"over 4 KiB", `{` + ok + `,"pad":"` + strings.Repeat("x", 5000) + `"}`, "bad_request"},
		{"no request_id", `{"game":"cassino","players":2,"name":"Ann"}`, "bad_request"},
		{"unknown game", `{"game":"chess","players":2,"name":"Ann","request_id":"bad-00000002"}`, "bad_game"},
		{"six players", `{"game":"cassino","players":6,"name":"Ann","request_id":"bad-00000003"}`, "bad_players"},
		{"no person's seat", `{"game":"cassino","players":2,"bots":2,"name":"Ann","request_id":"bad-00000004"}`, "bad_players"},
		{"unknown rule", `{"game":"cassino","players":2,"rules":{"wild":true},"name":"Ann","request_id":"bad-00000005"}`, "bad_request"},
		{"target out of range", `{"game":"cassino","players":2,"rules":{"targetScore":500},"name":"Ann","request_id":"bad-00000006"}`, "bad_rules"},
		{"no name", `{"game":"cassino","players":2,"rules":{"targetScore":43},"name":"","request_id":"bad-00000007"}`, "bad_name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw, err := platformtest.Play(plat.URL(), tt.body)
			if err != nil {
				t.Fatal(err)
			}
			var e struct{ Code, Message string }
			_ = json.Unmarshal(raw, &e)
			if status != http.StatusBadRequest || e.Code != tt.code || e.Message == "" {
				t.Errorf("got %d %s, want 400 %s with a message", status, raw, tt.code)
			}
		})
	}
	time.Sleep(time.Second)
	for name, gr := range roomsIn(t, ns) {
		if pool.IsClaimed(&gr) || gr.Status.Players.Seated != 0 {
			t.Errorf("room %s was claimed or seated by a refused request", name)
		}
	}
	if after := len(roomsIn(t, platformtest.PlayNamespace)); after != before {
		t.Errorf("refused requests created %d rooms", after-before)
	}
}
