package podrunner

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// hostIP is the address of the one local "node".
const hostIP = "127.0.0.1"

// observed is what the runner knows of a pod's one container.
type observed struct {
	ip          string
	containerID string
	startedAt   metav1.Time
	// started: the startup probe (if any) passed.
	started bool
	ready   bool

	// exited: the container ended for good; the pod is finished.
	exited     bool
	exitCode   int32
	finishedAt metav1.Time

	// restarts counts restarts; last is how the previous run ended;
	// backoff is set while a restart waits.
	restarts int32
	last     *corev1.ContainerStateTerminated
	backoff  time.Duration

	// waitReason is set while the container cannot be started.
	waitReason, waitMessage string
}

// running records a new run of the container.
func (o *observed) running(containerID string, now metav1.Time) {
	o.containerID, o.startedAt = containerID, now
	o.started, o.ready, o.backoff = false, false, 0
}

// ended records the end of a run: final, or followed by a restart after
// backoff.
func (o *observed) ended(code int32, now metav1.Time, restartAfter time.Duration) {
	t := terminated(code, o.containerID, o.startedAt, now)
	o.started, o.ready = false, false
	if restartAfter == 0 {
		o.exited, o.exitCode, o.finishedAt = true, code, now
		return
	}
	o.last, o.backoff = t, restartAfter
	o.restarts++
}

func terminated(code int32, id string, started, finished metav1.Time) *corev1.ContainerStateTerminated {
	reason := "Completed"
	if code != 0 {
		reason = "Error"
	}
	return &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason, ContainerID: id, StartedAt: started, FinishedAt: finished}
}

// podStatus is the status a kubelet would report for pod given o. It
// starts from the current status so fields the runner does not own (the
// QoS class, conditions set by others) and condition transition times
// survive.
func podStatus(pod *corev1.Pod, o observed, now metav1.Time) corev1.PodStatus {
	s := *pod.Status.DeepCopy()
	s.HostIP, s.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	if o.ip != "" {
		s.PodIP, s.PodIPs = o.ip, []corev1.PodIP{{IP: o.ip}}
	}
	if s.StartTime == nil {
		s.StartTime = &now
	}
	s.Phase = phase(o)
	s.Reason, s.Message = "", ""
	if len(pod.Spec.Containers) > 0 {
		s.ContainerStatuses = []corev1.ContainerStatus{containerStatus(&pod.Spec.Containers[0], o)}
	}
	containersReady := o.ready && !o.exited
	setCondition(&s, corev1.PodScheduled, true, now)
	setCondition(&s, corev1.PodReadyToStartContainers, o.waitReason == "" && !o.exited, now)
	setCondition(&s, corev1.PodInitialized, true, now)
	setCondition(&s, corev1.ContainersReady, containersReady, now)
	setCondition(&s, corev1.PodReady, containersReady && gatesPass(pod), now)
	return s
}

func phase(o observed) corev1.PodPhase {
	switch {
	case o.waitReason != "" && o.restarts == 0:
		return corev1.PodPending
	case o.exited && o.exitCode == 0:
		return corev1.PodSucceeded
	case o.exited:
		return corev1.PodFailed
	default:
		return corev1.PodRunning
	}
}

func containerStatus(c *corev1.Container, o observed) corev1.ContainerStatus {
	started := o.started && !o.exited
	cs := corev1.ContainerStatus{
		Name:         c.Name,
		Image:        c.Image,
		ContainerID:  o.containerID,
		Ready:        o.ready && !o.exited,
		Started:      &started,
		RestartCount: o.restarts,
	}
	if o.last != nil {
		cs.LastTerminationState.Terminated = o.last.DeepCopy()
	}
	switch {
	case o.waitReason != "":
		cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: o.waitReason, Message: o.waitMessage}
	case o.backoff > 0:
		cs.State.Waiting = &corev1.ContainerStateWaiting{
			Reason:  "CrashLoopBackOff",
			Message: fmt.Sprintf("back-off %s restarting failed container %s", o.backoff, c.Name),
		}
	case o.exited:
		cs.State.Terminated = terminated(o.exitCode, o.containerID, o.startedAt, o.finishedAt)
	default:
		cs.State.Running = &corev1.ContainerStateRunning{StartedAt: o.startedAt}
	}
	return cs
}

// gatesPass reports whether every readiness gate of the pod is True.
func gatesPass(pod *corev1.Pod) bool {
	for _, g := range pod.Spec.ReadinessGates {
		if !conditionTrue(&pod.Status, g.ConditionType) {
			return false
		}
	}
	return true
}

func conditionTrue(s *corev1.PodStatus, t corev1.PodConditionType) bool {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// setCondition sets one condition, keeping its transition time unless its
// status changes.
func setCondition(s *corev1.PodStatus, t corev1.PodConditionType, value bool, now metav1.Time) {
	status := corev1.ConditionFalse
	if value {
		status = corev1.ConditionTrue
	}
	for i := range s.Conditions {
		if s.Conditions[i].Type != t {
			continue
		}
		if s.Conditions[i].Status != status {
			s.Conditions[i].Status, s.Conditions[i].LastTransitionTime = status, now
		}
		return
	}
	s.Conditions = append(s.Conditions, corev1.PodCondition{Type: t, Status: status, LastTransitionTime: now})
}
