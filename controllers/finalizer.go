package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// DefaultCleanupTimeout is how long a deleted room waits for Redis before
// it is let go with its keys left behind.
const DefaultCleanupTimeout = 10 * time.Minute

// ensureFinalizer puts the cleanup finalizer on the room before it gets a
// pod, so every key a pod may write is covered. Without Redis settings
// the operator cannot clean up, and does not hold rooms for it.
func (r *GameRoomReconciler) ensureFinalizer(ctx context.Context, room *gamesv1.GameRoom) error {
	if r.Redis == nil || controllerutil.ContainsFinalizer(room, gamesv1.FinalizerRedisCleanup) {
		return nil
	}
	before := room.DeepCopy()
	controllerutil.AddFinalizer(room, gamesv1.FinalizerRedisCleanup)
	if err := r.Patch(ctx, room, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("add finalizer to GameRoom %s/%s: %w", room.Namespace, room.Name, err)
	}
	r.expect.wrote(room, before.ResourceVersion, room.ResourceVersion)
	return nil
}

// finalize runs while a room is being deleted: it stops the room's pod,
// so nothing writes the keys again, then removes them (or sets their
// expiry when an audit retention is configured), then lets the room go.
// When Redis does not answer, it retries with backoff for CleanupTimeout,
// then lets the room go anyway with a warning, so deleting a namespace
// never hangs on Redis; the annotation skip-redis-cleanup lets it go at once.
func (r *GameRoomReconciler) finalize(ctx context.Context, room *gamesv1.GameRoom) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(room, gamesv1.FinalizerRedisCleanup) {
		return ctrl.Result{}, nil
	}
	if room.Annotations[gamesv1.AnnotationSkipRedisCleanup] == "true" {
		redisCleanupSkipped.WithLabelValues("annotation").Inc()
		r.Recorder.Eventf(room, nil, corev1.EventTypeWarning, EventRedisCleanupSkipped, "Delete",
			"Annotation %s: the room's Redis keys %s were left in place", gamesv1.AnnotationSkipRedisCleanup, keyPattern(room))
		return ctrl.Result{}, r.release(ctx, room)
	}
	elapsed := r.Clock.Since(room.DeletionTimestamp.Time)
	if waiting, err := r.stopPod(ctx, room); err != nil || (waiting && elapsed < r.cleanupTimeout()) {
		return ctrl.Result{RequeueAfter: cleanupBackoff(elapsed)}, err
	}
	err := r.removeKeys(ctx, room)
	if err == nil {
		return ctrl.Result{}, r.release(ctx, room)
	}
	redisErrors.WithLabelValues("cleanup").Inc()
	log.FromContext(ctx).Error(err, "Redis cleanup of a deleted room failed", "waited", elapsed.Round(time.Second))
	if elapsed >= r.cleanupTimeout() {
		redisCleanupSkipped.WithLabelValues("timeout").Inc()
		r.Recorder.Eventf(room, nil, corev1.EventTypeWarning, EventRedisCleanupSkipped, "Delete",
			"Redis did not answer for %s; released the room and left its keys %s in Redis",
			r.cleanupTimeout(), keyPattern(room))
		return ctrl.Result{}, r.release(ctx, room)
	}
	r.Recorder.Eventf(room, nil, corev1.EventTypeWarning, EventRedisCleanupFailed, "Delete",
		"Cannot remove the room's Redis keys (retrying for up to %s, or set annotation %s=true): %v",
		r.cleanupTimeout(), gamesv1.AnnotationSkipRedisCleanup, err)
	return ctrl.Result{RequeueAfter: cleanupBackoff(elapsed)}, nil
}

// stopPod deletes the room's pod ahead of the garbage collector and
// reports whether it is still there: a running pod could write the keys
// again right after they are removed.
func (r *GameRoomReconciler) stopPod(ctx context.Context, room *gamesv1.GameRoom) (waiting bool, err error) {
	if !r.namespacePrepared(room.Namespace) {
		return false, nil // no pod was ever created there, and the cache cannot look
	}
	pod := &corev1.Pod{}
	err = r.Get(ctx, types.NamespacedName{Namespace: room.Namespace, Name: PodName(room.Name)}, pod)
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("get pod of deleted GameRoom %s/%s: %w", room.Namespace, room.Name, err)
	case !metav1.IsControlledBy(pod, room):
		return false, nil
	case pod.DeletionTimestamp != nil:
		return true, nil
	}
	if _, err := r.deletePod(ctx, pod); err != nil {
		return true, fmt.Errorf("delete pod %s of deleted GameRoom: %w", pod.Name, err)
	}
	return true, nil
}

// removeKeys deletes every key of the room in one command (they share a
// hash tag, so one Cluster slot), or gives them the audit retention.
func (r *GameRoomReconciler) removeKeys(ctx context.Context, room *gamesv1.GameRoom) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	keys := roomcontract.For(room.Namespace, room.Name).All()
	if r.AuditRetention <= 0 {
		if err := r.Redis.Del(ctx, keys...).Err(); err != nil {
			return fmt.Errorf("delete Redis keys %s: %w", keyPattern(room), err)
		}
		return nil
	}
	_, err := r.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.PExpire(ctx, k, r.AuditRetention)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("expire Redis keys %s: %w", keyPattern(room), err)
	}
	return nil
}

// release removes the finalizer; the API server then deletes the room.
func (r *GameRoomReconciler) release(ctx context.Context, room *gamesv1.GameRoom) error {
	before := room.DeepCopy()
	if !controllerutil.RemoveFinalizer(room, gamesv1.FinalizerRedisCleanup) {
		return nil
	}
	err := r.Patch(ctx, room, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("remove finalizer of GameRoom %s/%s: %w", room.Namespace, room.Name, err)
	}
	return nil
}

func (r *GameRoomReconciler) cleanupTimeout() time.Duration {
	if r.CleanupTimeout <= 0 {
		return DefaultCleanupTimeout
	}
	return r.CleanupTimeout
}

// cleanupBackoff grows with the time already waited: a quarter of it,
// between 1s and 1m, so a short Redis blip costs seconds and a long
// outage costs few retries. It needs no memory, so restarts keep it.
func cleanupBackoff(elapsed time.Duration) time.Duration {
	return min(max(elapsed/4, time.Second), time.Minute)
}

// keyPattern names the room's keys for a person who must delete them by
// hand; the keys are named by package roomkeys, so it is derived from one.
func keyPattern(room *gamesv1.GameRoom) string {
	hb := roomcontract.For(room.Namespace, room.Name).Heartbeat()
	return strings.TrimSuffix(hb, "heartbeat") + "*"
}
