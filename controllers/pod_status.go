package controllers

import (
	"fmt"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
)

// Why a pod cannot start, in the kubelet's and the scheduler's words,
// mapped to the reasons users and alerts match on. A user reading
// `kubectl get gr -o yaml` should not need the pod to know what is wrong.

// Waiting reasons of the kubelet, by the condition reason they map to.
var stuckWaiting = map[string]string{
	"ErrImagePull":               ReasonImagePullFailed,
	"ImagePullBackOff":           ReasonImagePullFailed,
	"InvalidImageName":           ReasonImagePullFailed,
	"ErrImageNeverPull":          ReasonImagePullFailed,
	"CrashLoopBackOff":           ReasonCrashLooping,
	"CreateContainerConfigError": ReasonConfigMissing,
}

// loopRestarts is how many restarts make a crash loop: one crash (an
// out-of-memory kill, a liveness restart after a hang) is a pod on its
// way back, reported PodNotReady with the crash in its message; a pod
// that crashed again after restarting is CrashLooping, which pages
// people and counts as a room that cannot start.
const loopRestarts = 2

// kubeletText bounds what is copied from a pod: a container's termination
// message alone may be 4 KiB, and the condition is read by people.
const kubeletText = 512

// podProblem tells why a pod that is not ready cannot become ready, if
// the kubelet or the scheduler said so; stuck is false for a pod that is
// merely on its way (pulling, creating, probing).
func podProblem(pod *corev1.Pod) (h podHealth, stuck bool) {
	statuses := append(append([]corev1.ContainerStatus(nil), pod.Status.InitContainerStatuses...),
		pod.Status.ContainerStatuses...)
	for _, cs := range statuses {
		if w := cs.State.Waiting; w != nil {
			if reason, ok := stuckWaiting[w.Reason]; ok && (reason != ReasonCrashLooping || cs.RestartCount >= loopRestarts) {
				return podHealth{reason: reason, message: waitingMessage(pod.Name, reason, cs)}, true
			}
		}
	}
	for _, cs := range statuses {
		// Between two back-offs a crashing container runs for a moment;
		// its last termination is the evidence.
		if t := cs.LastTerminationState.Terminated; t != nil && cs.RestartCount >= loopRestarts && !cs.Ready {
			return podHealth{reason: ReasonCrashLooping, message: fmt.Sprintf(
				"Container %s of pod %s keeps crashing (%s%s)",
				cs.Name, pod.Name, restarted(cs.RestartCount), lastExit(cs))}, true
		}
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return podHealth{reason: ReasonUnschedulable, message: fmt.Sprintf(
				"Pod %s cannot be scheduled: %s", pod.Name, clip(c.Message))}, true
		}
	}
	return podHealth{}, false
}

func restarted(n int32) string {
	if n == 1 {
		return "restarted once"
	}
	return fmt.Sprintf("restarted %d times", n)
}

func waitingMessage(pod, reason string, cs corev1.ContainerStatus) string {
	said := cs.State.Waiting.Reason
	if m := cs.State.Waiting.Message; m != "" {
		said += ": " + clip(m)
	}
	switch reason {
	case ReasonImagePullFailed:
		return fmt.Sprintf("Pod %s cannot pull image %q of container %s: %s", pod, cs.Image, cs.Name, said)
	case ReasonCrashLooping:
		return fmt.Sprintf("Container %s of pod %s keeps crashing (%s%s): %s",
			cs.Name, pod, restarted(cs.RestartCount), lastExit(cs), said)
	default:
		return fmt.Sprintf("Pod %s cannot start container %s (a Secret or ConfigMap it needs may be missing in its namespace): %s",
			pod, cs.Name, said)
	}
}

// lastExit describes the container's last termination, if the kubelet kept it.
// crashNote says, for a pod not ready, that a container of it crashed
// and restarted, short of a loop: " (restarted once; last exit code
// 137, Error)", or "".
func crashNote(pod *corev1.Pod) string {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.RestartCount > 0 && !cs.Ready && cs.LastTerminationState.Terminated != nil {
			return " (" + restarted(cs.RestartCount) + lastExit(cs) + ")"
		}
	}
	return ""
}

func lastExit(cs corev1.ContainerStatus) string {
	t := cs.LastTerminationState.Terminated
	if t == nil {
		return ""
	}
	s := fmt.Sprintf("; last exit code %d", t.ExitCode)
	if t.Reason != "" {
		s += ", " + t.Reason
	}
	if m := strings.TrimSpace(t.Message); m != "" {
		s += ": " + clip(m)
	}
	return s
}

// clip cuts s to kubeletText bytes at a character boundary.
func clip(s string) string {
	if len(s) <= kubeletText {
		return s
	}
	cut := kubeletText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// notPrepared is the verdict on a room in a namespace where the operator
// does not create pods.
func notPrepared(ns string, prepared []string) podHealth {
	return podHealth{reason: ReasonNamespaceNotPrepared, broken: true, message: fmt.Sprintf(
		"Namespace %s is not prepared for game pods (prepared: %s), so this room gets no pod. "+
			"Add %s to the chart's gameservers.namespaces (the operator's --room-namespaces) and upgrade the release, "+
			"or create the room in a prepared namespace",
		ns, strings.Join(prepared, ", "), ns)}
}
