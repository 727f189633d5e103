package controllers

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Rooms that cannot start, against a real API server: the tests play the
// kubelet and the scheduler by writing the pod's status.

// setPodStatusWith writes the pod's status as the kubelet would, after
// mutate; the room's pod must be Pending or Running.
func setPodStatusWith(t *testing.T, pod *corev1.Pod, phase corev1.PodPhase, mutate func(*corev1.Pod)) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		fresh := &corev1.Pod{}
		g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(pod), fresh)).To(Succeed())
		fresh.Status.Phase = phase
		fresh.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}}
		mutate(fresh)
		g.Expect(k8s.Status().Update(context.Background(), fresh)).To(Succeed())
	}, waitFor, poll).Should(Succeed())
}

// retried changes what the kubelet or the scheduler says, as a retry does.
func retried(p *corev1.Pod) {
	for i := range p.Status.ContainerStatuses {
		if w := p.Status.ContainerStatuses[i].State.Waiting; w != nil {
			w.Message += " (retried)"
		}
	}
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == corev1.PodScheduled {
			p.Status.Conditions[i].Message += " (retried)"
		}
	}
}

// countOf is how many events of reason the room got.
func countOf(g Gomega, room *gamesv1.GameRoom, reason string) int {
	n := 0
	for _, r := range eventReasons(g, room) {
		if r == reason {
			n++
		}
	}
	return n
}

func TestRoomInUnpreparedNamespaceIsToldWhy(t *testing.T) {
	g := NewWithT(t)
	prepared := testNamespace(t)
	elsewhere := gameroomtest.Namespace(t, k8s)
	restartOperator(t, func(r *GameRoomReconciler) { r.RoomNamespaces = []string{prepared} })

	lost := createRoom(t, gameroomtest.MakeGameRoom("table", elsewhere))
	served := createRoom(t, gameroomtest.MakeGameRoom("table", prepared))
	waitPod(t, served, "") // the cache watches the prepared namespace's pods

	g.Eventually(func(g Gomega) {
		r := getRoom(g, lost)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFailed))
		for _, typ := range []string{gamesv1.ConditionReady, gamesv1.ConditionPodHealthy} {
			c := condition(r, typ)
			g.Expect(c).NotTo(BeNil(), typ)
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse), typ)
			g.Expect(c.Reason).To(Equal(ReasonNamespaceNotPrepared), typ)
			g.Expect(c.Message).To(ContainSubstring("Namespace " + elsewhere + " is not prepared for game pods (prepared: " + prepared + ")"))
			g.Expect(c.Message).To(ContainSubstring("gameservers.namespaces"))
		}
		g.Expect(countOf(g, lost, ReasonNamespaceNotPrepared)).To(Equal(1))
	}, waitFor, poll).Should(Succeed())
	// The sweep keeps waking the room; it is not told twice, and gets no pod.
	g.Consistently(func(g Gomega) {
		g.Expect(podsOf(g, lost)).To(BeEmpty())
		g.Expect(countOf(g, lost, ReasonNamespaceNotPrepared)).To(Equal(1))
		g.Expect(eventReasons(g, lost)).NotTo(ContainElement(EventRoomFailed), "one Warning says it")
	}, 2*time.Second, 200*time.Millisecond).Should(Succeed())

	// The operator's cache holds the prepared namespace's game pods, spec
	// stripped, and nothing of the other namespace.
	stray := buildPod(lost, suitePods)
	stray.OwnerReferences = nil
	g.Expect(k8s.Create(context.Background(), stray)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(condition(getRoom(g, served), gamesv1.ConditionPodHealthy)).To(HaveField("Reason", ReasonPodPending))
		var cached corev1.PodList
		g.Expect(suiteRecs.List(context.Background(), &cached, client.HasLabels{LabelRoom})).To(Succeed())
		g.Expect(cached.Items).To(ConsistOf(And(HaveField("Namespace", prepared), HaveField("Spec.Containers", BeEmpty()))))
	}, waitFor, poll).Should(Succeed())
	g.Expect(suiteRecs.Get(context.Background(), client.ObjectKeyFromObject(stray), &corev1.Pod{})).NotTo(Succeed())
	g.Expect(k8s.Delete(context.Background(), stray)).To(Succeed())

	// Deleting it needs no pod access in its namespace.
	g.Expect(k8s.Delete(context.Background(), lost)).To(Succeed())
	g.Eventually(func(g Gomega) { roomGone(g, lost) }, waitFor, poll).Should(Succeed())
}

