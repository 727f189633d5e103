package controllers

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// Reasons of a GameRoomPool's Ready condition and events. Users and alerts
// match on them, so they are API.
const (
	ReasonRoomsReady        = "RoomsReady"
	ReasonRoomsStarting     = "RoomsStarting"
	ReasonRoomsCannotStart  = "RoomsCannotStart"
	ReasonRoomsCreateFailed = "RoomsCreateFailed"

	EventRoomsCreated      = "RoomsCreated"
	EventRoomsDraining     = "RoomsDraining"
	EventRoomsDeleted      = "RoomsDeleted"
	EventRoomsReleased     = "RoomsReleased"
	EventRoomsCreateFailed = "RoomsCreateFailed"
)

// poolRooms are a pool's rooms as the cache shows them.
type poolRooms struct {
	// members are the unclaimed rooms the pool controls and may drain,
	// not draining, not being deleted: what spec.replicas counts.
	members []*gamesv1.GameRoom
	// draining are unclaimed rooms the pool marked for deletion; it
	// deletes them once their grace is over (see pool.DrainGrace).
	draining []*gamesv1.GameRoom
	// claimed rooms carry the pool's label and the claimed label.
	claimed int32
}

// classify sorts the rooms carrying the pool's label. A member must also
// be controlled by this pool (same UID): a room of an earlier pool of the
// same name, waiting for the garbage collector, is not this pool's to
// count or delete.
func classify(p *gamesv1.GameRoomPool, rooms []gamesv1.GameRoom) poolRooms {
	var out poolRooms
	for i := range rooms {
		r := &rooms[i]
		if r.Labels[pool.LabelPool] != p.Name || r.DeletionTimestamp != nil {
			continue
		}
		if pool.IsClaimed(r) {
			out.claimed++
			continue
		}
		if ref := metav1.GetControllerOf(r); ref == nil || ref.UID != p.UID {
			continue
		}
		if pool.IsDraining(r) {
			out.draining = append(out.draining, r)
		} else {
			out.members = append(out.members, r)
		}
	}
	return out
}

// poolObserved is what one reconcile of a pool saw and did.
type poolObserved struct {
	pool  *gamesv1.GameRoomPool
	rooms poolRooms
	// createErr is the last room creation that failed, if any.
	createErr error
	now       time.Time
}

// computePoolStatus is the pool's status from what the reconcile saw. It
// counts the rooms the reconcile started from: rooms it created or deleted
// show up in the next reconcile, which their events trigger.
func computePoolStatus(o poolObserved) gamesv1.GameRoomPoolStatus {
	st := *o.pool.Status.DeepCopy()
	st.Replicas = int32(len(o.rooms.members))
	st.Ready = 0
	for _, r := range o.rooms.members {
		if pool.Waiting(r) {
			st.Ready++
		}
	}
	st.Claimed = o.rooms.claimed
	st.Desired = o.pool.Spec.Replicas
	st.ObservedGeneration = o.pool.Generation

	c := metav1.Condition{
		Type:               gamesv1.PoolConditionReady,
		ObservedGeneration: o.pool.Generation,
		LastTransitionTime: metav1.NewTime(o.now),
	}
	switch {
	case o.createErr != nil:
		c.Status, c.Reason = metav1.ConditionFalse, ReasonRoomsCreateFailed
		c.Message = fmt.Sprintf("%d of %d rooms ready; creating a room failed: %v", st.Ready, st.Desired, o.createErr)
	case st.Ready >= st.Desired:
		c.Status, c.Reason = metav1.ConditionTrue, ReasonRoomsReady
		c.Message = fmt.Sprintf("%d of %d rooms ready", st.Ready, st.Desired)
	default:
		c.Status, c.Reason = metav1.ConditionFalse, ReasonRoomsStarting
		c.Message = fmt.Sprintf("%d of %d rooms ready", st.Ready, st.Desired)
		if n, first, why := stuckRooms(o.rooms.members); n > 0 {
			c.Reason = ReasonRoomsCannotStart
			c.Message += fmt.Sprintf("; %d cannot start without a change, first %s (%s): kubectl describe gameroom %s", n, first, why, first)
		}
	}
	meta.SetStatusCondition(&st.Conditions, c)
	return st
}

// stuckRooms counts the rooms that cannot start without a change (their
// phase Failed, or a pod the kubelet or the scheduler keeps failing) and
// names the first by name with its reason. Only the reason goes into the
// pool's message, not the room's words, which change with every back-off
// and would rewrite the pool's status each time.
func stuckRooms(rooms []*gamesv1.GameRoom) (n int, first, why string) {
	for _, r := range rooms {
		reason := cannotStartReason(r)
		if reason == "" {
			continue
		}
		n++
		if first == "" || r.Name < first {
			first, why = r.Name, reason
		}
	}
	return n, first, why
}

func cannotStartReason(r *gamesv1.GameRoom) string {
	if r.Status.Phase == gamesv1.PhaseFailed {
		if c := meta.FindStatusCondition(r.Status.Conditions, gamesv1.ConditionReady); c != nil {
			return c.Reason
		}
		return string(gamesv1.PhaseFailed)
	}
	c := meta.FindStatusCondition(r.Status.Conditions, gamesv1.ConditionPodHealthy)
	if c == nil || c.Status != metav1.ConditionFalse {
		return ""
	}
	switch c.Reason {
	case ReasonImagePullFailed, ReasonCrashLooping, ReasonConfigMissing, ReasonUnschedulable:
		return c.Reason
	}
	return ""
}
