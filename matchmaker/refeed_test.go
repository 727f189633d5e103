package matchmaker

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// A Redis that lost a table's warm set (restarted without its data) gets it back from the next feed of the whole watch, with no
// room event to trigger it (docs/MATCHMAKER.md, Feeding the warm sets: at
// start and every 5 minutes). The watch is a fake reader here: what is
// under test is the feed's timer and what it writes to a real Redis.
func TestARedisThatLostTheWarmSetIsFedAgain(t *testing.T) {
	if resyncEvery != 5*time.Minute {
		t.Errorf("the watch is fed again every %s; docs/MATCHMAKER.md says every 5 minutes", resyncEvery)
	}
	scheme := runtime.NewScheme()
	if err := gamesv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	warm := gameroomtest.MakeGameRoom("warm-0", "ns").Players(2).Obj()
	warm.Labels = map[string]string{pool.LabelPool: "quick"}
	warm.Status.Phase = gamesv1.PhaseReady
	warm.Status.Endpoint = "10.0.0.1:7000"
	warm.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionTrue}}
	watch := fake.NewClientBuilder().WithScheme(scheme).WithObjects(warm).Build()

	rdb := redisserver.Pick(t).Client(t)
	times := withDefaultTimes(CoordTimes{})
	co := newCoord(rdb, times)
	m := &Matchmaker{log: logr.Discard(), times: times, coord: co, feed: newFeeder(watch, co)}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go m.feed.run(ctx, func(err error, msg string, _ ...any) { t.Errorf("%s: %v", msg, err) })

	warmKey := keysOf(TableOf(&warm.Spec)).warm()
	isWarm := func() bool { ok, _ := rdb.SIsMember(ctx, warmKey, "ns/warm-0").Result(); return ok }
	if err := m.feed.resync(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, isWarm)

	if err := rdb.Del(ctx, warmKey).Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if isWarm() {
		t.Fatal("the warm room came back before any feed: the test cannot tell the re-feed from something else")
	}
	go m.resync(ctx, 200*time.Millisecond)
	waitFor(t, isWarm)
}
