package controllers

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrlevent "sigs.k8s.io/controller-runtime/pkg/event"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// Pure tests of the pool's rules: no API server.

func testPool(replicas int32) *gamesv1.GameRoomPool {
	p := gameroomtest.MakeGameRoomPool("quick", "ns", replicas).Obj()
	p.UID, p.Generation = "pool-uid", 3
	return p
}

// poolRoom is a room of p: warm when phase is Ready.
func poolRoom(p *gamesv1.GameRoomPool, name string, phase gamesv1.GameRoomPhase, age time.Duration) gamesv1.GameRoom {
	r := newPoolRoom(p)
	r.Name = name
	r.CreationTimestamp = metav1.NewTime(t0.Add(-age))
	r.OwnerReferences = []metav1.OwnerReference{{APIVersion: gamesv1.GroupVersion.String(), Kind: pool.Kind,
		Name: p.Name, UID: p.UID, Controller: ptr.To(true)}}
	r.Status.Phase = phase
	return *r
}

func TestClassify(t *testing.T) {
	p := testPool(3)
	warm := poolRoom(p, "quick-warm1", gamesv1.PhaseReady, time.Minute)
	starting := poolRoom(p, "quick-start", gamesv1.PhaseStarting, 0)
	claimed := poolRoom(p, "quick-taken", gamesv1.PhasePlaying, time.Hour)
	pool.Claim(&claimed, "mm", t0)
	deleting := poolRoom(p, "quick-going", gamesv1.PhaseReady, time.Hour)
	deleting.DeletionTimestamp = &metav1.Time{Time: t0}
	claimedDeleting := claimed.DeepCopy()
	claimedDeleting.Name, claimedDeleting.DeletionTimestamp = "quick-done", &metav1.Time{Time: t0}
	orphan := poolRoom(p, "quick-old", gamesv1.PhaseReady, time.Hour)
	orphan.OwnerReferences[0].UID = "earlier-pool"
	other := poolRoom(testPool(1), "other-room", gamesv1.PhaseReady, 0)
	other.Labels[pool.LabelPool] = "other"

	got := classify(p, []gamesv1.GameRoom{warm, starting, claimed, deleting, *claimedDeleting, orphan, other})
	var names []string
	for _, r := range got.members {
		names = append(names, r.Name)
	}
	g := NewWithT(t)
	g.Expect(names).To(Equal([]string{"quick-warm1", "quick-start"}))
	g.Expect(got.claimed).To(BeEquivalentTo(1))
}

func TestComputePoolStatus(t *testing.T) {
	p := testPool(2)
	warmA := poolRoom(p, "quick-a", gamesv1.PhaseReady, time.Minute)
	warmB := poolRoom(p, "quick-b", gamesv1.PhaseReady, time.Minute)
	starting := poolRoom(p, "quick-c", gamesv1.PhaseStarting, 0)
	seated := poolRoom(p, "quick-d", gamesv1.PhaseReady, 0)
	seated.Status.Players.Seated = 1
	noSecret := poolRoom(p, "quick-f", gamesv1.PhaseStarting, time.Minute)
	noSecret.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionFalse,
		Reason: ReasonConfigMissing, Message: `secret "croupier-session-keys" not found`}}
	rejected := poolRoom(p, "quick-e", gamesv1.PhaseFailed, time.Minute)
	rejected.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionReady, Status: metav1.ConditionFalse, Reason: ReasonPodInvalid}}
	pulling := poolRoom(p, "quick-g", gamesv1.PhaseStarting, 0)
	pulling.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionFalse, Reason: ReasonPodPending}}
	rooms := func(rs ...gamesv1.GameRoom) poolRooms { return classify(p, rs) }
	cases := []struct {
		name                     string
		rooms                    poolRooms
		createErr                error
		replicas, ready, claimed int32
		status                   metav1.ConditionStatus
		reason, message          string
	}{
		{"empty", rooms(), nil, 0, 0, 0, metav1.ConditionFalse, ReasonRoomsStarting, "0 of 2 rooms ready"},
		{"starting", rooms(warmA, starting), nil, 2, 1, 0, metav1.ConditionFalse, ReasonRoomsStarting, "1 of 2 rooms ready"},
		{"warm", rooms(warmA, warmB), nil, 2, 2, 0, metav1.ConditionTrue, ReasonRoomsReady, "2 of 2 rooms ready"},
		{"someone seated is not ready", rooms(warmA, seated), nil, 2, 1, 0, metav1.ConditionFalse, ReasonRoomsStarting, "1 of 2 rooms ready"},
		{"more than wanted", rooms(warmA, warmB, starting), nil, 3, 2, 0, metav1.ConditionTrue, ReasonRoomsReady, "2 of 2 rooms ready"},
		{"claimed counted apart", poolRooms{members: []*gamesv1.GameRoom{&warmA}, claimed: 4}, nil, 1, 1, 4,
			metav1.ConditionFalse, ReasonRoomsStarting, "1 of 2 rooms ready"},
		{"create failed", rooms(warmA), errors.New("exceeded quota"), 1, 1, 0, metav1.ConditionFalse, ReasonRoomsCreateFailed,
			"1 of 2 rooms ready; creating a room failed: exceeded quota"},
		// A pool whose rooms cannot start says so, naming one to look at.
		{"a room cannot start", rooms(warmA, noSecret), nil, 2, 1, 0, metav1.ConditionFalse, ReasonRoomsCannotStart,
			"1 of 2 rooms ready; 1 cannot start without a change, first quick-f (ConfigMissing): kubectl describe gameroom quick-f"},
		{"no room can start", rooms(noSecret, rejected), nil, 2, 0, 0, metav1.ConditionFalse, ReasonRoomsCannotStart,
			"0 of 2 rooms ready; 2 cannot start without a change, first quick-e (PodInvalid): kubectl describe gameroom quick-e"},
		{"a pod still pending is only starting", rooms(warmA, pulling), nil, 2, 1, 0, metav1.ConditionFalse, ReasonRoomsStarting, "1 of 2 rooms ready"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			st := computePoolStatus(poolObserved{pool: p, rooms: c.rooms, createErr: c.createErr, now: t0})
			g.Expect(st.Replicas).To(Equal(c.replicas))
			g.Expect(st.Ready).To(Equal(c.ready))
			g.Expect(st.Claimed).To(Equal(c.claimed))
			g.Expect(st.Desired).To(BeEquivalentTo(2))
			g.Expect(st.ObservedGeneration).To(BeEquivalentTo(3))
			g.Expect(st.Conditions).To(HaveLen(1))
			cond := st.Conditions[0]
			g.Expect(cond.Type).To(Equal(gamesv1.PoolConditionReady))
			g.Expect(cond.Status).To(Equal(c.status))
			g.Expect(cond.Reason).To(Equal(c.reason))
			g.Expect(cond.Message).To(Equal(c.message))
			g.Expect(cond.ObservedGeneration).To(BeEquivalentTo(3))
			g.Expect(cond.LastTransitionTime.Time).To(BeTemporally("==", t0))
		})
	}
}

