package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// reconcilePod makes sure the room has its one game pod: create it when
// missing, delete it when it stopped for good (its deletion brings the
// room back here, and the next pass creates the replacement).
func (r *GameRoomReconciler) reconcilePod(ctx context.Context, s *scope) (ctrl.Result, error) {
	if !r.namespacePrepared(s.room.Namespace) {
		// Not even a read: the cache does not watch pods there.
		s.preparedElsewhere = r.RoomNamespaces
		return ctrl.Result{}, nil
	}
	key := types.NamespacedName{Namespace: s.room.Namespace, Name: PodName(s.room.Name)}
	pod := &corev1.Pod{}
	err := r.Get(ctx, key, pod)
	switch {
	case apierrors.IsNotFound(err) && !keepsPod(s.room.Status):
		return ctrl.Result{}, nil // a new pod would serve nobody
	case apierrors.IsNotFound(err):
		if created := r.expect.pendingPod(s.room, r.Clock.Now()); created != nil {
			// Created moments ago; the cache has not shown it yet. Creating
			// it again would only be answered AlreadyExists.
			s.pod = created
			return ctrl.Result{RequeueAfter: podExpectationTTL}, nil
		}
		return ctrl.Result{}, r.createPod(ctx, s)
	case err != nil:
		return ctrl.Result{}, fmt.Errorf("get pod %s: %w", key.Name, err)
	}
	r.expect.sawPod(s.room)
	s.pod = pod
	if metav1.IsControlledBy(pod, s.room) && podFinished(pod) && pod.DeletionTimestamp == nil &&
		keepsPod(s.room.Status) {
		return ctrl.Result{}, r.deleteStoppedPod(ctx, s)
	}
	return ctrl.Result{}, nil
}

// createPod creates the room's pod. The name is deterministic, so a cache
// that has not seen the pod yet cannot cause a second one: the API server
// answers AlreadyExists, and that pod is the room's pod.
func (r *GameRoomReconciler) createPod(ctx context.Context, s *scope) error {
	pod := buildPod(s.room, r.Pods)
	err := r.Create(ctx, pod)
	switch {
	case err == nil:
		s.pod, s.createdPod = pod, true
		r.expect.createdPod(s.room, pod, r.Clock.Now())
		podsCreated.Inc()
		return nil
	case apierrors.IsAlreadyExists(err):
		return r.adoptExisting(ctx, s, pod.Name)
	default:
		s.podErr = err
		s.warning(EventPodCreateFailed, "Create", "Cannot create pod %s: %v", pod.Name, err)
		if apierrors.IsInvalid(err) {
			// Retrying cannot help; a change to the room triggers a new try.
			return reconcile.TerminalError(fmt.Errorf("create pod %s: %w", pod.Name, err))
		}
		return fmt.Errorf("create pod %s: %w", pod.Name, err)
	}
}

// adoptExisting reads the pod that won the race past the cache, so the
// status describes it (or reports that it belongs to someone else).
func (r *GameRoomReconciler) adoptExisting(ctx context.Context, s *scope, name string) error {
	pod := &corev1.Pod{}
	if err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: s.room.Namespace, Name: name}, pod); err != nil {
		return fmt.Errorf("read existing pod %s: %w", name, err)
	}
	s.pod = pod
	return nil
}

// deletePod deletes exactly the pod that was seen, never a replacement of
// the same name: the UID precondition keeps a stale view from deleting
// it. deleted is false when the pod was already gone or replaced, that
// is, when someone got there first.
func (r *GameRoomReconciler) deletePod(ctx context.Context, pod *corev1.Pod) (deleted bool, err error) {
	err = r.Delete(ctx, pod, client.Preconditions{UID: &pod.UID})
	switch {
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// deleteStoppedPod deletes exactly the pod that was seen stopped.
func (r *GameRoomReconciler) deleteStoppedPod(ctx context.Context, s *scope) error {
	deleted, err := r.deletePod(ctx, s.pod)
	if err != nil {
		return fmt.Errorf("delete stopped pod %s: %w", s.pod.Name, err)
	}
	if !deleted {
		return nil
	}
	stoppedPodsDeleted.Inc()
	s.warning(EventPodFailed, "Delete", "Pod %s stopped (%s); deleted it to start a replacement",
		s.pod.Name, podStopReason(s.pod))
	return nil
}

// podFinished: a pod that ran to an end never runs again (restartPolicy
// Always only ends this way on eviction, node loss or deletion).
func podFinished(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded
}

func podReady(pod *corev1.Pod) bool {
	if pod.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podStopReason(pod *corev1.Pod) string {
	s := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		s += ": " + pod.Status.Reason
	}
	if pod.Status.Message != "" {
		s += ": " + pod.Status.Message
	}
	return s
}

// waitingReason surfaces what a pending pod waits for (ImagePullBackOff,
// CreateContainerConfigError for a missing Secret, ...).
func waitingReason(pod *corev1.Pod) string {
	for _, cs := range pod.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil && w.Reason != "" && w.Reason != "ContainerCreating" {
			if w.Message != "" {
				return fmt.Sprintf(": %s: %s", w.Reason, w.Message)
			}
			return ": " + w.Reason
		}
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Message != "" {
			return ": " + c.Message
		}
	}
	return ""
}

// keepsPod: the room's pod is replaced when it goes. A finished room's
// pod still serves its replay for as long as the room exists
// (docs/REPLAY.md), or says the match is lost; an abandoned room only
// waits to be deleted.
func keepsPod(st gamesv1.GameRoomStatus) bool {
	return st.Phase != gamesv1.PhaseAbandoned
}

// finalPhase: the match is over one way or the other; the collector owns
// the room, and a silent pod is not replaced for it.
func finalPhase(p gamesv1.GameRoomPhase) bool {
	return p == gamesv1.PhaseFinished || p == gamesv1.PhaseAbandoned
}
