package controllers

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// poolBurst bounds the rooms created or deleted by one reconcile. The next
// batch follows once the cache has seen this one (see expectations), so a
// pool of a thousand grows in steps without flooding the API server.
const poolBurst = 50

// scalePool creates the rooms the pool lacks or drains the unclaimed
// rooms it has too many of, and deletes the draining rooms whose grace is
// over, recording what it did on the scope. next is how long until the
// next draining room's grace is over (0: none is waiting).
func (r *GameRoomPoolReconciler) scalePool(ctx context.Context, s *poolScope) (next time.Duration, err error) {
	have, want := len(s.rooms.members), int(s.pool.Spec.Replicas)
	switch {
	case have < want:
		err = r.createRooms(ctx, s, min(want-have, poolBurst))
	case have > want:
		err = r.drainRooms(ctx, s, scaleDownOrder(s.rooms.members)[:min(have-want, poolBurst)])
	}
	if err != nil {
		return 0, err
	}
	due, next := drainDue(s.rooms.draining, r.Clock.Now(), r.drainGrace())
	return next, r.deleteRooms(ctx, s, due[:min(len(due), poolBurst)])
}

func (r *GameRoomPoolReconciler) drainGrace() time.Duration {
	if r.DrainGrace > 0 {
		return r.DrainGrace
	}
	return pool.DrainGrace
}

// drainDue picks the draining rooms the pool may delete now: marked at
// least grace ago, still unclaimed, nobody seated (a player seated there
// came with a claim whose label is on its way). next is how long until
// the next one is due, 0 if none waits.
func drainDue(draining []*gamesv1.GameRoom, now time.Time, grace time.Duration) (due []*gamesv1.GameRoom, next time.Duration) {
	for _, room := range draining {
		if pool.IsClaimed(room) || pool.PeopleSeated(room) > 0 {
			continue
		}
		since, ok := pool.DrainingSince(room)
		if !ok {
			// A mark without its time (written by hand): the grace runs from now.
			since = now
		}
		if wait := since.Add(grace).Sub(now); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		due = append(due, room)
	}
	return due, next
}

// releaseTaken claims, for the operator, every room of the pool (warm or
// draining) that someone sat at without a claim, by its link (pool.Claim).
// A claim written meanwhile wins. Released, the room is collected like
// any other once idle, and the pool makes another.
func (r *GameRoomPoolReconciler) releaseTaken(ctx context.Context, s *poolScope) error {
	var taken []*gamesv1.GameRoom
	for _, room := range slices.Concat(s.rooms.members, s.rooms.draining) {
		if pool.TakenWithoutClaim(room) {
			taken = append(taken, room)
		}
	}
	return r.patchEach(ctx, s, taken, "release",
		func(room *gamesv1.GameRoom) { pool.Claim(room, ClaimedByOperator, r.Clock.Now()) },
		func(name string) {
			r.expect.released(s.key(), name, r.Clock.Now())
			s.released = append(s.released, name)
		})
}

// ClaimedByOperator is the claimed-by of a room the pool released because
// someone sat at it without a claim.
const ClaimedByOperator = "croupier-operator (seated without a claim)"

// drainRooms marks the given unclaimed rooms draining (pool.Drain): a room
// claimed since stays as it is. Nobody claims a draining room; the pool
// deletes it once its grace is over.
func (r *GameRoomPoolReconciler) drainRooms(ctx context.Context, s *poolScope, rooms []*gamesv1.GameRoom) error {
	return r.patchEach(ctx, s, rooms, "drain",
		func(room *gamesv1.GameRoom) { pool.Drain(room, r.Clock.Now()) },
		func(name string) {
			r.expect.drained(s.key(), name, r.Clock.Now())
			s.drained = append(s.drained, name)
		})
}

// patchEach writes change on each room as one merge patch carrying the
// resourceVersion the cache showed: a room changed since (a claim) fails
// with a Conflict and is left as it is, as is a room gone; the watch
// brings the news and the next reconcile decides again. A patch, not an
// Update: the cached room lacks what the cache trims (trimRoom), which an
// Update would erase. done gets each room written.
func (r *GameRoomPoolReconciler) patchEach(ctx context.Context, s *poolScope, rooms []*gamesv1.GameRoom, what string,
	change func(*gamesv1.GameRoom), done func(name string)) error {
	for _, room := range rooms {
		changed := room.DeepCopy()
		change(changed)
		err := r.Patch(ctx, changed, client.MergeFromWithOptions(room, client.MergeFromWithOptimisticLock{}))
		switch {
		case apierrors.IsConflict(err) || apierrors.IsNotFound(err):
			continue
		case err != nil:
			return fmt.Errorf("%s GameRoom %s/%s of pool %s: %w", what, room.Namespace, room.Name, s.pool.Name, err)
		}
		done(room.Name)
	}
	return nil
}

