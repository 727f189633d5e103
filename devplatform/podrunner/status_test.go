package podrunner

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPodStatus(t *testing.T) {
	t0 := metav1.NewTime(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(time.Minute))
	running := observed{ip: "127.0.0.2", containerID: "croupier-dev://7", startedAt: t0, started: true}
	ready := running
	ready.ready = true
	cases := []struct {
		name      string
		o         observed
		phase     corev1.PodPhase
		ready     corev1.ConditionStatus
		state     func(corev1.ContainerState) bool
		restarts  int32
		podIP     string
		lastState bool
	}{
		{name: "cannot start yet", o: observed{ip: "127.0.0.2", waitReason: "CreateContainerConfigError", waitMessage: "Secret \"x\" not found"},
			phase: corev1.PodPending, ready: corev1.ConditionFalse, podIP: "127.0.0.2",
			state: func(s corev1.ContainerState) bool {
				return s.Waiting != nil && s.Waiting.Reason == "CreateContainerConfigError"
			}},
		{name: "running, probe not passed", o: running, phase: corev1.PodRunning, ready: corev1.ConditionFalse, podIP: "127.0.0.2",
			state: func(s corev1.ContainerState) bool { return s.Running != nil && s.Running.StartedAt == t0 }},
		{name: "running and ready", o: ready, phase: corev1.PodRunning, ready: corev1.ConditionTrue, podIP: "127.0.0.2",
			state: func(s corev1.ContainerState) bool { return s.Running != nil }},
		{name: "exited 0", o: func() observed { o := ready; o.ended(0, t1, 0); return o }(),
			phase: corev1.PodSucceeded, ready: corev1.ConditionFalse, podIP: "127.0.0.2",
			state: func(s corev1.ContainerState) bool { return s.Terminated != nil && s.Terminated.Reason == "Completed" }},
		{name: "killed by SIGKILL", o: func() observed { o := ready; o.ended(137, t1, 0); return o }(),
			phase: corev1.PodFailed, ready: corev1.ConditionFalse, podIP: "127.0.0.2",
			state: func(s corev1.ContainerState) bool {
				return s.Terminated != nil && s.Terminated.ExitCode == 137 && s.Terminated.Reason == "Error" && s.Terminated.FinishedAt == t1
			}},
		{name: "crashed, restarting", o: func() observed { o := ready; o.ended(1, t1, 2*time.Second); return o }(),
			phase: corev1.PodRunning, ready: corev1.ConditionFalse, podIP: "127.0.0.2", restarts: 1, lastState: true,
			state: func(s corev1.ContainerState) bool { return s.Waiting != nil && s.Waiting.Reason == "CrashLoopBackOff" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			pod := MakePod("ns", "a-game").Obj()
			s := podStatus(pod, tc.o, t1)
			g.Expect(s.Phase).To(Equal(tc.phase))
			g.Expect(conditionOf(s, corev1.PodReady)).To(Equal(tc.ready))
			g.Expect(conditionOf(s, corev1.ContainersReady)).To(Equal(tc.ready))
			g.Expect(s.PodIP).To(Equal(tc.podIP))
			g.Expect(s.HostIP).To(Equal("127.0.0.1"))
			g.Expect(s.ContainerStatuses).To(HaveLen(1))
			cs := s.ContainerStatuses[0]
			g.Expect(cs.Name).To(Equal("game"))
			g.Expect(cs.Image).To(Equal("croupier:dev"))
			g.Expect(tc.state(cs.State)).To(BeTrue(), "state %+v", cs.State)
			g.Expect(cs.RestartCount).To(Equal(tc.restarts))
			g.Expect(cs.LastTerminationState.Terminated != nil).To(Equal(tc.lastState))
		})
	}
}

func TestPodStatusKeepsTransitionTimesAndForeignFields(t *testing.T) {
	g := NewWithT(t)
	t0 := metav1.NewTime(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	t1, t2 := metav1.NewTime(t0.Add(time.Minute)), metav1.NewTime(t0.Add(2*time.Minute))
	pod := MakePod("ns", "a-game").Obj()
	pod.Status.QOSClass = corev1.PodQOSBurstable
	o := observed{ip: "127.0.0.2", startedAt: t0, started: true, ready: true}
	pod.Status = podStatus(pod, o, t1)
	pod.Status = podStatus(pod, o, t2)
	g.Expect(pod.Status.QOSClass).To(Equal(corev1.PodQOSBurstable))
	g.Expect(transition(pod.Status, corev1.PodReady)).To(Equal(t1), "an unchanged condition moved")
	o.ready = false
	pod.Status = podStatus(pod, o, t2)
	g.Expect(transition(pod.Status, corev1.PodReady)).To(Equal(t2))
	g.Expect(transition(pod.Status, corev1.PodScheduled)).To(Equal(t1))
}

func TestReadinessGatesHoldReady(t *testing.T) {
	g := NewWithT(t)
	pod := MakePod("ns", "a-game").Obj()
	pod.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/routed"}}
	o := observed{ip: "127.0.0.2", started: true, ready: true}
	s := podStatus(pod, o, metav1.Now())
	g.Expect(conditionOf(s, corev1.ContainersReady)).To(Equal(corev1.ConditionTrue))
	g.Expect(conditionOf(s, corev1.PodReady)).To(Equal(corev1.ConditionFalse))
	pod.Status = s
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: "example.com/routed", Status: corev1.ConditionTrue})
	g.Expect(conditionOf(podStatus(pod, o, metav1.Now()), corev1.PodReady)).To(Equal(corev1.ConditionTrue))
}

func conditionOf(s corev1.PodStatus, t corev1.PodConditionType) corev1.ConditionStatus {
	return condition(&corev1.Pod{Status: s}, t)
}

func transition(s corev1.PodStatus, t corev1.PodConditionType) metav1.Time {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c.LastTransitionTime
		}
	}
	return metav1.Time{}
}
