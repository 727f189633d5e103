package matchmaker

import (
	"context"
	"testing"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// A room deleted while one of its seats waits in its table's free list (a
// claimed pool room's second seat, a listed room's seats handed out)
// takes that seat with it, so no player is sent to a room that is gone.
// A listed room's name is not marked: a room made again under it is
// listed again.
func TestADeletedRoomTakesItsFreeSeatsWithIt(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := gamesv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	ready := func(gr *gamesv1.GameRoom) *gamesv1.GameRoom {
		gr.Status.Phase = gamesv1.PhaseReady
		gr.Status.Endpoint = "10.0.0.1:7000"
		gr.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionTrue}}
		return gr
	}
	claimed := ready(gameroomtest.MakeGameRoom("claimed-0", "ns").Players(2).Obj())
	pool.Claim(claimed, "replica-0", metav1.Now().Time)
	claimed.Labels[pool.LabelPool] = "quick"
	listed := func() *gamesv1.GameRoom {
		return ready(gameroomtest.MakeGameRoom("listed-0", "ns").Players(2).Listed(true).Obj())
	}
	watch := fake.NewClientBuilder().WithScheme(scheme).WithObjects(claimed, listed()).Build()

	ctx := context.Background()
	rdb := redisserver.Pick(t).Client(t)
	times := withDefaultTimes(CoordTimes{})
	co := newCoord(rdb, times)
	m := &Matchmaker{log: logr.Discard(), times: times, coord: co, feed: newFeeder(watch, co)}
	for _, key := range []string{"ns/claimed-0", "ns/listed-0"} {
		if err := m.feed.feedRoom(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	b := keysOf(TableOf(&claimed.Spec))
	if TableOf(&listed().Spec).Bucket() != TableOf(&claimed.Spec).Bucket() {
		t.Fatal("the two rooms must share a table for this test")
	}
	// Seats handed out and not yet taken, as the seat scripts leave them:
	// the listed room's through the script that hands out a lobby room's
	// seats, which marks it.
	if err := rdb.RPush(ctx, b.keys[0], "ns/claimed-0").Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := co.supply(ctx, b, "ns/listed-0", 2, ""); err != nil || n != 2 {
		t.Fatalf("hand out the listed room's seats: %d, %v", n, err)
	}

	for _, gr := range []*gamesv1.GameRoom{claimed, listed()} {
		if err := watch.Delete(ctx, gr); err != nil {
			t.Fatal(err)
		}
		if err := m.feed.feedRoom(ctx, gr.Namespace+"/"+gr.Name); err != nil {
			t.Fatal(err)
		}
	}
	if left, _ := rdb.LRange(ctx, b.keys[0], 0, -1).Result(); len(left) != 0 {
		t.Errorf("free seats of deleted rooms left: %v", left)
	}

	// listed-0 applied again: it waits for players, so it is in the lobby.
	if err := watch.Create(ctx, listed()); err != nil {
		t.Fatal(err)
	}
	if err := m.feed.feedRoom(ctx, "ns/listed-0"); err != nil {
		t.Fatal(err)
	}
	if _, err := rdb.ZScore(ctx, b.keys[6], "ns/listed-0").Result(); err != nil {
		t.Errorf("a room made again under a deleted listed room's name is not in the lobby: %v", err)
	}
}
