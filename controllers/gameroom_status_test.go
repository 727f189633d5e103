package controllers

import (
	"errors"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func testRoom() *gameroomtest.GameRoomWrapper {
	w := gameroomtest.MakeGameRoom("table", "ns").Generation(3)
	w.UID = types.UID("room-uid")
	return w
}

// podOf builds the room's pod in a given state, as the kubelet would leave it.
func podOf(room *gamesv1.GameRoom, phase corev1.PodPhase, ready bool, ip string) *corev1.Pod {
	p := buildPod(room, PodSettings{Image: "img"})
	p.Status.Phase = phase
	p.Status.PodIP = ip
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}
	return p
}

func cond(st gamesv1.GameRoomStatus, typ string) metav1.Condition {
	for _, c := range st.Conditions {
		if c.Type == typ {
			return c
		}
	}
	return metav1.Condition{}
}

func TestComputeStatus(t *testing.T) {
	room := testRoom().Obj()
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "Pod"}, "table-game",
		field.ErrorList{field.Invalid(field.NewPath("metadata", "labels"), "x y", "bad label")})
	foreign := podOf(room, corev1.PodRunning, true, "10.0.0.9")
	foreign.OwnerReferences = nil
	terminating := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	terminating.DeletionTimestamp = &metav1.Time{Time: t0}
	evicted := podOf(room, corev1.PodFailed, false, "10.0.0.1")
	evicted.Status.Reason = "Evicted"
	pulling := podOf(room, corev1.PodPending, false, "")
	pulling.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "game", State: corev1.ContainerState{
		Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "Back-off pulling image"}}}}
	creating := podOf(room, corev1.PodPending, false, "")
	creating.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "game", State: corev1.ContainerState{
		Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}}}

	cases := []struct {
		name        string
		room        *gamesv1.GameRoom
		pod         *corev1.Pod
		podErr      error
		presence    *Presence
		phase       gamesv1.GameRoomPhase
		healthy     metav1.ConditionStatus
		podReason   string
		ready       metav1.ConditionStatus
		readyReason string
		endpoint    string
		msg         string // substring of the Ready message
	}{
		{name: "no pod yet", room: room, phase: gamesv1.PhasePending,
			healthy: "False", podReason: ReasonPodMissing, ready: "False", readyReason: ReasonPodMissing},
		{name: "create failed", room: room, podErr: errors.New("quota exceeded"), phase: gamesv1.PhasePending,
			healthy: "False", podReason: ReasonPodCreateFailed, ready: "False", readyReason: ReasonPodCreateFailed, msg: "quota exceeded"},
		{name: "pod rejected as invalid", room: room, podErr: invalid, phase: gamesv1.PhaseFailed,
			healthy: "False", podReason: ReasonPodInvalid, ready: "False", readyReason: ReasonPodInvalid, msg: "fix spec.template"},
		{name: "pending, image pull", room: room, pod: pulling, phase: gamesv1.PhaseStarting,
			healthy: "False", podReason: ReasonImagePullFailed, ready: "False", readyReason: ReasonImagePullFailed, msg: "ImagePullBackOff"},
		{name: "pending, creating", room: room, pod: creating, phase: gamesv1.PhaseStarting,
			healthy: "False", podReason: ReasonPodPending, ready: "False", readyReason: ReasonPodPending, msg: "is pending"},
		{name: "running not ready", room: room, pod: podOf(room, corev1.PodRunning, false, "10.0.0.1"),
			phase: gamesv1.PhaseStarting, healthy: "False", podReason: ReasonPodNotReady, ready: "False",
			readyReason: ReasonPodNotReady, endpoint: "10.0.0.1:7350"},
		{name: "ready", room: room, pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"), phase: gamesv1.PhaseReady,
			healthy: "True", podReason: ReasonPodReady, ready: "True", readyReason: ReasonRoomReady,
			endpoint: "10.0.0.1:7350", msg: "10.0.0.1:7350"},
		{name: "ready over IPv6", room: room, pod: podOf(room, corev1.PodRunning, true, "fd00::1"), phase: gamesv1.PhaseReady,
			healthy: "True", podReason: ReasonPodReady, ready: "True", readyReason: ReasonRoomReady, endpoint: "[fd00::1]:7350"},
		{name: "evicted", room: room, pod: evicted, phase: gamesv1.PhaseStarting,
			healthy: "False", podReason: ReasonPodFailed, ready: "False", readyReason: ReasonPodFailed, msg: "Evicted"},
		{name: "terminating", room: room, pod: terminating, phase: gamesv1.PhaseStarting,
			healthy: "False", podReason: ReasonPodTerminating, ready: "False", readyReason: ReasonPodTerminating},
		{name: "pod of someone else", room: room, pod: foreign, phase: gamesv1.PhaseFailed,
			healthy: "False", podReason: ReasonPodConflict, ready: "False", readyReason: ReasonPodConflict, msg: "not controlled"},
		{name: "playing", room: room, pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"),
			presence: &Presence{Seated: 2, Connected: 2, Playing: true, LastHeartbeat: t0},
			phase:    gamesv1.PhasePlaying, healthy: "True", podReason: ReasonPodReady, ready: "True",
			readyReason: ReasonPlaying, endpoint: "10.0.0.1:7350"},
		{name: "finished by the pod", room: room, pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"),
			presence: &Presence{Seated: 2, Finished: true}, phase: gamesv1.PhaseFinished, healthy: "True",
			podReason: ReasonPodReady, ready: "False", readyReason: ReasonFinished, endpoint: "10.0.0.1:7350"},
		{name: "abandoned stays abandoned without a pod", room: testRoom().Phase(gamesv1.PhaseAbandoned).Obj(),
			phase: gamesv1.PhaseAbandoned, healthy: "False", podReason: ReasonPodMissing, ready: "False", readyReason: ReasonAbandoned},
		{name: "finished stays finished when the pod is replaced", room: testRoom().Phase(gamesv1.PhaseFinished).Obj(),
			pod: podOf(room, corev1.PodPending, false, ""), phase: gamesv1.PhaseFinished, healthy: "False",
			podReason: ReasonPodPending, ready: "False", readyReason: ReasonFinished},
		// Redis unreachable: no heartbeat, but the match had started; a
		// match never un-starts, so the room is not announced Ready again.
		{name: "playing, heartbeat unknown", room: testRoom().Phase(gamesv1.PhasePlaying).Condition(metav1.Condition{
			Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionTrue, Reason: ReasonMatchStored}).Obj(),
			pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"), phase: gamesv1.PhasePlaying, healthy: "True",
			podReason: ReasonPodReady, ready: "True", readyReason: ReasonPlaying, endpoint: "10.0.0.1:7350"},
		{name: "failed recovers once the pod runs", room: testRoom().Phase(gamesv1.PhaseFailed).Obj(),
			pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"), phase: gamesv1.PhaseReady, healthy: "True",
			podReason: ReasonPodReady, ready: "True", readyReason: ReasonRoomReady, endpoint: "10.0.0.1:7350"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			st := computeStatus(observed{room: tc.room, pod: tc.pod, podErr: tc.podErr, presence: tc.presence, now: t0})
			g.Expect(st.Phase).To(Equal(tc.phase))
			g.Expect(st.Endpoint).To(Equal(tc.endpoint))
			g.Expect(st.ObservedGeneration).To(BeEquivalentTo(3))
			h, r := cond(st, gamesv1.ConditionPodHealthy), cond(st, gamesv1.ConditionReady)
			g.Expect(h.Status).To(Equal(tc.healthy))
			g.Expect(h.Reason).To(Equal(tc.podReason))
			g.Expect(r.Status).To(Equal(tc.ready))
			g.Expect(r.Reason).To(Equal(tc.readyReason))
			g.Expect(r.Message).To(ContainSubstring(tc.msg))
			g.Expect(h.ObservedGeneration).To(BeEquivalentTo(3))
			g.Expect(r.ObservedGeneration).To(BeEquivalentTo(3))
			if tc.pod != nil {
				g.Expect(st.PodName).To(Equal("table-game"))
			}
		})
	}
}

