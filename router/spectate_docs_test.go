package router

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A watch counts against the address's joins per minute, the same budget
// as a join (docs/PROTOCOL.md and docs/ROUTER.md).
func TestWatchSharesTheJoinLimit(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /join", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"room":"ns/t","player_id":"p","seat":0,"token":"t","expires_at":1}`)
	})
	mux.HandleFunc("POST /watch", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"room":"ns/t","player_id":"watch-1","seat":-1,"role":"spectator","token":"t","expires_at":1,"delay":0}`)
	})
	pod := httptest.NewServer(mux)
	t.Cleanup(pod.Close)
	tr := startRouter(t, func(o *Options) { o.Limits.JoinsPerIPPerMinute = 2 })
	tr.setRoom("ns", "t", strings.TrimPrefix(pod.URL, "http://"))

	post := func(path string) (int, string, string) {
		t.Helper()
		resp, err := http.Post(tr.url+"/v1/rooms/ns/t/"+path, "application/json", strings.NewReader(`{"name":"Ann"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Code string `json:"code"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Code, resp.Header.Get("Retry-After")
	}
	if status, code, _ := post("join"); status != http.StatusOK {
		t.Fatalf("join: %d %s", status, code)
	}
	if status, code, _ := post("watch"); status != http.StatusOK {
		t.Fatalf("first watch: %d %s", status, code)
	}
	for _, path := range []string{"watch", "join"} {
		status, code, retry := post(path)
		if status != http.StatusTooManyRequests || code != CodeTooManyJoins || retry == "" {
			t.Errorf("%s past the limit: %d %q Retry-After %q, want 429 %s with Retry-After", path, status, code, retry, CodeTooManyJoins)
		}
	}
}
