package controllers

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// beat writes the pod's heartbeat into the suite's Redis, as the game pod
// does, with the data-loss flag; the last activity is the room's creation.
func beat(t *testing.T, room *gamesv1.GameRoom, phase string, connected int, dataLost bool) {
	t.Helper()
	hb := roomcontract.Beat{Pod: PodName(room.Name), Time: suiteClock.Now(), Seated: 2, Connected: connected,
		LastActivity: room.CreationTimestamp.Time, Phase: phase, DataLost: dataLost}
	NewWithT(t).Expect(roomcontract.WriteBeat(context.Background(), rdb, roomcontract.For(room.Namespace, room.Name), hb, time.Hour)).
		To(Succeed())
}

func envOf(pod *corev1.Pod) map[string]string {
	env := map[string]string{}
	for _, e := range pod.Spec.Containers[0].Env {
		env[e.Name] = e.Value
	}
	return env
}

func TestDataLossIsShownWarnedAndKeptUntilDeleted(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, first := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(time.Hour).IdleTimeout(time.Minute))
	g.Expect(envOf(first)).NotTo(HaveKey(roomcontract.EnvMatchStarted), "no match yet")

	// The match starts: the status records it, in the write the phase
	// change costs anyway.
	beat(t, room, roomcontract.PhasePlaying, 2, false)
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhasePlaying))
		g.Expect(condition(r, gamesv1.ConditionDataIntact)).To(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", ReasonMatchStored)))
	}, waitFor, poll).Should(Succeed())

	// The pod finds Redis lost the match.
	beat(t, room, roomcontract.PhasePlaying, 2, true)
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(condition(r, gamesv1.ConditionDataIntact)).To(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", ReasonDataLost)))
		g.Expect(condition(r, gamesv1.ConditionReady)).To(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", ReasonDataLost)))
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFailed))
		g.Expect(eventReasons(g, room)).To(ContainElement(ReasonDataLost))
	}, waitFor, poll).Should(Succeed())

	// Everyone leaves and idleTimeout passes many times: the room is not
	// collected, and its condition stays.
	for range 3 {
		step(2 * time.Minute)
		beat(t, room, roomcontract.PhaseWaiting, 0, true)
		g.Consistently(func(g Gomega) {
			r := getRoom(g, room)
			g.Expect(r.DeletionTimestamp).To(BeNil())
			g.Expect(condition(r, gamesv1.ConditionDataIntact)).To(HaveField("Status", metav1.ConditionFalse))
		}, 300*time.Millisecond, poll).Should(Succeed())
	}

	// The pod is killed: its replacement is told the match had started,
	// so it cannot deal a fresh one from an empty Redis.
	g.Expect(k8s.Delete(context.Background(), first)).To(Succeed())
	second := waitPod(t, room, string(first.UID))
	g.Expect(envOf(second)).To(HaveKeyWithValue(roomcontract.EnvMatchStarted, "true"))
	setPodStatus(t, second, corev1.PodRunning, true, "10.1.2.4")
	// A beat without the flag (a pod not told) does not clear the record.
	beat(t, room, roomcontract.PhaseWaiting, 0, false)
	g.Consistently(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(condition(r, gamesv1.ConditionDataIntact)).To(HaveField("Status", metav1.ConditionFalse))
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("Reason", ReasonDataLost))
	}, 500*time.Millisecond, poll).Should(Succeed())
	g.Expect(eventReasons(g, room)).To(HaveEach(Not(Equal(EventRoomFailed))))
	n := 0
	for _, r := range eventReasons(g, room) {
		if r == ReasonDataLost {
			n++
		}
	}
	g.Expect(n).To(Equal(1), "the loss is announced once")

	// Deleting the room ends it.
	g.Expect(k8s.Delete(context.Background(), room)).To(Succeed())
	g.Eventually(func(g Gomega) { roomGone(g, room) }, waitFor, poll).Should(Succeed())
}

// A pod created before the match started and restarted in place (a crash,
// a liveness kill) is not told the match had started; over a Redis that
// lost the match it reports no match and would deal a new one. The
// operator records the loss and replaces it with a pod that is told.
func TestAPodRestartedWithoutKnowingItsMatchOverALostRedisIsReplaced(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, first := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(time.Hour))
	replaced := testutil.ToFloat64(podsReplaced.WithLabelValues("data_lost"))
	beat(t, room, roomcontract.PhasePlaying, 2, false)
	g.Eventually(func(g Gomega) *metav1.Condition { return condition(getRoom(g, room), gamesv1.ConditionDataIntact) }, waitFor, poll).
		Should(HaveField("Reason", ReasonMatchStored))

	// Redis loses the room's keys, and the pod restarts in place: it finds
	// no match and waits for players.
	beat(t, room, roomcontract.PhaseWaiting, 0, false)
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(condition(r, gamesv1.ConditionDataIntact)).To(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", ReasonDataLost)))
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFailed))
		g.Expect(eventReasons(g, room)).To(ContainElements(ReasonDataLost, EventPodUninformed))
	}, waitFor, poll).Should(Succeed())
	second := waitPod(t, room, string(first.UID))
	g.Expect(envOf(second)).To(HaveKeyWithValue(roomcontract.EnvMatchStarted, "true"), "the replacement is told, so it refuses")
	g.Expect(testutil.ToFloat64(podsReplaced.WithLabelValues("data_lost"))).To(BeNumerically(">=", replaced+1))

	// The replacement was told: the stale beat of its predecessor (same
	// pod name, still no match) does not have it replaced in turn.
	setPodStatus(t, second, corev1.PodRunning, true, "10.1.2.4")
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, 2*time.Second, poll).
		Should(ConsistOf(HaveField("UID", second.UID)))
	g.Expect(countOf(g, room, EventPodUninformed)).To(Equal(1), "one uninformed pod, one replacement")
}

// The same over a finished room: its pod, restarted in place after Redis
// lost the match, waits for players and would deal a new match in a room
// that stays Finished. The sweep wakes the room for that beat, and the pod
// is replaced by one that is told (which refuses, and answers the replay
// 500: docs/REPLAY.md). The status stays as the match ended.
func TestAFinishedRoomsPodRestartedOverALostMatchIsReplaced(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, first := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(time.Hour))
	beat(t, room, roomcontract.PhasePlaying, 2, false)
	g.Eventually(func(g Gomega) *metav1.Condition { return condition(getRoom(g, room), gamesv1.ConditionDataIntact) }, waitFor, poll).
		Should(HaveField("Reason", ReasonMatchStored))
	beat(t, room, roomcontract.PhaseFinished, 2, false)
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseFinished))

	beat(t, room, roomcontract.PhaseWaiting, 0, false)
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).Should(ContainElement(EventPodUninformed))
	second := waitPod(t, room, string(first.UID))
	g.Expect(envOf(second)).To(HaveKeyWithValue(roomcontract.EnvMatchStarted, "true"))
	setPodStatus(t, second, corev1.PodRunning, true, "10.1.2.4")
	beat(t, room, roomcontract.PhaseWaiting, 0, true) // the told pod finds the loss
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, 2*time.Second, poll).
		Should(ConsistOf(HaveField("UID", second.UID)))
	g.Expect(getRoom(g, room).Status.Phase).To(Equal(gamesv1.PhaseFinished), "a match over stays as it ended")
}
