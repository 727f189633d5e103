package controllers

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/croupier-dev/croupier/roomcontract"
)

// trimPod is the cache's transform of a game pod: it keeps only what the
// operator reads of a pod, so a cached pod costs a few hundred bytes
// instead of the kubelet's whole report (container and image ids,
// addresses, mounts, times of every condition) and the operator's own
// spec. It builds a new pod from a list of kept fields rather than
// clearing the unread ones, so a field a future Kubernetes adds is not
// cached either.
//
// Kept: the metadata the reconciler and the owner watch need (name,
// namespace, uid, resourceVersion, creation and deletion times, labels,
// which the cache's label selectors match, and owner references); the
// phase, reason and message, the pod IP, the Ready and PodScheduled
// conditions, and of each container its name, readiness, restart count,
// waiting state (with its image while it waits: the message of a failed
// pull names it) and last termination; and of the spec only whether the
// pod was told its match had started (toldSpec). Read by judgePod,
// podProblem, readySince, endpoint and toldMatchStarted;
// TestTrimPodKeepsWhatTheOperatorReads checks each of them against the
// untrimmed pod.
//
// The strings every pod repeats (namespace, label keys, the operator's
// label values, owner kind, condition types) are shared between pods
// (cacheStrings).
//
// The operator never updates a pod (it creates and deletes them), so
// nothing trimmed here can be written back; a reader that needs the rest
// reads past the cache (APIReader).
func trimPod(obj any) (any, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	in := &cacheStrings
	return &corev1.Pod{
		TypeMeta: pod.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name:              pod.Name,
			Namespace:         in.of(pod.Namespace),
			UID:               pod.UID,
			ResourceVersion:   pod.ResourceVersion,
			CreationTimestamp: pod.CreationTimestamp,
			DeletionTimestamp: pod.DeletionTimestamp,
			Labels:            in.labels(pod.Labels, LabelName, LabelComponent),
			OwnerReferences:   in.owners(pod.OwnerReferences),
		},
		Spec: toldSpec(pod),
		Status: corev1.PodStatus{
			Phase:                 corev1.PodPhase(in.of(string(pod.Status.Phase))),
			Reason:                in.of(pod.Status.Reason),
			Message:               pod.Status.Message,
			PodIP:                 pod.Status.PodIP,
			Conditions:            readConditions(pod.Status.Conditions),
			InitContainerStatuses: readContainers(pod.Status.InitContainerStatuses),
			ContainerStatuses:     readContainers(pod.Status.ContainerStatuses),
		},
	}, nil
}

// toldSpec keeps of the spec the one variable that tells a pod its match
// had started (roomcontract.EnvMatchStarted), in the container that has
// it: without it, a pod that was told would be replaced as one that was
// not, again and again, while a stale heartbeat of its predecessor
// reports no match.
func toldSpec(pod *corev1.Pod) corev1.PodSpec {
	for _, c := range pod.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == roomcontract.EnvMatchStarted {
				return corev1.PodSpec{Containers: []corev1.Container{{Name: c.Name, Env: []corev1.EnvVar{e}}}}
			}
		}
	}
	return corev1.PodSpec{}
}

// readConditions keeps the pod conditions the operator reads: Ready
// (whether, and since when) and PodScheduled (why not).
func readConditions(in []corev1.PodCondition) []corev1.PodCondition {
	n := 0
	for _, c := range in {
		if c.Type == corev1.PodReady || c.Type == corev1.PodScheduled {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]corev1.PodCondition, 0, n)
	for _, c := range in {
		if c.Type != corev1.PodReady && c.Type != corev1.PodScheduled {
			continue
		}
		out = append(out, corev1.PodCondition{Type: corev1.PodConditionType(cacheStrings.of(string(c.Type))),
			Status: corev1.ConditionStatus(cacheStrings.of(string(c.Status))), Reason: cacheStrings.of(c.Reason),
			Message: c.Message, LastTransitionTime: c.LastTransitionTime})
	}
	return out
}

// readContainers keeps what tells why a container cannot start or keeps
// crashing.
func readContainers(in []corev1.ContainerStatus) []corev1.ContainerStatus {
	if len(in) == 0 {
		return nil
	}
	out := make([]corev1.ContainerStatus, len(in))
	for i, cs := range in {
		out[i] = corev1.ContainerStatus{Name: cacheStrings.of(cs.Name), Ready: cs.Ready, RestartCount: cs.RestartCount}
		if w := cs.State.Waiting; w != nil {
			out[i].State.Waiting = &corev1.ContainerStateWaiting{Reason: cacheStrings.of(w.Reason), Message: w.Message}
			out[i].Image = cs.Image
		}
		if t := cs.LastTerminationState.Terminated; t != nil {
			out[i].LastTerminationState.Terminated = &corev1.ContainerStateTerminated{
				ExitCode: t.ExitCode, Reason: t.Reason, Message: t.Message}
		}
	}
	return out
}