// createRooms creates n rooms from the template. The API server names
// each `<pool>-<5 random characters>`; it stops at the first failure
// (a quota, an invalid label), which the Ready condition reports.
func (r *GameRoomPoolReconciler) createRooms(ctx context.Context, s *poolScope, n int) error {
	for range n {
		room := newPoolRoom(s.pool)
		if err := controllerutil.SetControllerReference(s.pool, room, r.Scheme()); err != nil {
			return err
		}
		if err := r.Create(ctx, room); err != nil {
			s.createErr = createFailure(s.pool, err)
			return fmt.Errorf("create a room of GameRoomPool %s/%s: %w", s.pool.Namespace, s.pool.Name, err)
		}
		r.expect.created(s.key(), room.Name, r.Clock.Now())
		s.created = append(s.created, room.Name)
	}
	return nil
}

// createFailure is err with the name the API server generated for the
// room (`<pool>-` and 5 of the characters it draws them from) written
// `<pool>-*`, so each retry's failure reads the same: its events merge
// into one series, and the Ready condition, unchanged, costs no status
// write.
func createFailure(p *gamesv1.GameRoomPool, err error) error {
	generated := regexp.MustCompile(`\b` + regexp.QuoteMeta(p.Name+"-") + `[bcdfghjklmnpqrstvwxz2456789]{5}\b`)
	return errors.New(generated.ReplaceAllLiteralString(err.Error(), p.Name+"-*"))
}

// newPoolRoom is a room of the pool's template: its labels plus the pool
// label, its annotations, its spec, unlisted.
func newPoolRoom(p *gamesv1.GameRoomPool) *gamesv1.GameRoom {
	labels := maps.Clone(p.Spec.Template.Metadata.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[pool.LabelPool] = p.Name
	room := &gamesv1.GameRoom{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: p.Name + "-",
			Namespace:    p.Namespace,
			Labels:       labels,
			Annotations:  maps.Clone(p.Spec.Template.Metadata.Annotations),
		},
		Spec: *p.Spec.Template.Spec.DeepCopy(),
	}
	room.Spec.Listed = false
	return room
}

// deleteRooms deletes the given draining rooms, each on condition that it
// is still the version the cache showed: a room claimed since (a claim is
// an Update, so it changes the resourceVersion) makes its delete fail with
// a Conflict and survives.
func (r *GameRoomPoolReconciler) deleteRooms(ctx context.Context, s *poolScope, victims []*gamesv1.GameRoom) error {
	for _, room := range victims {
		seated, err := r.seatedNow(ctx, room)
		if err != nil {
			return fmt.Errorf("read the seats of GameRoom %s/%s of pool %s: %w", room.Namespace, room.Name, s.pool.Name, err)
		}
		if seated {
			continue // its status learns it a heartbeat later, and the room is released
		}
		err = r.Delete(ctx, room, client.Preconditions{UID: &room.UID, ResourceVersion: &room.ResourceVersion})
		switch {
		case apierrors.IsConflict(err) || apierrors.IsNotFound(err):
			// Changed or gone since the cache saw it; the watch brings the
			// news and the next reconcile decides again.
			continue
		case err != nil:
			return fmt.Errorf("delete GameRoom %s/%s of pool %s: %w", room.Namespace, room.Name, s.pool.Name, err)
		}
		r.expect.deleted(s.key(), room.Name, r.Clock.Now())
		s.deleted = append(s.deleted, room.Name)
	}
	return nil
}

// seatedNow: someone holds a seat of the room now, by its seats in Redis,
// which a join writes before it answers. The room's status counts the
// seat only from the pod's next heartbeat, up to a period later, and a
// person who joins a draining room by its name in the grace's last
// seconds must not lose the room they sit in.
func (r *GameRoomPoolReconciler) seatedNow(ctx context.Context, room *gamesv1.GameRoom) (bool, error) {
	if r.Redis == nil {
		return false, nil
	}
	n, err := r.Redis.HLen(ctx, roomcontract.For(room.Namespace, room.Name).Seats()).Result()
	if err != nil {
		return false, err
	}
	var bots int64
	if room.Spec.Bots != nil {
		bots = int64(room.Spec.Bots.Count)
	}
	return n > bots, nil
}

// scaleDownOrder sorts the rooms a pool may delete, first to last: rooms
// a claim cannot take (starting, failed) before warm ones, then the newest
// first: the older rooms have proved they stay up. The name breaks ties so
// the order does not depend on the cache's.
func scaleDownOrder(rooms []*gamesv1.GameRoom) []*gamesv1.GameRoom {
	out := slices.Clone(rooms)
	slices.SortStableFunc(out, func(a, b *gamesv1.GameRoom) int {
		if ca, cb := pool.Claimable(a), pool.Claimable(b); ca != cb {
			if cb {
				return -1
			}
			return 1
		}
		if c := b.CreationTimestamp.Compare(a.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(b.Name, a.Name)
	})
	return out
}
