package controllers

import (
	"context"
	"sort"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// holdFinalizer keeps a collected room visible after its deletion, so the
// test can read the final status it was deleted with.
const holdFinalizer = "test.croupier.dev/hold"

func hold(t *testing.T, w *gameroomtest.GameRoomWrapper) *gameroomtest.GameRoomWrapper {
	w.Finalizers = append(w.Finalizers, holdFinalizer)
	t.Cleanup(func() { letGo(t, w.Obj()) })
	return w
}

func letGo(t *testing.T, room *gamesv1.GameRoom) {
	NewWithT(t).Eventually(func(g Gomega) {
		r := &gamesv1.GameRoom{}
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(room), r); err != nil {
			return
		}
		if controllerutil.RemoveFinalizer(r, holdFinalizer) {
			g.Expect(k8s.Update(context.Background(), r)).To(Succeed())
		}
	}, waitFor, poll).Should(Succeed())
}

func TestAbandonedRoomIsMarkedThenDeleted(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, hold(t, gameroomtest.MakeGameRoom("table", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour)))
	collected := testutil.ToFloat64(roomsCollected.WithLabelValues(collectAbandoned))

	// A player comes and stays: no idle clock runs.
	writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})
	step(2 * time.Minute)
	writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now().Add(-2 * time.Minute)})
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))

	// The player leaves; the clock runs from that moment.
	writeBeat(t, room, beatOf{seated: 1, connected: 0, lastActivity: suiteClock.Now()})
	step(50 * time.Second)
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))
	// A player reconnecting in time resets it.
	writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})
	step(5 * time.Second)
	left := suiteClock.Now()
	writeBeat(t, room, beatOf{seated: 1, connected: 0, lastActivity: left})
	step(50 * time.Second)
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))

	// Past the deadline, the pod's last beat predates it: it is not yet
	// proof that nobody came in the meantime.
	step(11 * time.Second)
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))
	// A beat written after the deadline that still shows nobody is.
	writeBeat(t, room, beatOf{seated: 1, connected: 0, lastActivity: left})
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.DeletionTimestamp).NotTo(BeNil(), "the abandoned room is deleted")
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseAbandoned))
		ab := condition(r, gamesv1.ConditionAbandoned)
		g.Expect(ab).NotTo(BeNil())
		g.Expect(ab.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(ab.Reason).To(Equal(ReasonIdleTimeout))
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("Reason", ReasonAbandoned))
		g.Expect(podsOf(g, room)).To(BeEmpty(), "the pod goes with the room")
		g.Expect(r.Finalizers).NotTo(ContainElement(gamesv1.FinalizerRedisCleanup))
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(EventRoomAbandoned))
	g.Expect(testutil.ToFloat64(roomsCollected.WithLabelValues(collectAbandoned))).To(BeNumerically(">=", collected+1))
}

// A player who connects in the last heartbeat period before the deadline
// is only in the pod's next beat: the room waits for it, and stays.
func TestAPlayerConnectingJustBeforeTheDeadlineKeepsTheRoom(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, hold(t, gameroomtest.MakeGameRoom("table", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour)))
	left := suiteClock.Now()
	writeBeat(t, room, beatOf{seated: 1, connected: 0, lastActivity: left})
	step(58 * time.Second) // the player connects now; the pod beats again in a few seconds
	step(3 * time.Second)  // past the deadline, the last beat is still the one from before
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, 2*time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))
	writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: left.Add(58 * time.Second)})
	step(10 * time.Second)
	g.Consistently(func(g Gomega) *metav1.Time { return getRoom(g, room).DeletionTimestamp }, 2*time.Second, poll).
		Should(BeNil(), "a room whose player came in time is not collected")
}

func TestRoomWithoutPlayersIsAbandonedFromReady(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour))
	step(55 * time.Second)
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))
	step(10 * time.Second)
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
}

// The idle clock lives in Redis and in the status: an operator that
// starts after the room went idle finds it as far along as it was.
func TestIdleClockSurvivesOperatorRestart(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, pod := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour))
	writeBeat(t, room, beatOf{seated: 1, connected: 0, lastActivity: suiteClock.Now()})
	step(40 * time.Second)
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, 500*time.Millisecond, poll).
		Should(Equal(gamesv1.PhaseReady))

	stopOperator()
	step(25 * time.Second) // 65s idle, 25s of it with no operator running
	writeBeat(t, room, beatOf{seated: 1, connected: 0, lastActivity: suiteClock.Now().Add(-65 * time.Second)})
	restartOperator(t, nil)
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, waitFor, poll).Should(BeEmpty())
	g.Expect(eventReasons(g, room)).To(ContainElement(EventRoomAbandoned))
	_ = pod
}

