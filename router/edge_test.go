package router

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/gorilla/websocket"
	. "github.com/onsi/gomega"
)

func refusalOf(g Gomega, resp *http.Response) httpjson.Refusal {
	g.Expect(resp).NotTo(BeNil())
	defer resp.Body.Close()
	var b httpjson.Refusal
	raw, _ := io.ReadAll(resp.Body)
	g.Expect(json.Unmarshal(raw, &b)).To(Succeed(), "body %q", raw)
	return b
}

func TestNotAnOpenProxy(t *testing.T) {
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{
		"/v1/rooms/ns/../kube-system/r/ws",
		"/v1/rooms/ns/r/../../other/r/ws",
		"/v1/rooms/ns/r%2F..%2F..%2Fother/ws",
		"/v1/rooms/ns%2Fr/r/ws",
		"/v1/rooms/other/r/ws",
		"/v1/rooms/ns/127.0.0.1:6379/ws",
		"/v1/rooms/ns/" + pod.addr() + "/ws",
		"/v1/rooms/ns/R/ws",
		"/v1/rooms/ns/a_b/ws",
		"/v1/rooms/ns/" + strings.Repeat("a", 64) + "/ws",
		"/v1/rooms/ns/r%00/ws",
		"/v1/rooms/ns/r/ws/extra",
		"/v1/rooms/ns/r/join/../ws",
		"/v1/rooms//r/ws",
		"/v1/rooms/ns/%2e%2e/ws",
		"/v1/rooms/ns/r%2Fws",
	} {
		t.Run(path, func(t *testing.T) {
			g := NewWithT(t)
			// Offer a genuine token for the room the path seems to name.
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				req, err := http.NewRequest(method, tr.url, strings.NewReader(`{"name":"x"}`))
				g.Expect(err).NotTo(HaveOccurred())
				req.URL.Opaque = path // sent as is, not cleaned or re-encoded
				req.Header.Set("Connection", "Upgrade")
				req.Header.Set("Upgrade", "websocket")
				req.Header.Set("Sec-WebSocket-Version", "13")
				req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
				req.Header.Set("Sec-WebSocket-Protocol", ProtocolV1+", "+TokenProtocolPrefix+tr.token("ns/r"))
				req.Host = pod.addr() // a Host naming the pod changes nothing
				resp, err := noRedirects.Do(req)
				g.Expect(err).NotTo(HaveOccurred())
				resp.Body.Close()
				g.Expect(resp.StatusCode).NotTo(Equal(http.StatusSwitchingProtocols))
				g.Expect(resp.StatusCode).To(BeNumerically(">=", 300))
			}
			g.Expect(tr.dials.list()).To(BeEmpty(), "the router dialled something")
		})
	}
	t.Run("absolute-form request line", func(t *testing.T) {
		g := NewWithT(t)
		conn, err := net.Dial("tcp", strings.TrimPrefix(tr.url, "http://"))
		g.Expect(err).NotTo(HaveOccurred())
		defer conn.Close()
		fmt.Fprintf(conn, "GET http://%s/ws HTTP/1.1\r\nHost: %s\r\n\r\n", pod.addr(), pod.addr())
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		g.Expect(tr.dials.list()).To(BeEmpty())
	})
}