func TestComputeStatusKeepsTransitionTime(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0})
	later := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Hour)})
	g.Expect(cond(later, gamesv1.ConditionReady).LastTransitionTime.Time).To(Equal(t0))
	g.Expect(later).To(Equal(room.Status), "a steady room must not need a status write")

	pod.Status.Conditions[0].Status = corev1.ConditionFalse
	flipped := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Hour)})
	g.Expect(cond(flipped, gamesv1.ConditionReady).LastTransitionTime.Time).To(Equal(t0.Add(time.Hour)))
}

func TestComputeStatusPresence(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0, presence: &Presence{
		Seated: 2, Connected: 1, LastHeartbeat: t0, LastActivity: t0.Add(-time.Minute),
	}})
	g.Expect(room.Status.Players).To(Equal(gamesv1.Players{Seated: 2, Connected: 1}))
	g.Expect(room.Status.LastHeartbeatTime.Time).To(Equal(t0))
	g.Expect(room.Status.LastActivityTime.Time).To(Equal(t0.Add(-time.Minute)))

	// A reconcile that read no heartbeat keeps what the last one said.
	again := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Second)})
	g.Expect(again.Players).To(Equal(room.Status.Players))
	g.Expect(again.LastHeartbeatTime).To(Equal(room.Status.LastHeartbeatTime))
}

// deadlineRoom is a room Ready since t0+1s with its ready pod, created at
// t0, for the pure tests of the silence and idle rules; beat makes a
// heartbeat at t0+at, with activity at t0+activity (none when zero).
func deadlineRoom() (room *gamesv1.GameRoom, ready *corev1.Pod, beat func(at time.Duration, connected int, activity time.Duration) *roomcontract.Beat) {
	room = testRoom().HeartbeatTimeout(30 * time.Second).IdleTimeout(5 * time.Minute).Obj()
	ready = podOf(room, corev1.PodRunning, true, "10.0.0.1")
	ready.CreationTimestamp = metav1.NewTime(t0)
	room.Status.Phase = gamesv1.PhaseReady
	room.Status.Conditions = []metav1.Condition{
		{Type: gamesv1.ConditionReady, Status: metav1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0.Add(time.Second))},
		{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0.Add(time.Second))},
	}
	beat = func(at time.Duration, connected int, activity time.Duration) *roomcontract.Beat {
		b := &roomcontract.Beat{Time: t0.Add(at), Connected: connected}
		if activity != 0 {
			b.LastActivity = t0.Add(activity)
		}
		return b
	}
	return room, ready, beat
}

// Rooms applied together must not refresh together: each has its own
// bound, from StatusRefresh to 1.5 times it.
func TestRefreshAfterSpreadsRooms(t *testing.T) {
	g := NewWithT(t)
	seen := map[time.Duration]bool{}
	for i := range 100 {
		room := gameroomtest.MakeGameRoom(fmt.Sprintf("room-%03d", i), "ns").Obj()
		d := refreshAfter(room)
		g.Expect(d).To(BeNumerically(">=", StatusRefresh))
		g.Expect(d).To(BeNumerically("<", StatusRefresh*3/2))
		g.Expect(refreshAfter(room)).To(Equal(d), "fixed per room, so restarts keep it")
		seen[d.Truncate(30*time.Second)] = true
	}
	g.Expect(len(seen)).To(BeNumerically(">=", 8), "spread over the range")
}
