package install

import (
	"context"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/playerclient"
)

// reasonNamespaceNotPrepared is the Ready reason of a room in a namespace
// the operator was not given.
const reasonNamespaceNotPrepared = "NamespaceNotPrepared"

// otherNamespaces shows the chart's second room namespace works like the
// first (its copies of the session keys and the Redis password are the
// ones the router and Redis accept), and a namespace the chart was not
// told of gets no pod, a reason and an event.
func (in *installation) otherNamespaces(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	in.side = types.NamespacedName{Namespace: extraNS, Name: "side"}
	g.Expect(env.c.Create(ctx, gameroomtest.MakeGameRoom(in.side.Name, in.side.Namespace).Players(2).Obj())).To(Succeed())
	stranger := gameroomtest.MakeGameRoom("lost", strangerNS).Players(2).Obj()
	g.Expect(env.c.Create(ctx, stranger)).To(Succeed())

	// The pod signs the player's token with its namespace's copy of the
	// keys; the router verifies it with the release namespace's.
	in.sider = playerclient.Join(t, onRouterPage(in.routerURL), in.side.Namespace, in.side.Name, "Side")
	in.sider.Connect()
	g.Expect(in.sider.Phase).To(Equal("waiting"), "one seat of two is taken")

	g.Eventually(func(g Gomega) {
		room := &gamesv1.GameRoom{}
		g.Expect(env.c.Get(ctx, client.ObjectKeyFromObject(stranger), room)).To(Succeed())
		ready := meta.FindStatusCondition(room.Status.Conditions, "Ready")
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(ready.Reason).To(Equal(reasonNamespaceNotPrepared))
		events := &eventsv1.EventList{}
		g.Expect(env.c.List(ctx, events, client.InNamespace(strangerNS))).To(Succeed())
		g.Expect(events.Items).To(ContainElement(SatisfyAll(
			HaveField("Regarding.Name", stranger.Name),
			HaveField("Type", corev1.EventTypeWarning),
			HaveField("Reason", reasonNamespaceNotPrepared),
		)))
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	pods := &corev1.PodList{}
	g.Expect(env.c.List(ctx, pods, client.InNamespace(strangerNS))).To(Succeed())
	g.Expect(pods.Items).To(BeEmpty())
	// The router serves the room namespaces only.
	resp, err := http.Get(in.routerURL + "/v1/rooms/" + strangerNS + "/" + stranger.Name)
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
}

// deleteRoom deletes a room and waits until it and its pod are gone.
func deleteRoom(t testing.TB, key types.NamespacedName) {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	room := &gamesv1.GameRoom{}
	g.Expect(env.c.Get(ctx, key, room)).To(Succeed())
	pod := room.Status.PodName
	g.Expect(env.c.Delete(ctx, room)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(apierrors.IsNotFound(env.c.Get(ctx, key, &gamesv1.GameRoom{}))).To(BeTrue(), "room %s still there", key)
		if pod != "" {
			err := env.c.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: pod}, &corev1.Pod{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "pod %s/%s still there", key.Namespace, pod)
		}
	}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
}
