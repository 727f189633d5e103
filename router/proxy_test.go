package router

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	. "github.com/onsi/gomega"
)

// closeCode reads until the connection closes and returns its close code
// (-1 for a connection dropped without one).
func closeCode(c *websocket.Conn) int {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

func TestFramesPassBothWaysUnchanged(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	c, resp, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.Header.Get("Sec-WebSocket-Protocol")).To(Equal(ProtocolV1))
	defer c.Close()
	for _, msg := range []string{`{"v":1,"type":"hello"}`, "", string(make([]byte, 4000))} {
		g.Expect(c.WriteMessage(websocket.TextMessage, []byte(msg))).To(Succeed())
		_, got, err := c.ReadMessage()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(string(got)).To(Equal(msg))
	}
	g.Expect(c.WriteMessage(websocket.BinaryMessage, []byte{0, 1, 2})).To(Succeed())
	mt, got, err := c.ReadMessage()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(mt).To(Equal(websocket.BinaryMessage))
	g.Expect(got).To(Equal([]byte{0, 1, 2}))
	g.Expect(tr.r.OpenConnections()).To(Equal(1))
}

func TestPingsReachThePeer(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
	g.Expect(err).NotTo(HaveOccurred())
	defer c.Close()
	pong := make(chan string, 1)
	c.SetPongHandler(func(d string) error { pong <- d; return nil })
	g.Expect(c.WriteControl(websocket.PingMessage, []byte("p1"), time.Now().Add(time.Second))).To(Succeed())
	go func() { _, _, _ = c.ReadMessage() }()
	// The pod's library answers the ping; the pong travels back.
	g.Eventually(pong, 5*time.Second).Should(Receive(Equal("p1")))
}

func TestARoomThatMovesClosesItsConnectionsWith1012(t *testing.T) {
	for _, tt := range []struct {
		name string
		move func(tr *testRouter, other *fakePod)
	}{
		{"endpoint changes", func(tr *testRouter, other *fakePod) { tr.setRoom("ns", "r", other.addr()) }},
		{"pod no longer ready", func(tr *testRouter, _ *fakePod) { tr.setRoom("ns", "r", "") }},
		{"room deleted", func(tr *testRouter, _ *fakePod) { tr.r.table.remove("ns", "r") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			pod, other := newFakePod(t), newFakePod(t)
			tr := startRouter(t, nil)
			tr.setRoom("ns", "r", pod.addr())
			tr.setRoom("ns", "stays", other.addr())
			moving, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
			g.Expect(err).NotTo(HaveOccurred())
			staying, _, err := tr.dial("/v1/rooms/ns/stays/ws", tr.token("ns/stays"), nil)
			g.Expect(err).NotTo(HaveOccurred())
			defer staying.Close()
			tt.move(tr, other)
			g.Expect(closeCode(moving)).To(Equal(websocket.CloseServiceRestart))
			g.Expect(staying.WriteMessage(websocket.TextMessage, []byte("still here"))).To(Succeed())
			_, got, err := staying.ReadMessage()
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(string(got)).To(Equal("still here"))
		})
	}
}

func TestAPodThatDiesIs1012AndItsOwnClosesPassThrough(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() int { n, _ := pod.seen(); return n }).Should(Equal(1))
	pod.dropAll()
	g.Expect(closeCode(c)).To(Equal(websocket.CloseServiceRestart))

	c, _, err = tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() int { n, _ := pod.seen(); return n }).Should(Equal(2))
	pod.mu.Lock()
	last := pod.live[len(pod.live)-1]
	pod.mu.Unlock()
	g.Expect(last.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4003, "token refused"), time.Now().Add(time.Second))).To(Succeed())
	g.Expect(closeCode(c)).To(Equal(4003))
	g.Eventually(tr.r.OpenConnections).Should(BeZero())
}

func TestShutdownTurnsReadinessOffThenClosesWith1001(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	var conns []*websocket.Conn
	for range 3 {
		c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
		g.Expect(err).NotTo(HaveOccurred())
		conns = append(conns, c)
	}
	g.Expect(tr.r.Ready()).To(BeTrue())
	tr.r.draining.Store(true) // what Serve does first on shutdown
	resp, err := http.Get(tr.url + "/readyz")
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
	g.Expect(tr.r.OpenConnections()).To(Equal(3), "readiness goes false before anything is closed")
	tr.stop()
	for _, c := range conns {
		g.Expect(closeCode(c)).To(Equal(websocket.CloseGoingAway))
	}
	g.Expect(tr.r.OpenConnections()).To(BeZero())
}
