package controllers

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// writeAllKeys plays a game pod that wrote every key of its room.
func writeAllKeys(t *testing.T, room *gamesv1.GameRoom) []string {
	t.Helper()
	keys := roomcontract.For(room.Namespace, room.Name).All()
	for _, k := range keys {
		NewWithT(t).Expect(rdb.Set(context.Background(), k, "x", 0).Err()).To(Succeed())
	}
	// A key of another room, which must survive.
	other := roomcontract.For(room.Namespace, room.Name+"-other").Log()
	NewWithT(t).Expect(rdb.Set(context.Background(), other, "x", 0).Err()).To(Succeed())
	t.Cleanup(func() { rdb.Del(context.Background(), other) })
	return keys
}

func existing(g Gomega, keys []string) int64 {
	n, err := rdb.Exists(context.Background(), keys...).Result()
	g.Expect(err).NotTo(HaveOccurred())
	return n
}

func TestDeletedRoomLosesItsKeys(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns))
	keys := writeAllKeys(t, room)

	g.Expect(k8s.Delete(context.Background(), room)).To(Succeed())
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	g.Expect(existing(g, keys)).To(BeZero())
	g.Expect(existing(g, []string{roomcontract.For(ns, "table-other").Log()})).To(Equal(int64(1)))
	g.Expect(podsOf(g, room)).To(BeEmpty())
}

func TestAuditRetentionExpiresKeys(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	restartOperator(t, func(r *GameRoomReconciler) { r.AuditRetention = time.Hour })
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns))
	keys := writeAllKeys(t, room)

	g.Expect(k8s.Delete(context.Background(), room)).To(Succeed())
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	for _, k := range keys {
		ttl, err := rdb.PTTL(context.Background(), k).Result()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(ttl).To(BeNumerically("~", time.Hour, time.Minute), "key %s", k)
	}
}

func TestRedisDownHoldsDeletionThenResumes(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns))

	restart := stopRedis(t)
	g.Expect(k8s.Delete(context.Background(), room)).To(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(EventRedisCleanupFailed))
	g.Consistently(func(g Gomega) []string { return getRoom(g, room).Finalizers }, time.Second, poll).
		Should(ContainElement(gamesv1.FinalizerRedisCleanup))

	restart()
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
}

// Redis gone for good must not hang a room's deletion (and its
// namespace's) forever: after the bound, the room is let go with a warning.
func TestRedisDownPastTheBoundReleasesTheRoom(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns))
	skipped := testutil.ToFloat64(redisCleanupSkipped.WithLabelValues("timeout"))

	stopRedis(t)
	g.Expect(k8s.Delete(context.Background(), room)).To(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(EventRedisCleanupFailed))
	step(DefaultCleanupTimeout - time.Minute)
	g.Consistently(func(g Gomega) []string { return getRoom(g, room).Finalizers }, time.Second, poll).
		Should(ContainElement(gamesv1.FinalizerRedisCleanup))
	step(2 * time.Minute)
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	g.Expect(eventReasons(g, room)).To(ContainElement(EventRedisCleanupSkipped))
	g.Expect(eventNote(g, room, EventRedisCleanupSkipped)).To(ContainSubstring(keyPattern(room)), "the message names the keys")
	g.Expect(testutil.ToFloat64(redisCleanupSkipped.WithLabelValues("timeout"))).To(BeNumerically(">=", skipped+1))
}

func TestSkipAnnotationReleasesAtOnce(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns))
	stopRedis(t)
	g.Expect(k8s.Delete(context.Background(), room)).To(Succeed())
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		r.Annotations = map[string]string{gamesv1.AnnotationSkipRedisCleanup: "true"}
		g.Expect(k8s.Update(context.Background(), r)).To(Succeed())
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	g.Expect(eventReasons(g, room)).To(ContainElement(EventRedisCleanupSkipped))
	g.Expect(eventNote(g, room, EventRedisCleanupSkipped)).To(ContainSubstring(keyPattern(room)), "the message names the keys")
}

// docs/API.md: a cleanup Redis does not answer is retried after a quarter
// of the time waited, at least 1s and at most 1m.
func TestCleanupBackoffIsAQuarterOfTheWaitWithinASecondAndAMinute(t *testing.T) {
	for _, tt := range []struct{ waited, want time.Duration }{
		{0, time.Second},
		{2 * time.Second, time.Second},
		{20 * time.Second, 5 * time.Second},
		{3 * time.Minute, 45 * time.Second},
		{9 * time.Minute, time.Minute},
	} {
		if got := cleanupBackoff(tt.waited); got != tt.want {
			t.Errorf("after %s: back-off %s, want %s", tt.waited, got, tt.want)
		}
	}
}
