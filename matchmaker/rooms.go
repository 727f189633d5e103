package matchmaker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// kubeRooms finds listed rooms, creates rooms from the template and writes
// claims' labels. Reads come from the informer cache; writes are a
// claim's label (one Update) and a create. Warm rooms are claimed in
// Redis (coord.lua.go), not here.
type kubeRooms struct {
	cache  client.Reader
	client client.Client
	// template, when set, is the pool whose template new rooms are made from.
	template *poolRef
	// startWait bounds waiting for a created room's pod to be ready.
	startWait time.Duration
}

// errNoRoom: none of the three ways gives a room of the table.
var errNoRoom = errors.New("no room can be had for this table")

// errNoTemplatePool: no room, because the template pool the matchmaker
// was given does not exist; the platform team must fix it.
var errNoTemplatePool = fmt.Errorf("%w: the template pool does not exist", errNoRoom)

type poolRef struct{ Namespace, Name string }

// offer hands an obtained room's free seats to the waiting players; it
// reports false when the room was already handed out (by another replica).
type offer func(room string, seats int32) (bool, error)

// obtain gets a room for t once Redis had neither a listed room nor a
// warm one: a listed waiting room its feed has not reached yet, else a
// new room from the template. It returns errNoRoom when neither can give
// one.
func (k *kubeRooms) obtain(ctx context.Context, t Table, give offer) error {
	if ok, err := k.fromLobby(ctx, t, give); ok || err != nil {
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

// writeClaim writes a claim taken in Redis on the room (pool.Claim): the
// claimed label, who and when, the pool's owner reference gone, a
// draining mark removed (the room was handed out before the drain). The
// first try starts from the cache; a conflict reads the room afresh.
func (k *kubeRooms) writeClaim(ctx context.Context, room, by string, at time.Time) error {
	ns, name, _ := strings.Cut(room, "/")
	key := client.ObjectKey{Namespace: ns, Name: name}
	var reader client.Reader = k.cache
	for attempt := 0; ; attempt++ {
		var gr gamesv1.GameRoom
		err := reader.Get(ctx, key, &gr)
		if apierrors.IsNotFound(err) {
			return nil // deleted: nobody will claim it again
		}
		if err != nil {
			return err
		}
		if pool.IsClaimed(&gr) {
			return nil
		}
		pool.Claim(&gr, by, at)
		err = k.client.Update(ctx, &gr)
		switch {
		case err == nil:
			return nil
		case apierrors.IsNotFound(err):
			return nil
		case apierrors.IsConflict(err) && attempt < 8:
			claimConflicts.Inc()
			reader = k.client
		default:
			return fmt.Errorf("write the claim of %s: %w", room, err)
		}
	}
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
	// The room exists now whether or not its player still waits: it is
	// awaited and offered to the table even when that player gave up, so
	// the next one sits there rather than beside it in another new room.
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), k.startWait)
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
