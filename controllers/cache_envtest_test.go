package controllers

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// A room applied with kubectl carries its whole manifest in an
// annotation. The operator's cache drops it, and the room on the server
// keeps it through the finalizer, the pod and every status write up to
// Ready with a player: nothing the cache trims is written back.
func TestTrimmedRoomKeepsItsAnnotationsOnTheServer(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	w := gameroomtest.MakeGameRoom("applied", ns)
	manifest, err := json.Marshal(w.Obj())
	g.Expect(err).NotTo(HaveOccurred())
	annotations := map[string]string{
		lastApplied:                        string(manifest),
		"example.com/owner":                "team-cards",
		gamesv1.AnnotationSkipRedisCleanup: "false",
	}
	room := w.Obj()
	room.Annotations = annotations
	g.Expect(k8s.Create(context.Background(), room)).To(Succeed())
	writeBeat(t, room, beatOf{seated: 1, connected: 1, phase: roomcontract.PhaseWaiting, lastActivity: suiteClock.Now()})
	setPodStatus(t, waitPod(t, room, ""), corev1.PodRunning, true, "10.1.2.3")
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseReady))
		g.Expect(r.Status.Players.Connected).To(BeEquivalentTo(1))
	}, waitFor, poll).Should(Succeed())

	g.Expect(suiteWrites.of(ns)).To(ContainElements(
		"patch *v1alpha1.GameRoom "+ns+"/applied ok",
		"update-status *v1alpha1.GameRoom "+ns+"/applied ok",
	), "the room was written, finalizer and status")
	cached := &gamesv1.GameRoom{}
	g.Expect(suiteRecs.Get(context.Background(), client.ObjectKeyFromObject(room), cached)).To(Succeed())
	g.Expect(cached.Annotations).To(Equal(map[string]string{gamesv1.AnnotationSkipRedisCleanup: "false"}),
		"the operator's cache keeps only the product's annotations")
	g.Expect(getRoom(g, room).Annotations).To(Equal(annotations), "the server keeps them all")
}

// A pool drains a room with a patch of its mark: the annotations its
// cache does not keep stay on the server.
func TestDrainKeepsTheRoomsOtherAnnotations(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("kept", ns, 1))
	room := waitWarm(t, p, 1)[0]
	before := room.DeepCopy()
	room.Annotations = map[string]string{lastApplied: `{"kind":"GameRoom"}`, "example.com/owner": "team-cards"}
	g.Expect(k8s.Patch(context.Background(), &room, client.MergeFrom(before))).To(Succeed())
	// The pool's cache shows the annotated version or a later one (the
	// operator may write the room's status meanwhile), so the drain is
	// made from a cached room that lacks the annotations because they are
	// trimmed. Resource versions are etcd revisions here, so they compare.
	annotated, err := strconv.ParseUint(room.ResourceVersion, 10, 64)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) uint64 {
		var cached gamesv1.GameRoom
		g.Expect(poolWrites.Get(context.Background(), client.ObjectKeyFromObject(&room), &cached)).To(Succeed())
		g.Expect(cached.Annotations).NotTo(HaveKey(lastApplied), "the pool's cache trims it")
		rv, err := strconv.ParseUint(cached.ResourceVersion, 10, 64)
		g.Expect(err).NotTo(HaveOccurred())
		return rv
	}, waitFor, poll).Should(BeNumerically(">=", annotated))

	scalePool(t, p, 0)
	g.Eventually(func(g Gomega) {
		got := getRoom(g, &room)
		g.Expect(pool.IsDraining(got)).To(BeTrue())
		g.Expect(got.Annotations).To(HaveKeyWithValue(lastApplied, `{"kind":"GameRoom"}`))
		g.Expect(got.Annotations).To(HaveKeyWithValue("example.com/owner", "team-cards"))
		g.Expect(got.Annotations).To(HaveKey(pool.AnnotationDrainingSince))
	}, poolWaitFor, poll).Should(Succeed())
}
