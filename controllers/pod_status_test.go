package controllers

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// waiting is the game container held by the kubelet with reason and message.
func waiting(reason, message string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: gameContainer, Image: "registry.example/croupier:nope",
			RestartCount: 0, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}}
	}
}

// crashed is the game container after restarts, last ended by exit code 2.
func crashed(restarts int32, state corev1.ContainerState) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: gameContainer, RestartCount: restarts, State: state,
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 2, Reason: "Error", Message: "redis: connection refused"}}}}
	}
}

func unschedulable(p *corev1.Pod) {
	p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.PodScheduled,
		Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
		Message: "0/3 nodes are available: 3 Insufficient cpu."})
}

// A room whose pod cannot start says why in Ready and PodHealthy, from
// the pod's status alone, with the kubelet's words in the message.
func TestComputeStatusPodCannotStart(t *testing.T) {
	room := testRoom().Obj()
	cases := []struct {
		name   string
		phase  corev1.PodPhase
		setup  func(*corev1.Pod)
		reason string
		msgs   []string
	}{
		{"image pull back-off", corev1.PodPending, waiting("ImagePullBackOff", `Back-off pulling image "registry.example/croupier:nope"`),
			ReasonImagePullFailed, []string{`cannot pull image "registry.example/croupier:nope"`, "ImagePullBackOff: Back-off pulling image"}},
		{"image pull error", corev1.PodPending, waiting("ErrImagePull", "manifest unknown"),
			ReasonImagePullFailed, []string{"ErrImagePull: manifest unknown"}},
		{"invalid image name", corev1.PodPending, waiting("InvalidImageName", `couldn't parse image name "UPPER"`),
			ReasonImagePullFailed, []string{"InvalidImageName", "couldn't parse image name"}},
		{"crash loop back-off", corev1.PodRunning, crashed(4, corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
			Reason: "CrashLoopBackOff", Message: "back-off 40s restarting failed container=game"}}),
			ReasonCrashLooping, []string{"restarted 4 times", "last exit code 2, Error: redis: connection refused", "CrashLoopBackOff: back-off 40s"}},
		{"running again after a second crash", corev1.PodRunning, crashed(2, corev1.ContainerState{
			Running: &corev1.ContainerStateRunning{}}),
			ReasonCrashLooping, []string{"keeps crashing (restarted 2 times; last exit code 2"}},
		// One crash is no loop: a pod on its way back, with the crash said.
		{"running again after one crash", corev1.PodRunning, crashed(1, corev1.ContainerState{
			Running: &corev1.ContainerStateRunning{}}),
			ReasonPodNotReady, []string{"running but not ready (restarted once; last exit code 2, Error: redis: connection refused)"}},
		{"back-off after one crash", corev1.PodRunning, crashed(1, corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
			Reason: "CrashLoopBackOff", Message: "back-off 10s restarting failed container=game"}}),
			ReasonPodNotReady, []string{"restarted once; last exit code 2"}},
		{"missing secret", corev1.PodPending, waiting("CreateContainerConfigError", `secret "croupier-session-keys" not found`),
			ReasonConfigMissing, []string{`CreateContainerConfigError: secret "croupier-session-keys" not found`}},
		{"no node fits", corev1.PodPending, unschedulable,
			ReasonUnschedulable, []string{"cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			pod := podOf(room, tc.phase, false, "")
			tc.setup(pod)
			st := computeStatus(observed{room: room, pod: pod, now: t0})
			g.Expect(st.Phase).To(Equal(gamesv1.PhaseStarting), "the kubelet retries: the room may still start")
			for _, typ := range []string{gamesv1.ConditionPodHealthy, gamesv1.ConditionReady} {
				c := cond(st, typ)
				g.Expect(c.Status).To(Equal(metav1.ConditionFalse), typ)
				g.Expect(c.Reason).To(Equal(tc.reason), typ)
				g.Expect(c.Message).To(ContainSubstring("table-game"), typ)
				for _, m := range tc.msgs {
					g.Expect(c.Message).To(ContainSubstring(m), typ)
				}
			}
		})
	}
}