func TestEdgeRefusals(t *testing.T) {
	pod := newFakePod(t)
	tr := startRouter(t, func(o *Options) { o.AllowedOrigins = []string{"https://play.example"} })
	tr.setRoom("ns", "r", pod.addr())
	tr.setRoom("ns", "starting", "")
	path := "/v1/rooms/ns/r/ws"
	for _, tt := range []struct {
		name   string
		dial   func() (*http.Response, error)
		status int
		code   string
	}{
		{"origin not on the list", func() (*http.Response, error) {
			_, resp, err := tr.dial(path, tr.token("ns/r"), http.Header{"Origin": {"https://evil.example"}})
			return resp, err
		}, http.StatusForbidden, CodeOriginNotAllowed},
		{"no v1 subprotocol", func() (*http.Response, error) {
			d := websocket.Dialer{Subprotocols: []string{TokenProtocolPrefix + tr.token("ns/r")}}
			_, resp, err := d.Dial(tr.wsURL(path), nil)
			return resp, err
		}, http.StatusBadRequest, CodeBadRequest},
		{"no token", func() (*http.Response, error) {
			d := websocket.Dialer{Subprotocols: []string{ProtocolV1}}
			_, resp, err := d.Dial(tr.wsURL(path), nil)
			return resp, err
		}, http.StatusUnauthorized, CodeTokenMissing},
		// "Offer exactly two" (docs/PROTOCOL.md, Websocket).
		{"a third subprotocol", func() (*http.Response, error) {
			d := websocket.Dialer{Subprotocols: []string{ProtocolV1, TokenProtocolPrefix + tr.token("ns/r"), "chat"}}
			_, resp, err := d.Dial(tr.wsURL(path), nil)
			return resp, err
		}, http.StatusBadRequest, CodeBadRequest},
		{"two tokens", func() (*http.Response, error) {
			d := websocket.Dialer{Subprotocols: []string{ProtocolV1, TokenProtocolPrefix + tr.token("ns/r"), TokenProtocolPrefix + tr.token("ns/starting")}}
			_, resp, err := d.Dial(tr.wsURL(path), nil)
			return resp, err
		}, http.StatusBadRequest, CodeBadRequest},
		{"not a websocket", func() (*http.Response, error) {
			return http.Get(tr.url + path)
		}, http.StatusBadRequest, CodeBadRequest},
		// The token is checked before the room is looked up
		// (docs/PROTOCOL.md, Websocket).
		{"a good token of another room, on a room that does not exist", func() (*http.Response, error) {
			_, resp, err := tr.dial("/v1/rooms/ns/missing/ws", tr.token("ns/r"), nil)
			return resp, err
		}, http.StatusUnauthorized, "token_wrong_room"},
		{"a room that does not exist, with its own token", func() (*http.Response, error) {
			_, resp, err := tr.dial("/v1/rooms/ns/missing/ws", tr.token("ns/missing"), nil)
			return resp, err
		}, http.StatusNotFound, CodeNoSuchRoom},
		{"room not routable", func() (*http.Response, error) {
			_, resp, err := tr.dial("/v1/rooms/ns/starting/ws", tr.token("ns/starting"), nil)
			return resp, err
		}, http.StatusServiceUnavailable, CodeRoomUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			resp, _ := tt.dial()
			g.Expect(resp.StatusCode).To(Equal(tt.status))
			g.Expect(refusalOf(g, resp).Code).To(Equal(tt.code))
		})
	}
	g := NewWithT(t)
	g.Expect(tr.dials.list()).To(BeEmpty())
	_, resp, err := tr.dial("/v1/rooms/ns/starting/ws", tr.token("ns/starting"), nil)
	g.Expect(err).To(HaveOccurred())
	g.Expect(resp.Header.Get("Retry-After")).To(Equal("2"))
	c, _, err := tr.dial(path, tr.token("ns/r"), http.Header{"Origin": {"https://play.example"}})
	g.Expect(err).NotTo(HaveOccurred())
	c.Close()
	pod.mu.Lock()
	g.Expect(pod.origins).To(Equal([]string{""}), "the router checked the Origin; the pod's handshake carries none")
	pod.mu.Unlock()

	t.Run("one log line per refusal, with its reason and never the token", func(t *testing.T) {
		g := NewWithT(t)
		var refusals []string
		for _, l := range tr.logs.all() {
			if strings.Contains(l, "websocket refused") {
				refusals = append(refusals, l)
			}
		}
		g.Expect(refusals).To(HaveLen(10))
		g.Expect(refusals[0]).To(ContainSubstring(`"reason"="origin_not_allowed"`))
		for _, l := range refusals {
			g.Expect(l).NotTo(ContainSubstring("v1.2026-01-01."), "a token in the log")
		}
	})
}

