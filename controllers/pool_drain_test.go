package controllers

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

func TestDrainDue(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	grace := 30 * time.Second
	room := func(name string, since time.Duration, change ...func(*gamesv1.GameRoom)) *gamesv1.GameRoom {
		r := gameroomtest.MakeGameRoom(name, "ns").Obj()
		pool.Drain(r, now.Add(-since))
		for _, c := range change {
			c(r)
		}
		return r
	}
	seated := func(r *gamesv1.GameRoom) { r.Status.Players.Seated = 1 }
	claimed := func(r *gamesv1.GameRoom) { r.Labels[pool.LabelClaimed] = "true" }
	noSince := func(r *gamesv1.GameRoom) { delete(r.Annotations, pool.AnnotationDrainingSince) }
	cases := []struct {
		name     string
		rooms    []*gamesv1.GameRoom
		wantDue  []string
		wantNext time.Duration
	}{
		{"none", nil, nil, 0},
		{"grace over", []*gamesv1.GameRoom{room("a", grace)}, []string{"a"}, 0},
		{"grace running", []*gamesv1.GameRoom{room("a", 10*time.Second)}, nil, 20 * time.Second},
		{"the soonest sets the timer", []*gamesv1.GameRoom{room("a", 5*time.Second), room("b", 25*time.Second), room("c", time.Minute)}, []string{"c"}, 5 * time.Second},
		{"a player seated: the claim's label is on its way", []*gamesv1.GameRoom{room("a", time.Hour, seated)}, nil, 0},
		{"claimed", []*gamesv1.GameRoom{room("a", time.Hour, claimed)}, nil, 0},
		{"a mark without its time waits a whole grace", []*gamesv1.GameRoom{room("a", time.Hour, noSince)}, nil, grace},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			due, next := drainDue(tc.rooms, now, grace)
			var names []string
			for _, r := range due {
				names = append(names, r.Name)
			}
			if !slices.Equal(names, tc.wantDue) || next != tc.wantNext {
				t.Errorf("due %v next %v, want %v %v", names, next, tc.wantDue, tc.wantNext)
			}
		})
	}
}

// A scale-down races claims taken outside the API server (quick play
// takes a room in Redis and writes the claimed label right after): the
// pool first marks the rooms draining and deletes them only after the
// grace, so a room handed out just before the drain survives, whether
// its claimed label lands during the grace or its player shows up first.
func TestScaleDownSparesRoomsHandedOutBeforeTheDrain(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 3))
	var rooms []*gamesv1.GameRoom
	for _, r := range waitWarm(t, p, 3) {
		rooms = append(rooms, makeReady(t, &r))
	}
	waitPoolStatus(t, p, 3, 3, 0)
	labelLate, playerFirst, idle := rooms[0], rooms[1], rooms[2]

	scalePool(t, p, 0)
	// Every room is marked, none deleted yet, none counted.
	g.Eventually(func(g Gomega) {
		for _, r := range roomsOf(g, p) {
			g.Expect(pool.IsDraining(&r)).To(BeTrue(), "room %s", r.Name)
			g.Expect(r.DeletionTimestamp).To(BeNil())
		}
		g.Expect(roomsOf(g, p)).To(HaveLen(3))
	}, poolWaitFor, poll).Should(Succeed())
	waitPoolStatus(t, p, 0, 0, 0)

	// Within the grace: one room's claim label lands, written over the
	// drain as a claimant finishing its claim does; another room's player
	// is reported seated by its pod before any label.
	fresh := getRoom(g, labelLate)
	pool.Claim(fresh, "matchmaker/late", time.Now())
	g.Expect(k8s.Update(context.Background(), fresh)).To(Succeed())
	writeBeat(t, playerFirst, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) int32 { return getRoom(g, playerFirst).Status.Players.Seated }, waitFor, poll).Should(BeEquivalentTo(1))

	// After the grace only the idle room is deleted.
	g.Eventually(func(g Gomega) { roomGone(g, idle) }, poolWaitFor, poll).Should(Succeed())
	g.Consistently(func(g Gomega) {
		got := getRoom(g, labelLate)
		g.Expect(got.DeletionTimestamp).To(BeNil())
		g.Expect(pool.IsClaimed(got)).To(BeTrue())
		g.Expect(pool.IsDraining(got)).To(BeFalse(), "the claim wins over the drain")
		g.Expect(getRoom(g, playerFirst).DeletionTimestamp).To(BeNil(), "a room with a player is never deleted")
	}, poolDrainGrace+time.Second, poll).Should(Succeed())
	// The room whose player came first is released, as one taken by its
	// link would be: both count as claimed.
	st := waitPoolStatus(t, p, 0, 0, 2)
	g.Expect(poolCondition(st, gamesv1.PoolConditionReady).Status).To(Equal(metav1.ConditionTrue))
	g.Eventually(func(g Gomega) []string {
		var reasons []string
		for _, e := range poolEvents(g, p) {
			reasons = append(reasons, e.Reason)
		}
		return reasons
	}, waitFor, poll).Should(ContainElements(EventRoomsDraining, EventRoomsDeleted, EventRoomsReleased))
	// The drain says when its rooms go, as a time (API.md, events).
	for _, e := range poolEvents(g, p) {
		if e.Reason == EventRoomsDraining {
			g.Expect(e.Note).To(MatchRegexp(`deleted at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in \S+\) unless claimed meanwhile: `))
		}
	}
}

