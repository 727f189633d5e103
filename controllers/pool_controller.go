package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlevent "sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// GameRoomPoolReconciler keeps each GameRoomPool's spec.replicas
// unclaimed rooms in existence, so a claim finds a warm room.
type GameRoomPoolReconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	// DrainGrace: a draining room is deleted this long after its mark;
	// zero means pool.DrainGrace.
	DrainGrace time.Duration
	// Redis, when set, is asked for a draining room's seats before it is
	// deleted (seatedNow); nil trusts the room's status alone.
	Redis redis.UniversalClient

	expect expectations
}

// +kubebuilder:rbac:groups=games.croupier.dev,resources=gameroompools,verbs=get;list;watch
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gameroompools/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gameroompools/finalizers,verbs=update
// +kubebuilder:rbac:groups=games.croupier.dev,resources=gamerooms,verbs=get;list;watch;create;patch;delete

// Reconcile creates the rooms a pool lacks or drains the unclaimed rooms
// it has too many of, deletes the draining rooms whose grace is over,
// then writes its status if it changed. A pool being
// deleted is left alone: its rooms go with it through their owner
// references, except the claimed ones, which no longer have one.
func (r *GameRoomPoolReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	p := &gamesv1.GameRoomPool{}
	if err := r.Get(ctx, req.NamespacedName, p); apierrors.IsNotFound(err) {
		r.expect.forget(req.NamespacedName)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, err
	}
	if !p.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	var list gamesv1.GameRoomList
	if err := r.List(ctx, &list, client.InNamespace(p.Namespace), client.MatchingLabels{pool.LabelPool: p.Name}); err != nil {
		return ctrl.Result{}, fmt.Errorf("list the rooms of GameRoomPool %s/%s: %w", p.Namespace, p.Name, err)
	}
	if ok, wait := r.expect.satisfied(req.NamespacedName, list.Items, r.Clock.Now()); !ok {
		// The cache has not caught up with this operator's own writes;
		// their events bring the pool back.
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	s := &poolScope{pool: p, rooms: classify(p, list.Items)}
	var next time.Duration
	err := r.releaseTaken(ctx, s)
	if err == nil && len(s.released) == 0 {
		// Scaling waits for the cache to show the rooms released: until
		// then it would count them still.
		next, err = r.scalePool(ctx, s)
	}
	if werr := r.writeStatus(ctx, s); werr != nil {
		return ctrl.Result{}, errors.Join(err, werr)
	}
	r.emit(s)
	if err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: next}, nil
}

// poolScope is one reconcile of one pool.
type poolScope struct {
	pool      *gamesv1.GameRoomPool
	rooms     poolRooms
	createErr error
	// created, drained, deleted and released name the rooms this
	// reconcile created, marked draining, deleted and released.
	created, drained, deleted, released []string
}

func (s *poolScope) key() types.NamespacedName { return client.ObjectKeyFromObject(s.pool) }

// room is a reference to one of the pool's rooms by name (it may be gone),
// for an event to relate to.
func (s *poolScope) room(name string) *gamesv1.GameRoom {
	return &gamesv1.GameRoom{
		TypeMeta:   metav1.TypeMeta{APIVersion: gamesv1.GroupVersion.String(), Kind: "GameRoom"},
		ObjectMeta: metav1.ObjectMeta{Namespace: s.pool.Namespace, Name: name},
	}
}

// writeStatus writes the pool's status if it changed, as a merge patch:
// the status is computed from observation alone, so a concurrent writer
// has nothing this one must not overwrite.
func (r *GameRoomPoolReconciler) writeStatus(ctx context.Context, s *poolScope) error {
	st := computePoolStatus(poolObserved{pool: s.pool, rooms: s.rooms, createErr: s.createErr, now: r.Clock.Now()})
	if equality.Semantic.DeepEqual(st, s.pool.Status) {
		return nil
	}
	before := s.pool.DeepCopy()
	if before.Status.ObservedGeneration == 0 {
		// The first write: a merge patch leaves out every count still at
		// its zero value, and kubectl get grp would show those columns
		// blank until they move. Patching from counts no pool has writes
		// them all once.
		before.Status.Replicas, before.Status.Ready, before.Status.Claimed, before.Status.Desired = -1, -1, -1, -1
	}
	s.pool.Status = st
	if err := r.Status().Patch(ctx, s.pool, client.MergeFrom(before)); err != nil {
		return fmt.Errorf("update status of GameRoomPool %s/%s: %w", s.pool.Namespace, s.pool.Name, err)
	}
	return nil
}