func TestDefaultOriginIsTheRoutersOwnHost(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	_, resp, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), http.Header{"Origin": {"http://elsewhere.example"}})
	g.Expect(err).To(HaveOccurred())
	g.Expect(refusalOf(g, resp).Code).To(Equal(CodeOriginNotAllowed))
	c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), http.Header{"Origin": {tr.url}})
	g.Expect(err).NotTo(HaveOccurred())
	c.Close()
}

func TestLimits(t *testing.T) {
	t.Run("total connections", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) { o.Limits.MaxConns = 2 })
		tr.setRoom("ns", "r", pod.addr())
		for range 2 {
			c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
			g.Expect(err).NotTo(HaveOccurred())
			defer c.Close()
		}
		_, resp, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
		g.Expect(err).To(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
		g.Expect(resp.Header.Get("Retry-After")).To(Equal("5"))
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeTooManyConns))
		g.Expect(tr.dials.list()).To(HaveLen(2))
	})
	t.Run("connections per address", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) { o.Limits.MaxConnsPerIP = 1; o.TrustForwardedFor = true })
		tr.setRoom("ns", "r", pod.addr())
		c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), http.Header{"X-Forwarded-For": {"192.0.2.1"}})
		g.Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		_, resp, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), http.Header{"X-Forwarded-For": {"198.51.100.7, 192.0.2.1"}})
		g.Expect(err).To(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusTooManyRequests))
		g.Expect(resp.Header.Get("Retry-After")).To(Equal("10"))
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeTooManyConnsFromIP))
		other, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), http.Header{"X-Forwarded-For": {"192.0.2.2"}})
		g.Expect(err).NotTo(HaveOccurred())
		other.Close()
	})
	t.Run("joins per address per minute", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) { o.Limits.JoinsPerIPPerMinute = 2 })
		tr.setRoom("ns", "r", pod.addr())
		tr.setRoom("ns", "starting", "")
		// Refused before the limit is looked at: these do not count.
		for _, room := range []string{"nosuch", "nosuch", "starting", "starting"} {
			resp, err := http.Post(tr.url+"/v1/rooms/ns/"+room+"/join", "application/json", strings.NewReader(`{"name":"a"}`))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(refusalOf(g, resp).Code).To(BeElementOf(CodeNoSuchRoom, CodeRoomUnavailable))
		}
		for range 2 {
			resp, err := http.Post(tr.url+"/v1/rooms/ns/r/join", "application/json", strings.NewReader(`{"name":"a"}`))
			g.Expect(err).NotTo(HaveOccurred())
			var body map[string]any
			g.Expect(json.NewDecoder(resp.Body).Decode(&body)).To(Succeed())
			resp.Body.Close()
			g.Expect(body).To(HaveKeyWithValue("ws", "/v1/rooms/ns/r/ws"))
			g.Expect(body).To(HaveKeyWithValue("token", "t"))
		}
		resp, err := http.Post(tr.url+"/v1/rooms/ns/r/join", "application/json", strings.NewReader(`{"name":"a"}`))
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusTooManyRequests))
		g.Expect(resp.Header.Get("Retry-After")).To(Equal("30"))
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeTooManyJoins))
		g.Expect(pod.joins).To(Equal(2))
	})
	t.Run("refused joins count against the address too", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) { o.Limits.JoinsPerIPPerMinute = 2 })
		tr.setRoom("ns", "r", pod.addr())
		for range 2 {
			resp, err := http.Post(tr.url+"/v1/rooms/ns/r/join", "application/json", strings.NewReader(strings.Repeat("x", 5000)))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(refusalOf(g, resp).Code).To(Equal(CodeBadRequest))
		}
		resp, err := http.Post(tr.url+"/v1/rooms/ns/r/join", "application/json", strings.NewReader(`{"name":"a"}`))
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusTooManyRequests))
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeTooManyJoins))
		g.Expect(pod.joins).To(BeZero())
	})
	t.Run("read limit", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) { o.Limits.ReadLimit = 4096 })
		tr.setRoom("ns", "r", pod.addr())
		c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(c.WriteMessage(websocket.TextMessage, make([]byte, 5000))).To(Succeed())
		g.Expect(closeCode(c)).To(Equal(websocket.CloseMessageTooBig))
		_, messages := pod.seen()
		g.Expect(messages).To(BeZero(), "the oversized message reached the pod")
	})
	t.Run("idle timeout", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) { o.Limits.IdleTimeout = time.Second })
		tr.setRoom("ns", "r", pod.addr())
		c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
		g.Expect(err).NotTo(HaveOccurred())
		start := time.Now()
		g.Expect(closeCode(c)).To(Equal(websocket.CloseGoingAway))
		g.Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
	})
	t.Run("handshake timeout: a client that never finishes its headers", func(t *testing.T) {
		g := NewWithT(t)
		tr := startRouter(t, func(o *Options) { o.Limits.HandshakeTimeout = 300 * time.Millisecond })
		conn, err := net.Dial("tcp", strings.TrimPrefix(tr.url, "http://"))
		g.Expect(err).NotTo(HaveOccurred())
		defer conn.Close()
		_, _ = conn.Write([]byte("GET /v1/rooms/ns/r/ws HTTP/1.1\r\nHost: x\r\n"))
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.ReadAll(conn)
		g.Expect(err).NotTo(HaveOccurred(), "the router did not hang up; the read hit the test's own deadline")
	})
	t.Run("handshake timeout: a client that stops halfway through its body", func(t *testing.T) {
		mm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			t.Error("a quick play with half a body reached the matchmaker")
		}))
		defer mm.Close()
		pod := newFakePod(t)
		tr := startRouter(t, func(o *Options) {
			o.Limits.HandshakeTimeout = 300 * time.Millisecond
			o.MatchmakerURL = mm.URL
		})
		tr.setRoom("ns", "r", pod.addr())
		for _, path := range []string{"/v1/rooms/ns/r/join", "/v1/play"} {
			g := NewWithT(t)
			conn, err := net.Dial("tcp", strings.TrimPrefix(tr.url, "http://"))
			g.Expect(err).NotTo(HaveOccurred())
			_, _ = conn.Write([]byte("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n{\"name\":"))
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			g.Expect(err).NotTo(HaveOccurred(), "%s: no answer; the read hit the test's own deadline", path)
			g.Expect(resp.StatusCode).To(Equal(http.StatusBadRequest), path)
			refusal := refusalOf(g, resp)
			g.Expect(refusal.Code).To(Equal(CodeBadRequest), path)
			if strings.HasSuffix(path, "/join") {
				g.Expect(refusal.Message).To(ContainSubstring("1 KiB"), "the join body's limit in docs/PROTOCOL.md")
			}
			conn.Close()
		}
		g := NewWithT(t)
		g.Expect(pod.joins).To(BeZero(), "a join with half a body reached the pod")
	})
	t.Run("a join body over 1 KiB is refused at the router", func(t *testing.T) {
		g := NewWithT(t)
		pod := newFakePod(t)
		tr := startRouter(t, nil)
		tr.setRoom("ns", "r", pod.addr())
		body := `{"name":"` + strings.Repeat("a", 1024-len(`{"name":""}`)+1) + `"}`
		resp, err := http.Post(tr.url+"/v1/rooms/ns/r/join", "application/json", strings.NewReader(body))
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusBadRequest))
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeBadRequest))
		g.Expect(pod.joins).To(BeZero())
	})
	t.Run("handshake timeout: a pod that never answers", func(t *testing.T) {
		g := NewWithT(t)
		silent, err := net.Listen("tcp", "127.0.0.1:0")
		g.Expect(err).NotTo(HaveOccurred())
		defer silent.Close()
		go func() {
			for {
				c, err := silent.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		tr := startRouter(t, func(o *Options) { o.Limits.HandshakeTimeout = 300 * time.Millisecond })
		tr.setRoom("ns", "r", silent.Addr().String())
		_, resp, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
		g.Expect(err).To(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeRoomUnavailable))
		g.Expect(tr.r.OpenConnections()).To(BeZero(), "the slot was not given back")
	})
}

