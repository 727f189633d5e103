package router

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// watchPod answers POST /watch as a game pod does, with status and body.
func watchPod(t *testing.T, status int, body string) string {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /watch", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestWatchForwardsToThePod(t *testing.T) {
	tr := startRouter(t, nil)
	tr.setRoom("ns", "open", watchPod(t, http.StatusOK, `{"room":"ns/open","player_id":"watch-1","seat":-1,"role":"spectator","token":"t","expires_at":1,"delay":2}`))
	tr.setRoom("ns", "closed", watchPod(t, http.StatusForbidden, `{"code":"spectators_not_allowed","message":"this room does not allow spectators"}`))
	tr.setRoom("ns", "full", watchPod(t, http.StatusConflict, `{"code":"spectators_full","message":"full"}`))
	tr.setRoom("ns", "starting", "")

	cases := []struct {
		room   string
		status int
		code   string
	}{
		{"open", http.StatusOK, ""},
		{"closed", http.StatusForbidden, "spectators_not_allowed"},
		{"full", http.StatusConflict, "spectators_full"},
		{"starting", http.StatusServiceUnavailable, CodeRoomUnavailable},
		{"missing", http.StatusNotFound, CodeNoSuchRoom},
	}
	for _, tc := range cases {
		resp, err := http.Post(tr.url+"/v1/rooms/ns/"+tc.room+"/watch", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tc.status {
			t.Fatalf("%s: %d %v (%v)", tc.room, resp.StatusCode, body, err)
		}
		if tc.code != "" && body["code"] != tc.code {
			t.Fatalf("%s: code %v, want %s", tc.room, body["code"], tc.code)
		}
		if tc.status == http.StatusOK && (body["ws"] != "/v1/rooms/ns/open/ws" || body["role"] != "spectator" || body["seat"] != -1.0) {
			t.Fatalf("%s: answer %v", tc.room, body)
		}
	}
}
