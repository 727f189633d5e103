package router

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/roomcontract/session"
)

// The defaults docs/PROTOCOL.md and docs/ROUTER.md promise.
func TestDocumentedDefaults(t *testing.T) {
	g := NewWithT(t)
	l := Limits{}.withDefaults()
	g.Expect(l.MaxConns).To(Equal(50000))
	g.Expect(l.HandshakeTimeout).To(Equal(10 * time.Second))
	g.Expect(DefaultPlayTimeout).To(Equal(150*time.Second), "ROUTER.md: the router waits up to 150 s for the matchmaker")
	g.Expect(session.ReloadPeriod).To(Equal(30*time.Second), "the session keys are reread every 30 s")
	g.Expect(l.MaxConnsPerIP).To(Equal(64))
	g.Expect(l.JoinsPerIPPerMinute).To(Equal(30))
	g.Expect(l.IdleTimeout).To(Equal(75 * time.Second))
	g.Expect(l.ReadLimit).To(Equal(int64(64 << 10)))
}

func TestTokenRefusalsAtTheEdge(t *testing.T) {
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	otherKey, err := session.NewKeyring(map[string][]byte{"2099-01-01": []byte(strings.Repeat("o", 32))})
	if err != nil {
		t.Fatal(err)
	}
	unknownKey, _, _ := otherKey.Issue(session.Claims{Room: "ns/r", PlayerID: "p"}, time.Now(), time.Hour)
	expired, _, _ := testKeys(t).Issue(session.Claims{Room: "ns/r", PlayerID: "p"}, time.Now().Add(-2*time.Hour), time.Hour)
	good := tr.token("ns/r")
	for _, tt := range []struct{ name, token, code string }{
		{"unknown key", unknownKey, "token_unknown_key"},
		{"expired", expired, "token_expired"},
		{"another room", tr.token("ns/other"), "token_wrong_room"},
		{"altered", good[:len(good)-4] + "AAAA", "token_bad_signature"},
		{"malformed", "x", "token_malformed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			_, resp, err := tr.dial("/v1/rooms/ns/r/ws", tt.token, nil)
			g.Expect(err).To(HaveOccurred())
			g.Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
			g.Expect(refusalOf(g, resp).Code).To(Equal(tt.code))
		})
	}
	NewWithT(t).Expect(tr.dials.list()).To(BeEmpty())
}

func TestReadinessWaitsForTheTableAndEndsAtShutdown(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	readyz := func() int {
		resp, err := http.Get(tr.url + "/readyz")
		g.Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		return resp.StatusCode
	}
	tr.r.synced.Store(false)
	g.Expect(readyz()).To(Equal(http.StatusServiceUnavailable))
	tr.r.synced.Store(true)
	g.Expect(readyz()).To(Equal(http.StatusOK))
	tr.setRoom("ns", "r", pod.addr())
	tr.r.CloseAll()
	g.Expect(readyz()).To(Equal(http.StatusServiceUnavailable))
	_, resp, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
	g.Expect(err).To(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
	g.Expect(resp.Header.Get("Retry-After")).To(Equal("1"))
	g.Expect(refusalOf(g, resp).Code).To(Equal(CodeShuttingDown))
}

// Every metric docs/PROTOCOL.md lists is served.
func TestDocumentedMetricsAreServed(t *testing.T) {
	g := NewWithT(t)
	pod := newFakePod(t)
	tr := startRouter(t, nil)
	tr.setRoom("ns", "r", pod.addr())
	c, _, err := tr.dial("/v1/rooms/ns/r/ws", tr.token("ns/r"), nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.WriteMessage(websocket.TextMessage, []byte("x"))).To(Succeed())
	_, _, err = c.ReadMessage()
	g.Expect(err).NotTo(HaveOccurred())
	c.Close()
	_, _, _ = tr.dial("/v1/rooms/ns/r/ws", "forged", nil)
	resp, err := http.Post(tr.url+"/v1/rooms/ns/r/join", "application/json", strings.NewReader(`{"name":"a"}`))
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Eventually(tr.r.OpenConnections).Should(BeZero())

	// The public port does not serve them.
	resp, err = http.Get(tr.url + "/metrics")
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))

	metrics := httptest.NewServer(tr.r.MetricsHandler())
	defer metrics.Close()
	resp, err = http.Get(metrics.URL + "/metrics")
	g.Expect(err).NotTo(HaveOccurred())
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc, err := os.ReadFile("../docs/PROTOCOL.md")
	g.Expect(err).NotTo(HaveOccurred())
	documented := regexp.MustCompile("`(croupier_router_[a-z_]+)").FindAllStringSubmatch(string(doc), -1)
	g.Expect(len(documented)).To(BeNumerically(">=", 8))
	for _, m := range documented {
		g.Expect(string(body)).To(ContainSubstring(m[1]), "documented metric %s is not served", m[1])
	}
	g.Expect(string(body)).To(ContainSubstring(`croupier_router_upgrades_total{reason="token_malformed",result="refused"} 1`))
	g.Expect(string(body)).To(ContainSubstring(`croupier_router_joins_total{reason="200",result="forwarded"} 1`))
	g.Expect(string(body)).To(ContainSubstring(`croupier_router_proxied_bytes_total{direction="to_pod"} 1`))
	g.Expect(string(body)).To(ContainSubstring(`croupier_router_routes 1`))
}
