package matchmaker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// kubeRooms finds, claims and creates GameRooms. Reads come from the
// informer cache; writes are a claim's one Update and a create.
type kubeRooms struct {
	cache  client.Reader
	client client.Client
	// by is written into a claimed room's claimed-by annotation.
	by string
	// template, when set, is the pool whose template new rooms are made from.
	template *poolRef
	// startWait bounds waiting for a created room's pod to be ready.
	startWait time.Duration
	// claimTries bounds claim attempts (each a 409 lost to another replica).
	claimTries int
	// taken are rooms this replica claimed or is claiming, until its cache
	// shows them claimed: its own players never race each other for one.
	taken takenRooms
}

// errNoRoom: none of the three ways gives a room of the table.
var errNoRoom = errors.New("no room can be had for this table")

type poolRef struct{ Namespace, Name string }

// offer hands an obtained room's free seats to the waiting players; it
// reports false when the room was already handed out (by another replica).
type offer func(room string, seats int32) (bool, error)

// obtain gets a room for t: a listed waiting room, else a claimed pool
// room, else a new room from the template. It returns errNoRoom when none
// of the three can give one.
func (k *kubeRooms) obtain(ctx context.Context, t Table, give offer) error {
	if ok, err := k.fromLobby(ctx, t, give); ok || err != nil {
		return err
	}
	if ok, err := k.fromPool(ctx, t, give); ok || err != nil {
		return err
	}
	if k.template == nil {
		return errNoRoom
	}
	return k.create(ctx, t, give)
}

// routable: the room's pod is ready and has an endpoint (as the router has it).
func routable(gr *gamesv1.GameRoom) bool {
	return gr.DeletionTimestamp == nil && gr.Status.Endpoint != "" &&
		meta.IsStatusConditionTrue(gr.Status.Conditions, gamesv1.ConditionPodHealthy)
}

// fromLobby offers listed rooms of t still waiting for players, the
// fullest first, so a table that waits long gets players before a new one.
func (k *kubeRooms) fromLobby(ctx context.Context, t Table, give offer) (bool, error) {
	var list gamesv1.GameRoomList
	if err := k.cache.List(ctx, &list); err != nil {
		return false, err
	}
	bucket := t.Bucket()
	var open []*gamesv1.GameRoom
	for i := range list.Items {
		gr := &list.Items[i]
		if listed(gr) && gr.Status.Phase == gamesv1.PhaseReady && routable(gr) &&
			freeSeats(gr) > 0 && TableOf(&gr.Spec).Bucket() == bucket {
			open = append(open, gr)
		}
	}
	sort.Slice(open, func(i, j int) bool { return open[i].Status.Players.Seated > open[j].Status.Players.Seated })
	for _, gr := range open {
		ok, err := give(gr.Namespace+"/"+gr.Name, freeSeats(gr))
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// freeSeats are a room's seats for people nobody holds. House bots hold
// their seats from the pod's start, so seated counts them once it has.
func freeSeats(gr *gamesv1.GameRoom) int32 {
	t := TableOf(&gr.Spec)
	return t.Players - max(gr.Status.Players.Seated, t.Bots)
}

// claimable: pool.Claimable, and routable, since a player joins at once.
func claimable(gr *gamesv1.GameRoom) bool { return pool.Claimable(gr) && routable(gr) }

var poolRoomSelector = func() labels.Selector {
	has, _ := labels.NewRequirement(pool.LabelPool, selection.Exists, nil)
	not, _ := labels.NewRequirement(pool.LabelClaimed, selection.DoesNotExist, nil)
	return labels.NewSelector().Add(*has, *not)
}()

// fromPool claims a ready pool room of t: one Update carrying the
// resourceVersion it was read at; a 409 means another replica (or the
// pool scaling down) got there first, so it tries another room.
func (k *kubeRooms) fromPool(ctx context.Context, t Table, give offer) (bool, error) {
	var list gamesv1.GameRoomList
	if err := k.cache.List(ctx, &list, client.MatchingLabelsSelector{Selector: poolRoomSelector}); err != nil {
		return false, err
	}
	bucket := t.Bucket()
	var cands []*gamesv1.GameRoom
	for i := range list.Items {
		gr := &list.Items[i]
		if claimable(gr) && TableOf(&gr.Spec).Bucket() == bucket {
			cands = append(cands, gr)
		}
	}
	// Replicas start at different rooms so they seldom race for one.
	rand.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	tries := 0
	for _, gr := range cands {
		if tries >= k.claimTries {
			break
		}
		key := gr.Namespace + "/" + gr.Name
		if !k.taken.take(key) {
			continue
		}
		tries++
		room := claim(gr, k.by)
		err := k.client.Update(ctx, room)
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			claimConflicts.Inc()
			continue
		}
		if err != nil {
			return false, fmt.Errorf("claim %s/%s: %w", gr.Namespace, gr.Name, err)
		}
		claims.Inc()
		_, err = give(room.Namespace+"/"+room.Name, t.HumanSeats())
		return true, err
	}
	return false, nil
}

// claim is the room as a claim writes it (pool.Claim): claimed, and no
// longer the pool's, so the pool refills and never deletes it.
func claim(gr *gamesv1.GameRoom, by string) *gamesv1.GameRoom {
	room := gr.DeepCopy()
	pool.Claim(room, by, time.Now())
	return room
}

// create makes a room of t from the template pool and waits for its pod.
func (k *kubeRooms) create(ctx context.Context, t Table, give offer) error {
	gr, err := k.fromTemplate(ctx, t)
	if err != nil {
		return err
	}
	if err := k.client.Create(ctx, gr); err != nil {
		return fmt.Errorf("create a room from pool %s/%s: %w", k.template.Namespace, k.template.Name, err)
	}
	created.Inc()
	key := client.ObjectKeyFromObject(gr)
	wait, cancel := context.WithTimeout(ctx, k.startWait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var cur gamesv1.GameRoom
		err := k.cache.Get(wait, key, &cur)
		switch {
		case err == nil && routable(&cur):
			_, err := give(key.String(), t.HumanSeats())
			return err
		case err == nil && cur.Status.Phase == gamesv1.PhaseFailed:
			return fmt.Errorf("room %s failed to start", key)
		case err != nil && !apierrors.IsNotFound(err):
			return err
		}
		select {
		case <-wait.Done():
			return fmt.Errorf("room %s not ready within %s: %w", key, k.startWait, context.Cause(wait))
		case <-tick.C:
		}
	}
}