// A drain carries the resourceVersion the room was chosen at: a room
// claimed through the API server between that choice and the drain is
// neither marked nor deleted.
func TestDrainSparesARoomClaimedMeanwhile(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 1))
	stale := makeReady(t, &waitWarm(t, p, 1)[0])
	g.Expect(claim(stale, "matchmaker/ana")).To(Succeed())

	rec := &GameRoomPoolReconciler{Client: k8s, Clock: suiteClock}
	s := &poolScope{pool: getPool(g, p)}
	g.Expect(rec.drainRooms(context.Background(), s, []*gamesv1.GameRoom{stale})).To(Succeed())
	g.Expect(s.drained).To(BeEmpty())
	var got gamesv1.GameRoom
	g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(stale), &got)).To(Succeed())
	g.Expect(pool.IsDraining(&got)).To(BeFalse())
	g.Expect(pool.IsClaimed(&got)).To(BeTrue())
}

// A person who joins a draining room by its name just before its grace
// ends holds a seat in Redis before the room's status counts it (a
// heartbeat later): the room is not deleted under them.
func TestDrainSparesARoomJoinedBeforeItsStatusSaysSo(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 1))
	room := makeReady(t, &waitWarm(t, p, 1)[0])
	seats := roomcontract.For(room.Namespace, room.Name).Seats()
	g.Expect(rdb.HSet(ctx, seats, "0", "a-person").Err()).To(Succeed())
	t.Cleanup(func() { rdb.Del(context.Background(), seats) })

	rec := &GameRoomPoolReconciler{Client: k8s, Clock: suiteClock, Redis: rdb}
	s := &poolScope{pool: getPool(g, p)}
	g.Expect(rec.deleteRooms(ctx, s, []*gamesv1.GameRoom{room})).To(Succeed())
	g.Expect(s.deleted).To(BeEmpty())
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(room), &gamesv1.GameRoom{})).To(Succeed(), "the room was deleted under its player")

	// Nobody in its seats: the same call deletes it.
	g.Expect(rdb.Del(ctx, seats).Err()).To(Succeed())
	g.Expect(rec.deleteRooms(ctx, s, []*gamesv1.GameRoom{room})).To(Succeed())
	g.Expect(s.deleted).To(ConsistOf(room.Name))
}

// Two scale-downs a moment apart: each room is deleted at the end of its
// own grace, with nothing else changed about the pool in between, and
// each is named in an event. Events of one reason about one pool at one
// resourceVersion merge into a series keeping the first message, unless
// they differ in the room they relate to.
func TestEveryDeletedRoomIsNamedInAnEvent(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 3))
	for _, r := range waitWarm(t, p, 3) {
		makeReady(t, &r)
	}
	waitPoolStatus(t, p, 3, 3, 0)
	all := map[string]bool{}
	for _, r := range roomsOf(g, p) {
		all[r.Name] = true
	}
	scalePool(t, p, 2)
	g.Eventually(func(g Gomega) int { return int(getPool(g, p).Status.Replicas) }, waitFor, poll).Should(Equal(2))
	time.Sleep(poolDrainGrace / 3)
	scalePool(t, p, 1)
	g.Eventually(func(g Gomega) []gamesv1.GameRoom { return roomsOf(g, p) }, poolWaitFor, poll).Should(HaveLen(1))
	for _, r := range roomsOf(g, p) {
		delete(all, r.Name)
	}
	g.Expect(all).To(HaveLen(2))
	g.Eventually(func(g Gomega) string {
		var notes []string
		for _, e := range poolEvents(g, p) {
			if e.Reason == EventRoomsDeleted {
				notes = append(notes, e.Note)
			}
		}
		return strings.Join(notes, "\n")
	}, waitFor, poll).Should(And(ContainSubstring(slices.Sorted(maps.Keys(all))[0]), ContainSubstring(slices.Sorted(maps.Keys(all))[1])))
}
