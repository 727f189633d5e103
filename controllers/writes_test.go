package controllers

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// A new room, from create to Ready with a player, costs the API server the
// writes docs/BENCHMARKS.md lists and no more: the finalizer, the pod, the
// first status (phase Starting, the pod, the heartbeat's players), the
// Ready status, and the RoomReady event; none repeated against a cache that
// has not caught up (a conflict or AlreadyExists is a write that changed
// nothing).
func TestNewRoomCostsOneWriteOfEach(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	w := gameroomtest.MakeGameRoom("table", ns)
	// The pod beats from its start, before it is ready.
	writeBeat(t, w.Obj(), beatOf{seated: 1, connected: 1, phase: roomcontract.PhaseWaiting, lastActivity: suiteClock.Now()})
	room := createRoom(t, w)
	pod := waitPod(t, room, "")
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
		g.Expect(r.Status.Players.Connected).To(BeEquivalentTo(1))
	}, waitFor, poll).Should(Succeed())
	setPodStatus(t, pod, corev1.PodRunning, true, "10.1.2.3")
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseReady))
	// Many sweeps pass; the room's events (pod, status) have all arrived.
	time.Sleep(time.Second)

	g.Expect(suiteWrites.of(ns)).To(HaveExactElements(
		"patch *v1alpha1.GameRoom "+ns+"/table ok",
		"create *v1.Pod "+ns+"/table-game ok",
		"update-status *v1alpha1.GameRoom "+ns+"/table ok",
		"update-status *v1alpha1.GameRoom "+ns+"/table ok",
	))
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(HaveExactElements(EventRoomReady))
}
