package controllers

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// GameRoomReconciler gives each GameRoom one game pod and reports the
// room's phase and conditions.
type GameRoomReconciler struct {
	client.Client
	// APIReader reads past the cache, for the rare pod the cache has not
	// seen yet.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Pods      PodSettings
}

// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one room's pod and status up to date.
func (r *GameRoomReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	room := &gamesv1.GameRoom{}
	if err := r.Get(ctx, req.NamespacedName, room); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !room.DeletionTimestamp.IsZero() {
		// The pod goes with the room through its owner reference; the
		// room's Redis keys are a finalizer's job, which runs from here.
		return ctrl.Result{}, nil
	}
	s := newScope(room)
	result, err := r.reconcile(ctx, s)
	if werr := r.writeStatus(ctx, s); apierrors.IsConflict(werr) {
		// Changed again since the re-read: the newer room is on its way
		// through the watch and will be reconciled.
		log.FromContext(ctx).V(1).Info("room changed while reconciling; waiting for the newer version")
		return result, err
	} else if werr != nil {
		return ctrl.Result{}, errors.Join(err, werr)
	}
	s.creationEvent()
	s.phaseEvents()
	emit(r.Recorder, s)
	return result, err
}

// scope is one reconcile of one room: what was read, what was done.
type scope struct {
	room   *gamesv1.GameRoom
	before gamesv1.GameRoomStatus
	pod    *corev1.Pod
	podErr error
	// createdPod: this reconcile created the pod.
	createdPod bool
	// presence is the room's last heartbeat; nil when none was read.
	presence *Presence
	events   []event
}

func newScope(room *gamesv1.GameRoom) *scope {
	return &scope{room: room, before: *room.Status.DeepCopy()}
}

// reconcile runs each step of a room's lifecycle in order. Every step runs
// even when an earlier one failed, so the status reports what is known.
// A step records what it learned on the scope (pod, presence, events) and
// asks for a timer with RequeueAfter; the status is computed from the
// scope once, after the last step.
func (r *GameRoomReconciler) reconcile(ctx context.Context, s *scope) (ctrl.Result, error) {
	steps := []func(context.Context, *scope) (ctrl.Result, error){
		r.reconcilePod,
	}
	var result ctrl.Result
	var errs []error
	for _, step := range steps {
		res, err := step(ctx, s)
		result = soonest(result, res)
		errs = append(errs, err)
	}
	return result, errors.Join(errs...)
}

// writeStatus computes the room's status and writes it, once, if it
// changed. A conflict usually means the cache has not yet seen this
// operator's previous write; then the status is recomputed over the latest
// room and written again, so the events of this reconcile are not lost.
func (r *GameRoomReconciler) writeStatus(ctx context.Context, s *scope) error {
	err := r.updateStatus(ctx, s)
	if !apierrors.IsConflict(err) {
		return err
	}
	latest := &gamesv1.GameRoom{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.room), latest); err != nil {
		return fmt.Errorf("re-read GameRoom %s/%s: %w", s.room.Namespace, s.room.Name, err)
	}
	if latest.UID != s.room.UID || !latest.DeletionTimestamp.IsZero() {
		return nil
	}
	s.room, s.before = latest, *latest.Status.DeepCopy()
	return r.updateStatus(ctx, s)
}

func (r *GameRoomReconciler) updateStatus(ctx context.Context, s *scope) error {
	s.room.Status = computeStatus(observed{
		room: s.room, pod: s.pod, podErr: s.podErr, presence: s.presence, now: r.Clock.Now(),
	})
	if equality.Semantic.DeepEqual(s.before, s.room.Status) {
		return nil
	}
	if err := r.Status().Update(ctx, s.room); err != nil {
		return fmt.Errorf("update status of GameRoom %s/%s: %w", s.room.Namespace, s.room.Name, err)
	}
	return nil
}

// soonest merges the timers of two steps: the earliest wins.
func soonest(a, b ctrl.Result) ctrl.Result {
	if a.RequeueAfter == 0 || (b.RequeueAfter > 0 && b.RequeueAfter < a.RequeueAfter) {
		a.RequeueAfter = b.RequeueAfter
	}
	return a
}

// SetupWithManager watches rooms and the pods they control.
func (r *GameRoomReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&gamesv1.GameRoom{}).
		Owns(&corev1.Pod{}).
		Named("gameroom").
		Complete(r)
}