// emit announces, after the status write, what the reconcile did. Each
// event is related to the first room it names: events of one reason about
// one pool, at one resourceVersion (a pool whose status did not change),
// would otherwise merge into one series showing the first message only,
// and the rooms named after it would never be.
func (r *GameRoomPoolReconciler) emit(s *poolScope) {
	if len(s.created) > 0 {
		r.Recorder.Eventf(s.pool, s.room(s.created[0]), corev1.EventTypeNormal, EventRoomsCreated, "Create",
			"Created %d room(s): %s", len(s.created), strings.Join(s.created, ", "))
	}
	if len(s.drained) > 0 {
		r.Recorder.Eventf(s.pool, s.room(s.drained[0]), corev1.EventTypeNormal, EventRoomsDraining, "Drain",
			"Draining %d unclaimed room(s), deleted at %s (in %s) unless claimed meanwhile: %s", len(s.drained),
			r.Clock.Now().Add(r.drainGrace()).UTC().Format(time.RFC3339), r.drainGrace(), strings.Join(s.drained, ", "))
	}
	if len(s.deleted) > 0 {
		r.Recorder.Eventf(s.pool, s.room(s.deleted[0]), corev1.EventTypeNormal, EventRoomsDeleted, "Delete",
			"Deleted %d unclaimed room(s): %s", len(s.deleted), strings.Join(s.deleted, ", "))
	}
	if len(s.released) > 0 {
		r.Recorder.Eventf(s.pool, s.room(s.released[0]), corev1.EventTypeNormal, EventRoomsReleased, "Release",
			"Released %d room(s) someone sat at without a claim (by its link), as a claim would: %s", len(s.released), strings.Join(s.released, ", "))
	}
	if s.createErr != nil {
		r.Recorder.Eventf(s.pool, nil, corev1.EventTypeWarning, EventRoomsCreateFailed, "Create",
			"%s", s.createErr.Error())
	}
}

// SetupWithManager watches pools (spec changes only: the controller's own
// status writes need no reconcile) and every room carrying a pool label.
// Rooms are mapped by that label rather than by owner reference, because
// a claim removes the owner reference while the pool still counts the
// claimed room; only the changes that matter to a pool wake it.
func (r *GameRoomPoolReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&gamesv1.GameRoomPool{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&gamesv1.GameRoom{}, handler.EnqueueRequestsFromMapFunc(poolOfRoom),
			builder.WithPredicates(poolRoomChanged)).
		Named("gameroompool").
		Complete(r)
}

func poolOfRoom(_ context.Context, o client.Object) []reconcile.Request {
	name := o.GetLabels()[pool.LabelPool]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: name}}}
}

// poolRoomChanged lets through what changes a pool's counts: a pool
// room's creation or deletion, and an update of its labels, owners,
// deletion, phase, seats, or whether it cannot start. A steady room's
// status refreshes do not wake its pool.
var poolRoomChanged = predicate.Funcs{
	CreateFunc: func(e ctrlevent.CreateEvent) bool { return hasPoolLabel(e.Object) },
	DeleteFunc: func(e ctrlevent.DeleteEvent) bool { return hasPoolLabel(e.Object) },
	UpdateFunc: func(e ctrlevent.UpdateEvent) bool {
		if !hasPoolLabel(e.ObjectOld) && !hasPoolLabel(e.ObjectNew) {
			return false
		}
		o, n, ok := asRooms(e.ObjectOld, e.ObjectNew)
		return !ok || poolView(o) != poolView(n) ||
			!equality.Semantic.DeepEqual(o.Labels, n.Labels) ||
			!equality.Semantic.DeepEqual(o.OwnerReferences, n.OwnerReferences)
	},
	GenericFunc: func(e ctrlevent.GenericEvent) bool { return hasPoolLabel(e.Object) },
}

func hasPoolLabel(o client.Object) bool { return o.GetLabels()[pool.LabelPool] != "" }

func asRooms(a, b client.Object) (*gamesv1.GameRoom, *gamesv1.GameRoom, bool) {
	ra, oka := a.(*gamesv1.GameRoom)
	rb, okb := b.(*gamesv1.GameRoom)
	return ra, rb, oka && okb
}

// roomView is what a pool reads of a room besides its metadata.
type roomView struct {
	deleting  bool
	claimable bool
	taken     bool // someone sat there
	phase     gamesv1.GameRoomPhase
	stuck     string // why it cannot start (pool_status.go), or ""
}

func poolView(r *gamesv1.GameRoom) roomView {
	return roomView{deleting: r.DeletionTimestamp != nil, claimable: pool.Claimable(r), taken: pool.PeopleSeated(r) > 0,
		phase: r.Status.Phase, stuck: cannotStartReason(r)}
}
