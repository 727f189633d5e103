// Package pool is the contract between the operator, which keeps warm rooms
// in a GameRoomPool, and whoever claims them (quick play): the labels that
// mark a pool's rooms, what makes a room claimable, and what a claim
// changes.
//
// A claim is one Update of the room carrying the resourceVersion it was
// read at (a compare-and-set): Claim the room, then Update it; a 409
// Conflict means someone else changed it first, so try another room.
package pool

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

const (
	// LabelPool names the pool a room was made by. It stays on a claimed
	// room, so a pool can count the rooms taken from it.
	LabelPool = "games.croupier.dev/pool"
	// LabelClaimed, set to "true", marks a room taken out of its pool.
	LabelClaimed = "games.croupier.dev/claimed"
	// AnnotationClaimedBy says who claimed the room (for people reading
	// it; nothing acts on it).
	AnnotationClaimedBy = "games.croupier.dev/claimed-by"
)

// Kind is the pool's kind, as it appears in a room's owner references.
const Kind = "GameRoomPool"

// Claimable reports whether a claim may take the room now: a pool room,
// not claimed, warm (phase Ready), nobody seated, not being deleted.
func Claimable(room *gamesv1.GameRoom) bool {
	return room.Labels[LabelPool] != "" &&
		!IsClaimed(room) &&
		room.DeletionTimestamp == nil &&
		room.Status.Phase == gamesv1.PhaseReady &&
		room.Status.Players.Seated == 0
}

// IsClaimed reports whether the room carries the claimed label. Any value
// counts: the pool must never take back or delete a room someone marked.
func IsClaimed(room *gamesv1.GameRoom) bool {
	_, ok := room.Labels[LabelClaimed]
	return ok
}

// Claim changes the room in memory as a claim does: the claimed label and
// annotation are added and the pool's owner reference removed, so the pool
// neither counts nor deletes the room, and deleting the pool does not
// delete it. The caller then Updates the room with the resourceVersion it
// read; by is recorded in the claimed-by annotation.
func Claim(room *gamesv1.GameRoom, by string) {
	if room.Labels == nil {
		room.Labels = map[string]string{}
	}
	room.Labels[LabelClaimed] = "true"
	if room.Annotations == nil {
		room.Annotations = map[string]string{}
	}
	room.Annotations[AnnotationClaimedBy] = by
	var refs []metav1.OwnerReference
	for _, ref := range room.OwnerReferences {
		if !isPoolRef(ref.APIVersion, ref.Kind) {
			refs = append(refs, ref)
		}
	}
	room.OwnerReferences = refs
}

func isPoolRef(apiVersion, kind string) bool {
	return kind == Kind && apiVersion == gamesv1.GroupVersion.String()
}
