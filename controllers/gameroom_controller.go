package controllers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	ctrlevent "sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/source"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// DefaultWorkers is `croupier operator --workers`' default.
const DefaultWorkers = 8

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
	// Redis is where game pods write heartbeats and keep their rooms'
	// state. Nil: heartbeats are not read and keys are not cleaned up.
	Redis redis.UniversalClient
	// SweepInterval is how often every room's heartbeat is read; zero
	// means the pods' heartbeat period.
	SweepInterval time.Duration
	// AuditRetention, when positive, expires a deleted room's Redis keys
	// after that long instead of deleting them.
	AuditRetention time.Duration
	// CleanupTimeout bounds how long a deleted room waits for Redis
	// (DefaultCleanupTimeout when zero).
	CleanupTimeout time.Duration
	// Workers is how many rooms are reconciled at once (1 when zero); one
	// room is never reconciled by two workers. A reconcile mostly waits on
	// the API server, so a burst of new rooms needs several
	// (DefaultWorkers).
	Workers int
	// RoomNamespaces are the namespaces prepared for game pods; empty
	// means every namespace. A room elsewhere gets no pod and says why.
	// The manager's cache must watch pods in these namespaces only
	// (CacheOptions(RoomNamespaces...)).
	RoomNamespaces []string

	// redisDown is the sweep's verdict on Redis: while it failed, a
	// reconcile marks heartbeats unknown without waiting on a read that
	// would time out, so an unreachable Redis cannot clog the workers.
	redisDown atomic.Bool
	// expect keeps the reconciles of a room the cache shows from before
	// this operator's own last write from repeating that write.
	expect writeExpectations
	// seen is the newest heartbeat read of each room (heartbeat.go).
	seen seenBeats
}

// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms,verbs=get;list;watch;update;patch;delete
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms/finalizers,verbs=update
// +kubebuilder:rbac:groups="",namespace=system,resources=pods,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one room's pod and status up to date, or, for a room
// being deleted, cleans up after it.
func (r *GameRoomReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	start := time.Now()
	defer func() { reconcileDuration.Observe(time.Since(start).Seconds()) }()
	room := &gamesv1.GameRoom{}
	if err := r.Get(ctx, req.NamespacedName, room); err != nil {
		if apierrors.IsNotFound(err) {
			r.expect.forget(req.NamespacedName)
			r.seen.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if r.expect.outdated(room) {
		staleSkips.Inc()
		return ctrl.Result{}, nil // the watch event of the write that replaced it follows
	}
	if !room.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, room)
	}
	if err := r.ensureFinalizer(ctx, room); apierrors.IsConflict(err) {
		return ctrl.Result{}, nil // the newer room is on its way through the watch
	} else if err != nil {
		return ctrl.Result{}, err
	}
	return r.reconcileLive(ctx, newScope(room))
}

// reconcileLive runs the steps, writes the status, then announces what
// happened and, if the collector decided so, deletes the room: in that
// order, so the events and the deletion follow a status on record.
func (r *GameRoomReconciler) reconcileLive(ctx context.Context, s *scope) (ctrl.Result, error) {
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
	s.problemEvents()
	s.phaseEvents()
	if s.expired != "" {
		s.normal(EventRoomExpired, "Delete", "%s", s.expired)
	}
	emit(r.Recorder, s)
	if cerr := r.collect(ctx, s); cerr != nil {
		return ctrl.Result{}, errors.Join(err, cerr)
	}
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
	// preparedElsewhere, when set, are the namespaces prepared for game
	// pods, the room's own not among them: it gets no pod.
	preparedElsewhere []string
	// presence is the room's last heartbeat; nil when none was read.
	presence *Presence
	// beatRead: Redis answered this reconcile's heartbeat read; beat is
	// then the heartbeat, nil if the room has none.
	beatRead bool
	beat     *roomcontract.Beat
	// heartbeats is the HeartbeatsKnown condition this reconcile found.
	heartbeats *metav1.Condition
	// silent: the pod was deleted for missing its heartbeats.
	silent bool
	// abandon and collect are the collector's verdict: the room goes
	// (collect names why) once its final status is written.
	abandon *abandonment
	// startTimedOut: the start rule's verdict; the room goes too.
	startTimedOut *startTimeout
	collect       string
	// expired: ttlAfterFinished passed, announced after the phase's own
	// event, so a room finished and expired in one pass reads in order.
	expired string
	events  []event
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
		r.reconcileHeartbeat,
		r.reconcileCollection,
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
		room: s.room, pod: s.pod, podErr: s.podErr, preparedElsewhere: s.preparedElsewhere,
		presence: s.presence, heartbeats: s.heartbeats, silent: s.silent, abandon: s.abandon,
		startTimedOut: s.startTimedOut, now: r.Clock.Now(),
	})
	if equality.Semantic.DeepEqual(s.before, s.room.Status) {
		return nil
	}
	from := s.room.ResourceVersion
	if err := r.Status().Update(ctx, s.room); err != nil {
		return fmt.Errorf("update status of GameRoom %s/%s: %w", s.room.Namespace, s.room.Name, err)
	}
	r.expect.wrote(s.room, from, s.room.ResourceVersion)
	return nil
}

// soonest merges the timers of two steps: the earliest wins.
func soonest(a, b ctrl.Result) ctrl.Result {
	if a.RequeueAfter == 0 || (b.RequeueAfter > 0 && b.RequeueAfter < a.RequeueAfter) {
		a.RequeueAfter = b.RequeueAfter
	}
	return a
}

// SetupWithManager watches rooms and the pods they control and, with
// Redis, runs the heartbeat sweep that wakes rooms whose heartbeat calls
// for action.
func (r *GameRoomReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	b := ctrl.NewControllerManagedBy(mgr).
		For(&gamesv1.GameRoom{}).
		Owns(&corev1.Pod{}).
		Named("gameroom").
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.Workers, 1)})
	if r.Redis != nil {
		wake := make(chan ctrlevent.GenericEvent, sweepBatch)
		interval := r.SweepInterval
		if interval <= 0 {
			interval = r.heartbeatPeriod()
		}
		if err := mgr.Add(&heartbeatSweep{r: r, cache: mgr.GetCache(), interval: interval, wake: wake}); err != nil {
			return fmt.Errorf("add heartbeat sweep: %w", err)
		}
		b = b.WatchesRawSource(source.Channel(wake, &handler.EnqueueRequestForObject{}))
	}
	return b.Complete(r)
}

// heartbeatPeriod is how often the game pods beat (5 s unless set).
func (r *GameRoomReconciler) heartbeatPeriod() time.Duration {
	return cmp.Or(r.Pods.HeartbeatPeriod, 5*time.Second)
}
