package controllers

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Helpers of the heartbeat, collection and cleanup tests.

// resetClock starts a test with the operator's clock at the real time, so
// the API server's timestamps (deletion, creation) and the operator's
// agree, whatever earlier tests stepped, and puts it back to the real time
// when the test ends: the operator and the pool controller keep running,
// and a clock left minutes ahead would have them judge the next test's
// rooms by it (a fresh room past its startTimeout is collected at once).
func resetClock(t *testing.T) {
	t.Helper()
	suiteClock.SetTime(time.Now())
	t.Cleanup(func() { suiteClock.SetTime(time.Now()) })
}

// readyRoom creates a room and plays the kubelet until the room is Ready.
func readyRoom(t *testing.T, w *gameroomtest.GameRoomWrapper) (*gamesv1.GameRoom, *corev1.Pod) {
	t.Helper()
	room := createRoom(t, w)
	pod := waitPod(t, room, "")
	setPodStatus(t, pod, corev1.PodRunning, true, "10.1.2.3")
	NewWithT(t).Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseReady))
		g.Expect(r.Finalizers).To(ContainElement(gamesv1.FinalizerRedisCleanup))
	}, waitFor, poll).Should(Succeed())
	ready := &corev1.Pod{}
	NewWithT(t).Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(pod), ready)).To(Succeed())
	return getRoom(NewWithT(t), room), ready
}

// beatOf is a heartbeat as the game pod writes it, at the operator's now.
type beatOf struct {
	seated, connected int
	phase             string
	lastActivity      time.Time
}

func writeBeat(t *testing.T, room *gamesv1.GameRoom, b beatOf) roomcontract.Beat {
	t.Helper()
	hb := roomcontract.Beat{Pod: PodName(room.Name), Time: suiteClock.Now(), Seated: b.seated, Connected: b.connected,
		LastActivity: b.lastActivity, Phase: b.phase}
	if hb.Phase == "" {
		hb.Phase = roomcontract.PhaseWaiting
	}
	err := roomcontract.WriteBeat(context.Background(), rdb, roomcontract.For(room.Namespace, room.Name), hb, time.Hour)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return hb
}

// step moves the operator's clock on.
func step(d time.Duration) { suiteClock.Step(d) }

// stopRedis plays an outage: Redis goes away, and the test gets a
// function that brings it back (empty, as a Redis without persistence).
func stopRedis(t *testing.T) (restart func()) {
	t.Helper()
	srv := suiteRedis.Single(t)
	srv.Stop()
	restarted := false
	restart = func() {
		if !restarted {
			restarted = true
			NewWithT(t).Expect(srv.Restart()).To(Succeed())
		}
	}
	t.Cleanup(restart)
	return restart
}

// restartOperator replaces the running operator by a new one (new caches,
// no memory of the old one), configured by configure; the test's cleanup
// brings back the suite's operator.
func restartOperator(t *testing.T, configure func(*GameRoomReconciler)) {
	t.Helper()
	stopOperator()
	var err error
	stopOperator, err = startOperator(configure)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	if configure != nil {
		t.Cleanup(func() {
			stopOperator()
			stopOperator, err = startOperator(nil)
			if err != nil {
				t.Fatalf("restart the suite's operator: %v", err)
			}
		})
	}
}

// roomGone: the GameRoom no longer exists.
func roomGone(g Gomega, room *gamesv1.GameRoom) {
	got := &gamesv1.GameRoom{}
	err := k8s.Get(context.Background(), client.ObjectKeyFromObject(room), got)
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "room still exists: phase %s, finalizers %v", got.Status.Phase, got.Finalizers)
}
