package router

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
)

// replayPod stands in for a game pod's GET /replay with a fixed answer.
func replayPod(t *testing.T, status int, body []byte, header map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/replay" {
			http.NotFound(w, r)
			return
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func getPath(t *testing.T, url string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestReplayIsRelayedFromTheRoomsPod(t *testing.T) {
	g := NewWithT(t)
	replay := []byte(`{"version":1,"room":"ns/done","entries":[{"seq":1}]}` + "\n")
	tr := startRouter(t, nil)
	tr.setRoom("ns", "done", replayPod(t, http.StatusOK, replay, map[string]string{"Content-Type": "application/json"}))
	resp, body, err := getPath(t, tr.url+"/v1/rooms/ns/done/replay")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	g.Expect(resp.Header.Get("Content-Type")).To(Equal("application/json"))
	g.Expect(body).To(Equal(replay))
	g.Expect(tr.dials.list()).To(HaveLen(1))
}

func TestReplayRefusals(t *testing.T) {
	inProgress := []byte(`{"code":"match_in_progress","message":"the match is not finished; its replay opens when it ends"}` + "\n")
	tr := startRouter(t, nil)
	tr.setRoom("ns", "playing", replayPod(t, http.StatusConflict, inProgress, map[string]string{"Content-Type": "application/json"}))
	tr.setRoom("ns", "busy", replayPod(t, http.StatusServiceUnavailable, []byte(`{"code":"replay_busy","message":"m"}`), map[string]string{"Retry-After": "1"}))
	tr.setRoom("ns", "starting", "")
	tests := []struct {
		name, path string
		status     int
		code       string
	}{
		{"match in progress: the pod's 409 passes through", "/v1/rooms/ns/playing/replay", http.StatusConflict, "match_in_progress"},
		{"a busy pod's refusal passes through", "/v1/rooms/ns/busy/replay", http.StatusServiceUnavailable, "replay_busy"},
		{"unknown room", "/v1/rooms/ns/nope/replay", http.StatusNotFound, CodeNoSuchRoom},
		{"a name no room can have", "/v1/rooms/ns/No_Such/replay", http.StatusNotFound, CodeNoSuchRoom},
		{"room without a ready pod", "/v1/rooms/ns/starting/replay", http.StatusServiceUnavailable, CodeRoomUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			resp, err := http.Get(tr.url + tt.path)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(resp.StatusCode).To(Equal(tt.status))
			g.Expect(refusalOf(g, resp).Code).To(Equal(tt.code))
		})
	}
	resp, err := http.Get(tr.url + "/v1/rooms/ns/busy/replay")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q, want the pod's", resp.Header.Get("Retry-After"))
	}
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		req, _ := http.NewRequest(method, tr.url+"/v1/rooms/ns/playing/replay", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("%s replay answered 200", method)
		}
	}
}

// A pod that answers more than the bound is cut off, never relayed
// whole: the client sees a broken body, not a replay that looks complete.
func TestReplayOverTheBoundIsCut(t *testing.T) {
	tr := startRouter(t, nil)
	huge := bytes.Repeat([]byte(" "), maxReplayBytes+1)
	tr.setRoom("ns", "huge", replayPod(t, http.StatusOK, huge, nil))
	resp, body, err := getPath(t, tr.url+"/v1/rooms/ns/huge/replay")
	if err == nil {
		t.Fatalf("a %d-byte replay was relayed whole (%d bytes, status %d)", len(huge), len(body), resp.StatusCode)
	}
	if len(body) > maxReplayBytes {
		t.Fatalf("relayed %d bytes, over the bound %d", len(body), maxReplayBytes)
	}
	// With a length announced, the refusal comes before any byte.
	tr.setRoom("ns", "announced", replayPod(t, http.StatusOK, huge, map[string]string{"Content-Length": "16777217"}))
	resp, err = http.Get(tr.url + "/v1/rooms/ns/announced/replay")
	if err != nil {
		t.Fatal(err)
	}
	g := NewWithT(t)
	g.Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
	g.Expect(refusalOf(g, resp).Code).To(Equal(CodeRoomUnavailable))
}