func TestFinishedRoomIsDeletedAfterTTL(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, pod := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).TTLAfterFinished(time.Minute).HeartbeatTimeout(time.Hour))
	collected := testutil.ToFloat64(roomsCollected.WithLabelValues(collectFinished))

	writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhaseFinished, lastActivity: suiteClock.Now()})
	var finished time.Time
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFinished))
		g.Expect(r.Status.FinishedTime).NotTo(BeNil())
		finished = r.Status.FinishedTime.Time
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(EventRoomFinished))

	// A finished room's pod is brought back while the room exists: it
	// serves the match's replay (docs/REPLAY.md). The room stays finished.
	g.Expect(k8s.Delete(context.Background(), pod)).To(Succeed())
	g.Eventually(func(g Gomega) {
		pods := podsOf(g, room)
		g.Expect(pods).To(HaveLen(1))
		g.Expect(pods[0].UID).NotTo(Equal(pod.UID))
	}, waitFor, poll).Should(Succeed())
	step(50 * time.Second)
	g.Consistently(func(g Gomega) {
		g.Expect(getRoom(g, room).Status.Phase).To(Equal(gamesv1.PhaseFinished))
		g.Expect(podsOf(g, room)).To(HaveLen(1))
	}, time.Second, poll).Should(Succeed())

	suiteClock.SetTime(finished.Add(time.Minute + time.Second))
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	g.Expect(eventReasons(g, room)).To(ContainElement(EventRoomExpired))
	g.Expect(testutil.ToFloat64(roomsCollected.WithLabelValues(collectFinished))).To(BeNumerically(">=", collected+1))
}

// ttlAfterFinished 0s deletes a room as soon as it is seen finished
// (docs/API.md), with no clock moving.
func TestFinishedRoomWithZeroTTLIsDeletedAtOnce(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).TTLAfterFinished(0).HeartbeatTimeout(time.Hour))
	writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhaseFinished, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
	// Finished, then expired: in that order by time, as kubectl lists them.
	g.Eventually(func(g Gomega) []string {
		var list eventsv1.EventList
		g.Expect(k8s.List(context.Background(), &list, client.InNamespace(ns))).To(Succeed())
		sort.SliceStable(list.Items, func(i, j int) bool { return list.Items[i].EventTime.Before(&list.Items[j].EventTime) })
		var out []string
		for _, e := range list.Items {
			if e.Regarding.Name == room.Name && (e.Reason == EventRoomFinished || e.Reason == EventRoomExpired) {
				out = append(out, e.Reason)
			}
		}
		return out
	}, waitFor, poll).Should(Equal([]string{EventRoomFinished, EventRoomExpired}))
}

// A finished room without ttlAfterFinished stays.
func TestFinishedRoomWithoutTTLStays(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour))
	writeBeat(t, room, beatOf{seated: 2, connected: 0, phase: roomcontract.PhaseFinished, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseFinished))
	step(time.Hour)
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, time.Second, poll).
		Should(Equal(gamesv1.PhaseFinished), "finished is not abandoned, and has no TTL")
}

// A finished room shows its players leaving: kubectl's CONNECTED follows
// the heartbeat, and a pod that no longer beats has nobody connected. The
// room stays finished.
func TestFinishedRoomShowsItsPlayersLeaving(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(time.Hour))
	connected := func(n int32) {
		t.Helper()
		g.Eventually(func(g Gomega) {
			r := getRoom(g, room)
			g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFinished))
			g.Expect(r.Status.Players.Connected).To(Equal(n))
		}, waitFor, poll).Should(Succeed())
	}
	writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhaseFinished, lastActivity: suiteClock.Now()})
	connected(2)
	writeBeat(t, room, beatOf{seated: 2, connected: 1, phase: roomcontract.PhaseFinished, lastActivity: suiteClock.Now()})
	connected(1)
	g.Expect(rdb.Del(context.Background(), roomcontract.For(room.Namespace, room.Name).Heartbeat()).Err()).To(Succeed())
	connected(0)
}

// A reconciler whose cache still holds an abandoned room, after a new
// room of the same name took its place (a slow leader, a lagging watch),
// must not delete the new room: the delete names the old room's UID.
func TestStaleAbandonedRoomDoesNotDeleteItsSuccessor(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ctx := context.Background()
	ns := testNamespace(t)
	old, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns))
	stale := old.DeepCopy()
	stale.Status.Phase = gamesv1.PhaseAbandoned

	g.Expect(k8s.Delete(ctx, old)).To(Succeed())
	g.Eventually(func(g Gomega) { roomGone(g, old) }, waitFor, poll).Should(Succeed())
	successor := createRoom(t, gameroomtest.MakeGameRoom("table", ns))

	blind := staleReconciler(t, func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if r, ok := obj.(*gamesv1.GameRoom); ok {
			stale.DeepCopyInto(r)
			return nil
		}
		return c.Get(ctx, key, obj, opts...)
	})
	blind.Redis, blind.Clock = rdb, suiteClock
	_, err := blind.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(old)})
	g.Expect(err).NotTo(HaveOccurred())
	g.Consistently(func(g Gomega) {
		r := getRoom(g, successor)
		g.Expect(r.UID).To(Equal(successor.UID))
		g.Expect(r.DeletionTimestamp).To(BeNil())
	}, time.Second, poll).Should(Succeed())
}