// A steady pool computes the status it already has, so it writes nothing;
// the transition time moves only when the condition's status does.
func TestPoolStatusIsStable(t *testing.T) {
	g := NewWithT(t)
	p := testPool(1)
	rooms := classify(p, []gamesv1.GameRoom{poolRoom(p, "quick-a", gamesv1.PhaseReady, 0)})
	p.Status = computePoolStatus(poolObserved{pool: p, rooms: rooms, now: t0})
	again := computePoolStatus(poolObserved{pool: p, rooms: rooms, now: t0.Add(time.Hour)})
	g.Expect(again).To(Equal(p.Status))

	p.Status = again
	none := computePoolStatus(poolObserved{pool: p, rooms: poolRooms{}, now: t0.Add(2 * time.Hour)})
	g.Expect(none.Conditions[0].LastTransitionTime.Time).To(BeTemporally("==", t0.Add(2*time.Hour)))
}

func TestScaleDownOrder(t *testing.T) {
	p := testPool(0)
	oldWarm := poolRoom(p, "quick-old", gamesv1.PhaseReady, time.Hour)
	newWarm := poolRoom(p, "quick-new", gamesv1.PhaseReady, time.Minute)
	oldStarting := poolRoom(p, "quick-slow", gamesv1.PhaseStarting, time.Hour)
	newPending := poolRoom(p, "quick-pend", gamesv1.PhasePending, 0)
	failed := poolRoom(p, "quick-fail", gamesv1.PhaseFailed, 2*time.Hour)
	twinA := poolRoom(p, "quick-twa", gamesv1.PhaseReady, time.Hour)
	twinB := poolRoom(p, "quick-twb", gamesv1.PhaseReady, time.Hour)
	var names []string
	for _, r := range scaleDownOrder([]*gamesv1.GameRoom{&oldWarm, &twinA, &newWarm, &failed, &oldStarting, &twinB, &newPending}) {
		names = append(names, r.Name)
	}
	NewWithT(t).Expect(names).To(Equal([]string{
		"quick-pend", "quick-slow", "quick-fail", // not claimable, newest first
		"quick-new", "quick-twb", "quick-twa", "quick-old", // warm, newest first, name breaks the tie
	}))
}

func TestNewPoolRoom(t *testing.T) {
	g := NewWithT(t)
	p := gameroomtest.MakeGameRoomPool("quick", "games", 1).Label("team", "cards").Annotation("note", "x").
		Room(gameroomtest.MakeGameRoom("", "").Players(3).Listed(true)).Obj()
	r := newPoolRoom(p)
	g.Expect(r.GenerateName).To(Equal("quick-"))
	g.Expect(r.Namespace).To(Equal("games"))
	g.Expect(r.Labels).To(Equal(map[string]string{"team": "cards", pool.LabelPool: "quick"}))
	g.Expect(r.Annotations).To(Equal(map[string]string{"note": "x"}))
	g.Expect(r.Spec.MaxPlayers).To(BeEquivalentTo(3))
	g.Expect(r.Spec.Listed).To(BeFalse(), "pool rooms are unlisted whatever the template says")
	r.Labels["team"] = "changed"
	g.Expect(p.Spec.Template.Metadata.Labels["team"]).To(Equal("cards"), "the room shares no map with the template")
}