func TestStaticServesEveryOtherPath(t *testing.T) {
	g := NewWithT(t)
	tr := startRouter(t, func(o *Options) {
		o.Static = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("page " + r.URL.Path)) })
	})
	resp, err := http.Get(tr.url + "/play/index.html")
	g.Expect(err).NotTo(HaveOccurred())
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	g.Expect(string(body)).To(Equal("page /play/index.html"))
	resp, err = http.Get(tr.url + "/v1/other")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(refusalOf(g, resp).Code).To(Equal(CodeNotFound))

	bare := startRouter(t, nil)
	resp, err = http.Get(bare.url + "/")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	resp.Body.Close()
}

// A documented endpoint asked with another method says which method it
// takes; an unknown one is still not found.
func TestAnEndpointAskedWithAnotherMethodSaysWhichItTakes(t *testing.T) {
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	for _, c := range []struct {
		method, path, allow string
	}{
		{http.MethodGet, "/v1/play", "POST"},
		{http.MethodPut, "/v1/play", "POST"},
		{http.MethodPost, "/v1/rooms", "GET, HEAD"},
		{http.MethodDelete, "/v1/rooms/ns/r", "GET, HEAD"},
		{http.MethodGet, "/v1/rooms/ns/r/join", "POST"},
		{http.MethodGet, "/v1/rooms/ns/r/watch", "POST"},
		{http.MethodPost, "/v1/rooms/ns/r/ws", "GET, HEAD"},
		{http.MethodPost, "/v1/rooms/ns/r/replay", "GET, HEAD"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			g := NewWithT(t)
			req, err := http.NewRequest(c.method, tr.url+c.path, strings.NewReader(`{}`))
			g.Expect(err).NotTo(HaveOccurred())
			resp, err := http.DefaultClient.Do(req)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
			g.Expect(resp.Header.Get("Allow")).To(Equal(c.allow))
			r := refusalOf(g, resp)
			g.Expect(r.Code).To(Equal(CodeMethodNotAllowed))
			g.Expect(r.Message).To(ContainSubstring("takes " + strings.SplitN(c.allow, ",", 2)[0]))
		})
	}
	g := NewWithT(t)
	pod.mu.Lock()
	joins := pod.joins
	pod.mu.Unlock()
	conns, _ := pod.seen()
	g.Expect(joins+conns).To(BeZero(), "a refused method reached the pod")
	// Paths ServeMux would clean and redirect to are no endpoints either.
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/v1/other", "/v1/rooms/ns/r/leave", "/v1/rooms/ns", "/v1",
		"/v1/rooms/../rooms/ns/r/join", "/v1//rooms/ns/r/join", "/v1/rooms/ns/r/./join", "/v1/rooms/ns/r/join/.."} {
		resp, err := noRedirects.Post(tr.url+path, "application/json", strings.NewReader(`{}`))
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound), path)
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeNotFound), path)
	}
}