func TestPodThatCannotStartSaysWhy(t *testing.T) {
	cases := []struct {
		name   string
		phase  corev1.PodPhase
		status func(*corev1.Pod)
		reason string
		msg    string
	}{
		{"image pull back-off", corev1.PodPending,
			waiting("ImagePullBackOff", `Back-off pulling image "registry.example/croupier:nope"`),
			ReasonImagePullFailed, `ImagePullBackOff: Back-off pulling image "registry.example/croupier:nope"`},
		{"crash loop back-off", corev1.PodRunning, crashed(3, corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
			Reason: "CrashLoopBackOff", Message: "back-off 20s restarting failed container=game"}}),
			ReasonCrashLooping, "last exit code 2, Error: redis: connection refused"},
		{"missing secret", corev1.PodPending,
			waiting("CreateContainerConfigError", `secret "croupier-session-keys" not found`),
			ReasonConfigMissing, `secret "croupier-session-keys" not found`},
		{"unschedulable", corev1.PodPending, unschedulable,
			ReasonUnschedulable, "0/3 nodes are available: 3 Insufficient cpu."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			ns := testNamespace(t)
			room := createRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(time.Hour))
			pod := waitPod(t, room, "")
			setPodStatusWith(t, pod, tc.phase, tc.status)
			g.Eventually(func(g Gomega) {
				r := getRoom(g, room)
				g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
				for _, typ := range []string{gamesv1.ConditionReady, gamesv1.ConditionPodHealthy} {
					g.Expect(condition(r, typ)).To(HaveField("Reason", tc.reason), typ)
					g.Expect(condition(r, typ)).To(HaveField("Message", ContainSubstring(tc.msg)), typ)
				}
				g.Expect(countOf(g, room, tc.reason)).To(Equal(1))
			}, waitFor, poll).Should(Succeed())

			// The kubelet retries and says it again in other words (a longer
			// back-off); the room's message follows, its event is not repeated.
			setPodStatusWith(t, pod, tc.phase, func(p *corev1.Pod) {
				tc.status(p)
				retried(p)
			})
			g.Eventually(func(g Gomega) *metav1.Condition { return condition(getRoom(g, room), gamesv1.ConditionPodHealthy) },
				waitFor, poll).Should(HaveField("Message", ContainSubstring("(retried)")))
			g.Consistently(func(g Gomega) int { return countOf(g, room, tc.reason) }, time.Second, 200*time.Millisecond).
				Should(Equal(1))
		})
	}
}