// A pod on its way is not stuck, and a ready pod that once crashed is healthy.
func TestComputeStatusPodOnItsWay(t *testing.T) {
	room := testRoom().Obj()
	creating := podOf(room, corev1.PodPending, false, "")
	waiting("ContainerCreating", "")(creating)
	gated := podOf(room, corev1.PodPending, false, "")
	gated.Status.Conditions = append(gated.Status.Conditions, corev1.PodCondition{Type: corev1.PodScheduled,
		Status: corev1.ConditionFalse, Reason: "SchedulingGated"})
	recovered := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	crashed(1, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})(recovered)
	recovered.Status.ContainerStatuses[0].Ready = true
	for _, tc := range []struct {
		name string
		pod  *corev1.Pod
		want string
	}{
		{"creating", creating, ReasonPodPending},
		{"scheduling gated", gated, ReasonPodPending},
		{"ready after one crash", recovered, ReasonPodReady},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := cond(computeStatus(observed{room: room, pod: tc.pod, now: t0}), gamesv1.ConditionPodHealthy)
			NewWithT(t).Expect(h.Reason).To(Equal(tc.want))
		})
	}
}

// What the kubelet says is bounded: a container's termination message
// alone may be 4 KiB.
func TestPodProblemClipsKubeletText(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodPending, false, "")
	waiting("ErrImagePull", strings.Repeat("é", 4096))(pod)
	h, stuck := podProblem(pod)
	g.Expect(stuck).To(BeTrue())
	g.Expect(len(h.message)).To(BeNumerically("<", kubeletText+200))
	g.Expect(utf8.ValidString(h.message)).To(BeTrue(), "cut at a character boundary")
	g.Expect(h.message).To(HaveSuffix("…"))
}

// A room in a namespace that is not prepared gets no pod and is told what
// to do; it fails until the operator serves its namespace.
func TestComputeStatusNamespaceNotPrepared(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	st := computeStatus(observed{room: room, preparedElsewhere: []string{"games", "tournament"}, now: t0})
	g.Expect(st.Phase).To(Equal(gamesv1.PhaseFailed))
	g.Expect(st.PodName).To(BeEmpty())
	for _, typ := range []string{gamesv1.ConditionPodHealthy, gamesv1.ConditionReady} {
		c := cond(st, typ)
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal(ReasonNamespaceNotPrepared))
		g.Expect(c.Message).To(ContainSubstring("Namespace ns is not prepared for game pods (prepared: games, tournament)"))
		g.Expect(c.Message).To(ContainSubstring("Add ns to the chart's gameservers.namespaces"))
	}
}

// The Warning event of a stuck pod goes out when its reason first
// appears, not on every reconcile of the back-off.
func TestProblemEventsOncePerReason(t *testing.T) {
	room := testRoom().Obj()
	pull := podOf(room, corev1.PodPending, false, "")
	waiting("ImagePullBackOff", "Back-off pulling image")(pull)
	pullErr := podOf(room, corev1.PodPending, false, "")
	waiting("ErrImagePull", "manifest unknown")(pullErr)
	config := podOf(room, corev1.PodPending, false, "")
	waiting("CreateContainerConfigError", `secret "x" not found`)(config)
	ready := podOf(room, corev1.PodRunning, true, "10.0.0.1")

	// reasons runs one reconcile over a room last seen with pod before.
	reasons := func(before, now *corev1.Pod, elsewhere []string) []string {
		r := room.DeepCopy()
		if before != nil {
			r.Status = computeStatus(observed{room: r, pod: before, now: t0})
		}
		s := newScope(r)
		s.pod = now
		s.room.Status = computeStatus(observed{room: r, pod: now, preparedElsewhere: elsewhere, now: t0.Add(time.Minute)})
		s.problemEvents()
		s.phaseEvents()
		var out []string
		for _, e := range s.events {
			g := NewWithT(t)
			g.Expect(e.kind).To(Equal(corev1.EventTypeWarning))
			out = append(out, e.reason)
		}
		return out
	}
	g := NewWithT(t)
	g.Expect(reasons(nil, pull, nil)).To(Equal([]string{ReasonImagePullFailed}))
	g.Expect(reasons(ready, pull, nil)).To(Equal([]string{ReasonImagePullFailed}))
	g.Expect(reasons(pull, pull, nil)).To(BeEmpty(), "same reason, no new event")
	g.Expect(reasons(pull, pullErr, nil)).To(BeEmpty(), "ErrImagePull and ImagePullBackOff alternate; one reason")
	g.Expect(reasons(pull, config, nil)).To(Equal([]string{ReasonConfigMissing}))
	g.Expect(reasons(nil, nil, []string{"games"})).To(Equal([]string{ReasonNamespaceNotPrepared}),
		"its own event, not a second RoomFailed")
}
