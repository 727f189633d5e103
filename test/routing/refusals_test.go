package routing

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

type refusalBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func decodeRefusal(t *testing.T, resp *http.Response) refusalBody {
	t.Helper()
	var b refusalBody
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("refusal body %q: %v", raw, err)
	}
	return b
}

// podFDs is the game pod's open file descriptors (its process collector):
// a connection the pod accepted would add one.
func podFDs(g Gomega, endpoint string) float64 {
	v, err := platformtest.PodMetric(endpoint, "process_open_fds")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(v).To(BeNumerically(">", 0))
	return v
}

func TestTokensAreRefusedAtTheEdge(t *testing.T) {
	g := NewWithT(t)
	ns := plat.Namespace(t)
	plat.CreateRoom(t, ns, "a", 2)
	plat.CreateRoom(t, ns, "b", 2)
	joinedA := plat.Join(t, ns, "a", "Ann")
	joinedB := plat.Join(t, ns, "b", "Bob")
	tokenParts := strings.Split(joinedA.Token, ".")
	other, err := session.NewKeyring(map[string][]byte{platformtest.KeyID: []byte(strings.Repeat("x", 32))})
	g.Expect(err).NotTo(HaveOccurred())
	forgedByOtherKey, _, err := other.Issue(session.Claims{Room: ns + "/a", PlayerID: "p", Seat: 0}, time.Now(), time.Hour)
	g.Expect(err).NotTo(HaveOccurred())
	expired, _, err := plat.Keys.Issue(session.Claims{Room: ns + "/a", PlayerID: "p", Seat: 0}, time.Now().Add(-2*time.Hour), time.Hour)
	g.Expect(err).NotTo(HaveOccurred())
	endpoint := getEndpoint(g, ns, "a")

	fdsBefore := podFDs(g, endpoint)
	dialsBefore := plat.Dials()
	for _, tt := range []struct{ name, token, code string }{
		{"altered signature", strings.Join(append(tokenParts[:3:3], "AAAA"+tokenParts[3][4:]), "."), "token_bad_signature"},
		{"signed with another key", forgedByOtherKey, "token_bad_signature"},
		{"expired", expired, "token_expired"},
		{"another room's", joinedB.Token, "token_wrong_room"},
		{"not a token", "hello", "token_malformed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			_, resp, err := plat.Dial(joinedA.WS, tt.token, nil)
			g.Expect(err).To(HaveOccurred())
			g.Expect(resp).NotTo(BeNil())
			g.Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
			g.Expect(decodeRefusal(t, resp).Code).To(Equal(tt.code))
		})
	}
	t.Run("the pod saw no connection", func(t *testing.T) {
		g := NewWithT(t)
		g.Expect(plat.Dials()).To(Equal(dialsBefore), "the router dialled a pod")
		g.Expect(podFDs(g, endpoint)).To(BeNumerically("<=", fdsBefore), "the pod holds more connections")
	})
	t.Run("the genuine token still gets through", func(t *testing.T) {
		g := NewWithT(t)
		conn, _, err := plat.Dial(joinedA.WS, joinedA.Token, nil)
		g.Expect(err).NotTo(HaveOccurred())
		conn.Close()
		g.Expect(plat.Dials()).To(Equal(dialsBefore + 1))
	})
}

func getEndpoint(g Gomega, ns, name string) string {
	room := getRoom(g, ns, name)
	g.Expect(room.Status.Endpoint).NotTo(BeEmpty())
	return room.Status.Endpoint
}

func TestUnknownRoomsGet404(t *testing.T) {
	g := NewWithT(t)
	ns := plat.Namespace(t)
	dials := plat.Dials()
	base := plat.URL() + "/v1/rooms/" + ns + "/nobody"
	resp, err := http.Get(base)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	g.Expect(decodeRefusal(t, resp).Code).To(Equal("no_such_room"))

	resp, err = http.Post(base+"/join", "application/json", strings.NewReader(`{"name":"Ann"}`))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	g.Expect(decodeRefusal(t, resp).Code).To(Equal("no_such_room"))

	token, _, err := plat.Keys.Issue(session.Claims{Room: ns + "/nobody", PlayerID: "p", Seat: 0}, time.Now(), time.Hour)
	g.Expect(err).NotTo(HaveOccurred())
	_, resp, err = plat.Dial("/v1/rooms/"+ns+"/nobody/ws", token, nil)
	g.Expect(err).To(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	g.Expect(decodeRefusal(t, resp).Code).To(Equal("no_such_room"))
	g.Expect(plat.Dials()).To(Equal(dials))
}

func TestRoomFactsAreServedFromTheTable(t *testing.T) {
	g := NewWithT(t)
	ns := plat.Namespace(t)
	plat.CreateRoom(t, ns, "facts", 3)
	plat.Join(t, ns, "facts", "Ann")
	g.Eventually(func() int32 {
		f, _ := plat.Facts(t, ns, "facts")
		return f.Seated
	}, time.Minute, 100*time.Millisecond).Should(Equal(int32(1)))
	f, status := plat.Facts(t, ns, "facts")
	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(f.Room).To(Equal(ns + "/facts"))
	g.Expect(f.Game).To(Equal("cassino"))
	g.Expect(f.Seats).To(Equal(int32(3)))
	g.Expect(f.Phase).To(Equal("Ready"))
	g.Expect(f.Routable).To(BeTrue())
	g.Expect(*f.Rules.TargetScore).To(Equal(int32(21)))
}
