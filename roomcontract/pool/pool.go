// Package pool is the contract between the operator, which keeps warm rooms
// in a GameRoomPool, and whoever claims them (quick play): the labels that
// mark a pool's rooms, what makes a room claimable, and what a claim
// changes.
//
// A claim takes a room with one compare-and-set. Written straight to the
// API server, it is one Update carrying the resourceVersion the room was
// read at (a 409 Conflict: someone changed it first, try another room).
// Quick play instead takes the room with a compare-and-set in Redis and
// writes the claimed label right after, so for a few moments a room that
// was handed out still looks warm here. That is why a pool never deletes
// a warm room straight away: it marks it draining (a patch carrying the
// resourceVersion, so a room claimed meanwhile is spared), a draining
// room is no longer handed out, and the pool deletes it DrainGrace later
// only if it is still unclaimed with nobody seated, again on condition
// that nobody changed it since.
package pool

import (
	"time"

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
	// AnnotationClaimedAt is when the room was claimed (RFC 3339). A warm
	// room is never idle; once claimed, its idle clock starts here, so a
	// room warm for longer than its idleTimeout is not collected between
	// its claim and its first player's arrival.
	AnnotationClaimedAt = "games.croupier.dev/claimed-at"
	// LabelDraining, set to "true", marks a pool room the pool is about to
	// delete: nobody may claim it any more. A claim written after it (a
	// room handed out just before) wins: Claim removes the label.
	LabelDraining = "games.croupier.dev/draining"
	// AnnotationDrainingSince is when the room was marked draining (RFC 3339).
	AnnotationDrainingSince = "games.croupier.dev/draining-since"
)

// DrainGrace is how long a pool keeps a draining room before deleting
// it: far longer than a claim taken just before the drain takes to show
// as the claimed label (normally milliseconds, at worst a few seconds
// until another claimant finishes it).
const DrainGrace = 30 * time.Second

// Kind is the pool's kind, as it appears in a room's owner references.
const Kind = "GameRoomPool"

// Claimable reports whether a claim may take the room now: a pool room,
// not claimed, not draining, warm (phase Ready), nobody seated, not being
// deleted.
func Claimable(room *gamesv1.GameRoom) bool {
	return IsWarm(room) && !IsDraining(room) &&
		room.DeletionTimestamp == nil &&
		room.Status.Phase == gamesv1.PhaseReady &&
		room.Status.Players.Seated == 0
}

// Waiting reports whether the room waits in its pool, ready and with no
// person seated (its bots, if it has any, hold their seats from the
// start): what a pool counts as ready.
func Waiting(room *gamesv1.GameRoom) bool {
	return IsWarm(room) && !IsDraining(room) &&
		room.DeletionTimestamp == nil &&
		room.Status.Phase == gamesv1.PhaseReady &&
		PeopleSeated(room) == 0
}

// PeopleSeated is how many seats people hold: the room's seated count
// less its bots.
func PeopleSeated(room *gamesv1.GameRoom) int32 {
	n := room.Status.Players.Seated
	if room.Spec.Bots != nil {
		n -= room.Spec.Bots.Count
	}
	return max(n, 0)
}

// TakenWithoutClaim reports a pool room someone sat at without a claim
// (by its link): the pool releases it as a claim would, so that it is
// collected like any room once idle and the pool makes another.
func TakenWithoutClaim(room *gamesv1.GameRoom) bool {
	return IsWarm(room) && room.DeletionTimestamp == nil && PeopleSeated(room) > 0
}

// IsClaimed reports whether the room carries the claimed label. Any value
// counts: the pool must never take back or delete a room someone marked.
func IsClaimed(room *gamesv1.GameRoom) bool {
	_, ok := room.Labels[LabelClaimed]
	return ok
}

// IsDraining reports whether the pool marked the room for deletion.
func IsDraining(room *gamesv1.GameRoom) bool {
	_, ok := room.Labels[LabelDraining]
	return ok
}

// Drain changes the room in memory as a pool's scale-down does: the
// draining label and its time. The pool then patches the room with the
// resourceVersion it read.
func Drain(room *gamesv1.GameRoom, now time.Time) {
	if room.Labels == nil {
		room.Labels = map[string]string{}
	}
	room.Labels[LabelDraining] = "true"
	if room.Annotations == nil {
		room.Annotations = map[string]string{}
	}
	room.Annotations[AnnotationDrainingSince] = now.UTC().Format(time.RFC3339)
}

// DrainingSince is the draining-since annotation; ok is false when it is
// absent or malformed.
func DrainingSince(room *gamesv1.GameRoom) (t time.Time, ok bool) {
	t, err := time.Parse(time.RFC3339, room.Annotations[AnnotationDrainingSince])
	return t, err == nil
}

// Claim changes the room in memory as a claim does: the claimed label and
// annotation are added, a draining mark is removed (the room was handed
// out before the drain) and the pool's owner reference removed, so the
// pool neither counts nor deletes the room, and deleting the pool does not
// delete it. The caller then Updates the room; by is recorded in the
// claimed-by annotation, at in claimed-at.
func Claim(room *gamesv1.GameRoom, by string, at time.Time) {
	if room.Labels == nil {
		room.Labels = map[string]string{}
	}
	room.Labels[LabelClaimed] = "true"
	delete(room.Labels, LabelDraining)
	if room.Annotations == nil {
		room.Annotations = map[string]string{}
	}
	room.Annotations[AnnotationClaimedBy] = by
	room.Annotations[AnnotationClaimedAt] = at.UTC().Format(time.RFC3339)
	delete(room.Annotations, AnnotationDrainingSince)
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

// IsWarm reports whether the room waits in its pool: a pool room not
// claimed. Nobody is expected at a warm room, so it is never idle.
func IsWarm(room *gamesv1.GameRoom) bool {
	return room.Labels[LabelPool] != "" && !IsClaimed(room)
}

// ClaimedAt is the claimed-at annotation; ok is false when it is absent or
// malformed.
func ClaimedAt(room *gamesv1.GameRoom) (t time.Time, ok bool) {
	t, err := time.Parse(time.RFC3339, room.Annotations[AnnotationClaimedAt])
	return t, err == nil
}