func TestRoomStuckStartingIsCollected(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	resetClock(t)
	collected := testutil.ToFloat64(roomsCollected.WithLabelValues(collectStartTimeout))
	room := createRoom(t, hold(t, gameroomtest.MakeGameRoom("table", ns).StartTimeout(time.Minute).HeartbeatTimeout(time.Hour)))
	pod := waitPod(t, room, "")
	setPodStatusWith(t, pod, corev1.PodPending, waiting("ImagePullBackOff", "Back-off pulling image"))
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("Reason", ReasonImagePullFailed))
		started := condition(r, gamesv1.ConditionStarted)
		g.Expect(started).NotTo(BeNil())
		g.Expect(started.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(started.Reason).To(Equal(ReasonImagePullFailed))
		g.Expect(started.Message).To(ContainSubstring("the room is deleted if it is not by " +
			r.CreationTimestamp.Add(time.Minute).UTC().Format(time.RFC3339)))
	}, waitFor, poll).Should(Succeed())

	step(50 * time.Second)
	g.Consistently(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.DeletionTimestamp).To(BeNil())
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
	}, time.Second, poll).Should(Succeed())

	step(15 * time.Second)
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.DeletionTimestamp).NotTo(BeNil(), "the room that never started is deleted")
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseFailed))
		ready := condition(r, gamesv1.ConditionReady)
		g.Expect(ready.Reason).To(Equal(ReasonStartTimeout))
		g.Expect(ready.Message).To(ContainSubstring("did not become ready within startTimeout 1m0s"))
		g.Expect(ready.Message).To(ContainSubstring("Last seen: ImagePullFailed"))
		g.Expect(condition(r, gamesv1.ConditionPodHealthy)).To(HaveField("Reason", ReasonImagePullFailed))
		g.Expect(condition(r, gamesv1.ConditionStarted)).To(HaveField("Reason", ReasonStartTimeout))
		g.Expect(podsOf(g, room)).To(BeEmpty(), "the pod goes with the room")
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(ReasonStartTimeout))
	g.Expect(eventReasons(g, room)).NotTo(ContainElement(EventRoomFailed))
	g.Expect(testutil.ToFloat64(roomsCollected.WithLabelValues(collectStartTimeout))).To(BeNumerically(">=", collected+1))
}

// Once a room has started, startTimeout no longer applies: a pod that
// crashes later is the heartbeat rule's business, and the game is kept.
func TestStartedRoomOutlivesStartTimeout(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	resetClock(t)
	room, pod := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).StartTimeout(time.Minute).
		HeartbeatTimeout(time.Hour).IdleTimeout(time.Hour))
	g.Expect(condition(room, gamesv1.ConditionStarted)).To(HaveField("Status", metav1.ConditionTrue))
	setPodStatusWith(t, pod, corev1.PodRunning, crashed(2, corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
		Reason: "CrashLoopBackOff"}}))
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseStarting))
	step(10 * time.Minute)
	g.Consistently(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.DeletionTimestamp).To(BeNil())
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("Reason", ReasonCrashLooping))
		g.Expect(condition(r, gamesv1.ConditionStarted)).To(HaveField("Status", metav1.ConditionTrue))
	}, 2*time.Second, poll).Should(Succeed())
}

// A started room whose replacement pod never comes up has nobody
// connected: it is abandoned after idleTimeout, not kept forever.
func TestStartedRoomWithoutAServingPodIsAbandoned(t *testing.T) {
	g := NewWithT(t)
	ns := testNamespace(t)
	resetClock(t)
	room, pod := readyRoom(t, hold(t, gameroomtest.MakeGameRoom("table", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour)))
	writeBeat(t, room, beatOf{seated: 2, connected: 2, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) int32 { return getRoom(g, room).Status.Players.Connected }, waitFor, poll).Should(BeEquivalentTo(2))
	g.Expect(rdb.Del(context.Background(), roomcontract.For(ns, room.Name).Heartbeat()).Err()).To(Succeed()) // the beat expired

	step(30 * time.Second)
	setPodStatusWith(t, pod, corev1.PodPending, waiting("ImagePullBackOff", "Back-off pulling image"))
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseStarting))
	step(50 * time.Second)
	g.Consistently(func(g Gomega) *metav1.Time { return getRoom(g, room).DeletionTimestamp }, time.Second, poll).Should(BeNil(),
		"a minute counts from when the pod stopped serving")

	step(15 * time.Second)
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.DeletionTimestamp).NotTo(BeNil())
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseAbandoned))
		g.Expect(condition(r, gamesv1.ConditionAbandoned)).To(HaveField("Reason", ReasonIdleTimeout))
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElement(EventRoomAbandoned))
}