// A browser page of another site must not make its visitors take seats:
// a join, a watch or a quick play from an Origin the websocket would be
// refused from is refused 403 before anything else (docs/ROUTER.md);
// the router's own pages and clients that send no Origin go through.
func TestPostsFromAnotherOriginAreRefused(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	post := func(path, origin string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, tr.url+path, strings.NewReader(`{"name":"a"}`))
		g.Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "text/plain") // a cross-site fetch with no preflight
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		g.Expect(err).NotTo(HaveOccurred())
		return resp
	}
	for _, path := range []string{"/v1/rooms/ns/r/join", "/v1/rooms/ns/r/watch", "/v1/play", "/v1/rooms/ns/nosuch/join"} {
		resp := post(path, "https://evil.example")
		g.Expect(resp.StatusCode).To(Equal(http.StatusForbidden), path)
		g.Expect(refusalOf(g, resp).Code).To(Equal(CodeOriginNotAllowed), path)
	}
	g.Expect(pod.joins).To(BeZero())
	for _, origin := range []string{"", strings.Replace(tr.url, "http://", "https://", 1)} {
		resp := post("/v1/rooms/ns/r/join", origin)
		g.Expect(resp.StatusCode).To(Equal(http.StatusOK), "Origin %q", origin)
		resp.Body.Close()
	}
	g.Expect(pod.joins).To(Equal(2))
}