func TestExpectations(t *testing.T) {
	g := NewWithT(t)
	var e expectations
	key := types.NamespacedName{Namespace: "ns", Name: "quick"}
	room := func(name string, deleting bool) gamesv1.GameRoom {
		r := gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if deleting {
			r.DeletionTimestamp = &metav1.Time{Time: t0}
		}
		return r
	}
	ok, _ := e.satisfied(key, nil, t0)
	g.Expect(ok).To(BeTrue(), "nothing expected")

	e.created(key, "quick-a", t0)
	e.deleted(key, "quick-z", t0)
	ok, wait := e.satisfied(key, []gamesv1.GameRoom{room("quick-z", false)}, t0.Add(time.Second))
	g.Expect(ok).To(BeFalse(), "the cache shows neither the creation nor the deletion")
	g.Expect(wait).To(Equal(expectationTimeout - time.Second))

	ok, _ = e.satisfied(key, []gamesv1.GameRoom{room("quick-a", false), room("quick-z", false)}, t0.Add(time.Second))
	g.Expect(ok).To(BeFalse(), "the deletion is not seen yet")
	ok, _ = e.satisfied(key, []gamesv1.GameRoom{room("quick-a", false), room("quick-z", true)}, t0.Add(time.Second))
	g.Expect(ok).To(BeTrue(), "a room held by its finalizer counts as deleted")

	e.created(key, "quick-lost", t0)
	ok, _ = e.satisfied(key, nil, t0.Add(expectationTimeout-time.Nanosecond))
	g.Expect(ok).To(BeFalse())
	ok, _ = e.satisfied(key, nil, t0.Add(expectationTimeout))
	g.Expect(ok).To(BeTrue(), "a lost event does not stall the pool for ever")

	e.created(key, "quick-b", t0)
	e.forget(key)
	ok, _ = e.satisfied(key, nil, t0)
	g.Expect(ok).To(BeTrue())
}

func TestPoolRoomChanged(t *testing.T) {
	p := testPool(1)
	base := poolRoom(p, "quick-a", gamesv1.PhaseStarting, 0)
	plain := gameroomtest.MakeGameRoom("table", "ns").Obj()
	change := func(f func(r *gamesv1.GameRoom)) *gamesv1.GameRoom {
		r := base.DeepCopy()
		f(r)
		return r
	}
	cases := []struct {
		name string
		new  *gamesv1.GameRoom
		want bool
	}{
		{"heartbeat refresh", change(func(r *gamesv1.GameRoom) { r.Status.LastHeartbeatTime = &metav1.Time{Time: t0} }), false},
		{"ready", change(func(r *gamesv1.GameRoom) { r.Status.Phase = gamesv1.PhaseReady }), true},
		{"claimed", change(func(r *gamesv1.GameRoom) { pool.Claim(r, "mm", t0) }), true},
		{"deleting", change(func(r *gamesv1.GameRoom) { r.DeletionTimestamp = &metav1.Time{Time: t0} }), true},
		{"cannot start", change(func(r *gamesv1.GameRoom) {
			r.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionFalse, Reason: ReasonImagePullFailed}}
		}), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := poolRoomChanged.Update(ctrlevent.UpdateEvent{ObjectOld: &base, ObjectNew: c.new})
			NewWithT(t).Expect(got).To(Equal(c.want))
		})
	}
	g := NewWithT(t)
	g.Expect(poolRoomChanged.Create(ctrlevent.CreateEvent{Object: plain})).To(BeFalse(), "a room of no pool")
	g.Expect(poolRoomChanged.Create(ctrlevent.CreateEvent{Object: &base})).To(BeTrue())
	g.Expect(poolOfRoom(context.Background(), &base)).To(ConsistOf(HaveField("NamespacedName",
		types.NamespacedName{Namespace: "ns", Name: "quick"})))
	g.Expect(poolOfRoom(context.Background(), plain)).To(BeEmpty())
}

// Each retry of a room the API server refuses fails under a new generated
// name; the failure reads the same every time, so its events merge and
// the Ready condition does not change.
func TestACreateFailureReadsTheSameOnEveryRetry(t *testing.T) {
	g := NewWithT(t)
	p := gameroomtest.MakeGameRoomPool("quick", "ns", 3).Obj()
	refusal := func(name string) error {
		return errors.New(`GameRoom.games.croupier.dev "` + name + `" is invalid: metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters`)
	}
	first, second := createFailure(p, refusal("quick-x7k2p")), createFailure(p, refusal("quick-4bz9m"))
	g.Expect(first.Error()).To(Equal(second.Error()))
	g.Expect(first.Error()).To(HavePrefix(`GameRoom.games.croupier.dev "quick-*" is invalid: metadata.labels`))
	g.Expect(createFailure(p, errors.New("exceeded quota: quick-rooms")).Error()).To(Equal("exceeded quota: quick-rooms"),
		"only a generated name is rewritten")
}