// The idle rule as a pure function, at its edges.
func TestIdleDeadline(t *testing.T) {
	room, _, beat := deadlineRoom()
	connected := room.DeepCopy()
	connected.Status.Players.Connected = 1
	starting := room.DeepCopy()
	starting.Status.Phase = gamesv1.PhaseStarting
	warmRoom := room.DeepCopy()
	warmRoom.Labels = map[string]string{pool.LabelPool: "quick"}
	claimedRoom := warmRoom.DeepCopy()
	pool.Claim(claimedRoom, "test", t0.Add(time.Hour))
	claimedBadTime := claimedRoom.DeepCopy()
	claimedBadTime.Annotations[pool.AnnotationClaimedAt] = "soon"
	// down: started, then its pod stopped serving at t0+2m; the status
	// still counts the players it had.
	down := starting.DeepCopy()
	down.Status.Players.Connected = 2
	down.Status.Conditions = []metav1.Condition{
		{Type: gamesv1.ConditionReady, Status: metav1.ConditionFalse, LastTransitionTime: metav1.NewTime(t0.Add(2 * time.Minute))},
		{Type: gamesv1.ConditionStarted, Status: metav1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0.Add(time.Second))},
	}
	failed := down.DeepCopy()
	failed.Status.Phase = gamesv1.PhaseFailed
	cases := []struct {
		name string
		room *gamesv1.GameRoom
		beat *roomcontract.Beat
		want time.Time // zero: the rule does not apply
	}{
		{"nobody ever came: from Ready", room, nil, t0.Add(5*time.Minute + time.Second)},
		{"from the last activity", room, beat(time.Hour, 0, 10*time.Minute), t0.Add(15 * time.Minute)},
		{"someone connected", room, beat(time.Hour, 1, 0), time.Time{}},
		{"status says connected, no beat", connected, nil, time.Time{}},
		{"the beat outranks the status", connected, beat(time.Hour, 0, 0), t0.Add(5*time.Minute + time.Second)},
		{"not serving", starting, nil, time.Time{}},
		{"warm in a pool", warmRoom, nil, time.Time{}},
		{"claimed: from the claim", claimedRoom, nil, t0.Add(time.Hour + 5*time.Minute)},
		{"claimed: a later activity wins", claimedRoom, beat(2*time.Hour, 0, 90*time.Minute), t0.Add(95 * time.Minute)},
		{"claimed at an unreadable time: from Ready", claimedBadTime, nil, t0.Add(5*time.Minute + time.Second)},
		{"never started", starting, nil, time.Time{}},
		{"started, pod down: from when it stopped serving", down, nil, t0.Add(7 * time.Minute)},
		{"started, pod down, later activity", down, beat(time.Hour, 0, 3*time.Minute), t0.Add(8 * time.Minute)},
		{"started, pod down, old pod's beat has players", down, beat(time.Hour, 1, 0), time.Time{}},
		{"started, failed since", failed, nil, t0.Add(7 * time.Minute)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := idleDeadline(c.room, c.beat)
			NewWithT(t).Expect(ok).To(Equal(!c.want.IsZero()))
			NewWithT(t).Expect(got).To(BeTemporally("==", c.want))
		})
	}
}

// A room past its idle deadline whose last beat predates it is read again
// just after its next beat is written, not a whole period later.
func TestNextBeatWait(t *testing.T) {
	const period = 5 * time.Second
	for _, c := range []struct {
		name      string
		last, now time.Time
		want      time.Duration
	}{
		{"beat a second ago", t0.Add(-time.Second), t0, 4*time.Second + beatSlack},
		{"beat just written", t0, t0, period + beatSlack},
		{"next beat due now", t0.Add(-period), t0, beatSlack},
		{"next beat overdue", t0.Add(-2 * period), t0, period},
		{"the pod's clock ahead", t0.Add(time.Minute), t0, period},
	} {
		t.Run(c.name, func(t *testing.T) {
			NewWithT(t).Expect(nextBeatWait(c.last, c.now, period)).To(Equal(c.want))
		})
	}
}
