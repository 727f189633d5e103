package routing

import (
	"context"
	"net/http"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/playerclient"
)

func getRoomTB(tb testing.TB, ns, name string) *gamesv1.GameRoom {
	room := &gamesv1.GameRoom{}
	if err := plat.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, room); err != nil {
		tb.Fatal(err)
	}
	return room
}

func getRoom(g Gomega, ns, name string) *gamesv1.GameRoom {
	room := &gamesv1.GameRoom{}
	g.Expect(plat.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, room)).To(Succeed())
	return room
}

func TestThePodIsReplacedMidMatch(t *testing.T) {
	g := NewWithT(t)
	ns := plat.Namespace(t)
	plat.CreateRoom(t, ns, "moving", 2)
	players := playerclient.Seat(t, throughRouter(), ns, "moving", 2)
	final := playMatch(t, players, func(turn int) {
		if turn != 6 {
			return
		}
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "moving-game"}}
		g.Expect(plat.Client.Delete(context.Background(), pod)).To(Succeed())
	})
	want := reference(t, ns, "moving")
	g.Expect(final.Scores).To(Equal(want.Scores), "a different result than the uninterrupted match")
	g.Expect(final.Winners).To(Equal(want.Winners))
	for _, p := range players {
		// A reconnect that lands while the move is still under way may be
		// told 1012 again; any other close is a defect.
		g.Expect(p.Closes).To(And(Not(BeEmpty()), HaveEach(1012)), "seat %d", p.Joined.Seat)
	}
	g.Expect(getRoom(g, ns, "moving").Status.PodName).To(Equal("moving-game"))
}

func TestTheRouterRestartsMidMatch(t *testing.T) {
	g := NewWithT(t)
	ns := plat.Namespace(t)
	plat.CreateRoom(t, ns, "restart", 2)
	players := playerclient.Seat(t, throughRouter(), ns, "restart", 2)
	final := playMatch(t, players, func(turn int) {
		if turn == 4 {
			g.Expect(plat.RestartRouter()).To(Succeed())
		}
	})
	want := reference(t, ns, "restart")
	g.Expect(final.Scores).To(Equal(want.Scores))
	g.Expect(final.Winners).To(Equal(want.Winners))
	for _, p := range players {
		g.Expect(p.Closes).To(And(Not(BeEmpty()), HaveEach(1001)), "seat %d: the router's shutdown is 1001", p.Joined.Seat)
	}
	resp, err := http.Get(plat.URL() + "/readyz")
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
}
