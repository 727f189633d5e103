package router

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func postPlay(t *testing.T, base, body string) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.Post(base+"/v1/play", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header
}

func TestPlayWithoutAMatchmakerSaysQuickPlayIsOff(t *testing.T) {
	tr := startRouter(t, nil)
	status, body, _ := postPlay(t, tr.url, `{}`)
	if status != http.StatusServiceUnavailable || body["code"] != CodePlayUnavailable {
		t.Errorf("got %d %v, want 503 %s", status, body, CodePlayUnavailable)
	}
}

func TestPlayIsCarriedToTheMatchmaker(t *testing.T) {
	var calls atomic.Int32
	var answer atomic.Value
	answer.Store(`{"room":"games/t1","player_id":"p","seat":0,"token":"v1.x","expires_at":1,"namespace":"games","name":"t1"}`)
	mm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/play" || r.Method != http.MethodPost || string(body) != `{"name":"Ann"}` {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path+" "+string(body), http.StatusTeapot)
			return
		}
		if a := answer.Load().(string); strings.HasPrefix(a, "400") {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(a[3:]))
			return
		}
		_, _ = w.Write([]byte(answer.Load().(string)))
	}))
	defer mm.Close()
	tr := startRouter(t, func(o *Options) { o.MatchmakerURL = mm.URL + "/" })

	status, body, _ := postPlay(t, tr.url, `{"name":"Ann"}`)
	if status != http.StatusOK || body["ws"] != "/v1/rooms/games/t1/ws" || body["token"] != "v1.x" {
		t.Errorf("seat: %d %v, want the matchmaker's answer plus ws", status, body)
	}

	answer.Store(`400{"code":"bad_players","message":"players must be 2, 3 or 4"}`)
	status, body, h := postPlay(t, tr.url, `{"name":"Ann"}`)
	if status != http.StatusBadRequest || body["code"] != "bad_players" || h.Get("Retry-After") != "7" {
		t.Errorf("refusal: %d %v %v, want the matchmaker's 400 as it was", status, body, h)
	}

	// A seat whose room is no Kubernetes name never becomes a path.
	answer.Store(`{"namespace":"../x","name":"t1"}`)
	if status, body, _ = postPlay(t, tr.url, `{"name":"Ann"}`); status != http.StatusServiceUnavailable || body["code"] != CodePlayUnavailable {
		t.Errorf("bad seat: %d %v", status, body)
	}

	before := calls.Load()
	status, body, _ = postPlay(t, tr.url, `{"name":"`+strings.Repeat("a", 5000)+`"}`)
	if status != http.StatusBadRequest || body["code"] != CodeBadRequest || calls.Load() != before {
		t.Errorf("over 4 KiB: %d %v, matchmaker called %d times, want 400 and no call", status, body, calls.Load()-before)
	}
}

func TestPlayWithTheMatchmakerDownIs503(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	_ = l.Close()
	tr := startRouter(t, func(o *Options) { o.MatchmakerURL = url })
	status, body, h := postPlay(t, tr.url, `{}`)
	if status != http.StatusServiceUnavailable || body["code"] != CodePlayUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("got %d %v, want 503 %s with Retry-After", status, body, CodePlayUnavailable)
	}
}

// Quick plays count against an address's joins.
func TestPlayIsLimitedWithJoins(t *testing.T) {
	mm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"namespace":"games","name":"t1"}`))
	}))
	defer mm.Close()
	tr := startRouter(t, func(o *Options) { o.MatchmakerURL = mm.URL; o.Limits.JoinsPerIPPerMinute = 1 })
	if status, body, _ := postPlay(t, tr.url, `{}`); status != http.StatusOK {
		t.Fatalf("first play: %d %v", status, body)
	}
	status, body, h := postPlay(t, tr.url, `{}`)
	if status != http.StatusTooManyRequests || body["code"] != CodeTooManyJoins || h.Get("Retry-After") == "" {
		t.Errorf("second play: %d %v, want 429 %s", status, body, CodeTooManyJoins)
	}
}

// The handshake timeout bounds sending the request, not the matchmaker's
// answer: a quick play may wait for a room's pod to start.
func TestPlayMayTakeLongerThanTheHandshakeTimeout(t *testing.T) {
	mm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(time.Second)
		_, _ = w.Write([]byte(`{"namespace":"games","name":"t1","token":"v1.x"}`))
	}))
	defer mm.Close()
	tr := startRouter(t, func(o *Options) { o.MatchmakerURL = mm.URL; o.Limits.HandshakeTimeout = 200 * time.Millisecond })
	if status, body, _ := postPlay(t, tr.url, `{"name":"Ann"}`); status != http.StatusOK || body["token"] != "v1.x" {
		t.Errorf("got %d %v, want the seat", status, body)
	}
}

// docs/ROUTER.md: /v1/play, like a join, is refused to a browser page of
// another origin, and no answer carries CORS headers.
func TestPlayFromAnotherOriginIsRefusedWithoutCORSHeaders(t *testing.T) {
	mm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"room":"games/t1","player_id":"p","seat":0,"token":"v1.x","expires_at":1,"namespace":"games","name":"t1"}`))
	}))
	defer mm.Close()
	tr := startRouter(t, func(o *Options) { o.MatchmakerURL = mm.URL })
	req, _ := http.NewRequest(http.MethodPost, tr.url+"/v1/play", strings.NewReader(`{"name":"Ann"}`))
	req.Header.Set("Origin", "https://elsewhere.example")
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a quick play from another origin: %d, want 403", resp.StatusCode)
	}
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("the answer carries %s; no page of another origin may read it", k)
		}
	}
}
