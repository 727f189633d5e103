package install

import (
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/playerclient"
	"github.com/croupier-dev/croupier/roomcontract"
)

func (in *installation) startMatch(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	in.room = types.NamespacedName{Namespace: releaseNS, Name: "table"}
	room := gameroomtest.MakeGameRoom(in.room.Name, in.room.Namespace).Players(2).Obj()
	g.Expect(env.c.Create(ctx, room)).To(Succeed())
	in.players = playerclient.Seat(t, onRouterPage(in.routerURL), in.room.Namespace, in.room.Name, 2)

	// The router reads the room but cannot touch it.
	asRouter, err := client.New(in.routerSA.config, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(asRouter.Get(ctx, in.room, room)).To(Succeed())
	patch := client.MergeFrom(room.DeepCopy())
	room.Status.Phase = gamesv1.PhaseFinished
	err = asRouter.Status().Patch(ctx, room, patch)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "patching the room's status as the router: %v", err)
	err = asRouter.Delete(ctx, room)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "deleting the room as the router: %v", err)

	g.Expect(in.players.Play(t, 6, nil)).To(BeFalse(), "the match ended in six moves")
	in.podUID = in.roomPod(t).UID
}

// roomPod is the room's pod, as its status names it.
func (in *installation) roomPod(t testing.TB) *corev1.Pod {
	t.Helper()
	room := &gamesv1.GameRoom{}
	if err := env.c.Get(context.Background(), in.room, room); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{}
	if err := env.c.Get(context.Background(), client.ObjectKey{Namespace: room.Namespace, Name: room.Status.PodName}, pod); err != nil {
		t.Fatalf("room %s's pod %q: %v", in.room, room.Status.PodName, err)
	}
	return pod
}

func (in *installation) finishAndDelete(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	g.Expect(in.players.Play(t, -1, nil)).To(BeTrue())
	// The new operator saw the end in the pod's heartbeat.
	g.Eventually(func(g Gomega) {
		room := &gamesv1.GameRoom{}
		g.Expect(env.c.Get(ctx, in.room, room)).To(Succeed())
		g.Expect(room.Status.Phase).To(Equal(gamesv1.PhaseFinished))
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	g.Expect(in.roomPod(t).UID).To(Equal(in.podUID), "the room's pod was replaced")
	pattern := roomKeyPattern(in.room)
	g.Expect(in.redisCli.Keys(ctx, pattern).Val()).NotTo(BeEmpty(), "the match left nothing in Redis")

	sidePattern := roomKeyPattern(in.side)
	g.Expect(in.redisCli.Keys(ctx, sidePattern).Val()).NotTo(BeEmpty(), "the seated player left nothing in Redis")

	in.players.Close()
	in.sider.Close()
	for _, room := range []types.NamespacedName{in.room, in.side, {Namespace: strangerNS, Name: "lost"}} {
		deleteRoom(t, room)
	}
	g.Expect(in.redisCli.Keys(ctx, pattern).Val()).To(BeEmpty(), "the room's Redis keys outlived it")
	g.Expect(in.redisCli.Keys(ctx, sidePattern).Val()).To(BeEmpty(), "the room's Redis keys outlived it")
}

// roomKeyPattern matches every Redis key of a room.
func roomKeyPattern(room types.NamespacedName) string {
	hb := roomcontract.For(room.Namespace, room.Name).Heartbeat()
	return strings.TrimSuffix(hb, "heartbeat") + "*"
}
