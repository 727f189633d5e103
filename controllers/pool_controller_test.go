package controllers

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// The pool controller runs in a manager of its own beside the suite's
// operator, which gives the pool's rooms their pods; its client counts the
// writes it sends, per namespace.
var (
	poolsOnce   sync.Once
	poolsErr    error
	poolRec     *GameRoomPoolReconciler
	poolWrites  = &writeCounter{}
	poolWaitFor = 30 * time.Second
	// poolDrainGrace is the suite pool controller's DrainGrace.
	poolDrainGrace = 3 * time.Second
)

func poolNamespace(t *testing.T) string {
	t.Helper()
	ns := testNamespace(t)
	poolsOnce.Do(func() { poolsErr = startPools() })
	if poolsErr != nil {
		t.Fatalf("start the pool controller: %v", poolsErr)
	}
	return ns
}

func startPools() error {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  CacheOptions(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	poolWrites.Client = mgr.GetClient()
	// The pool's clock is real, and its drain grace short, so a scale-down
	// completes within a test without stepping the operator's clock.
	poolRec = &GameRoomPoolReconciler{Client: poolWrites, Recorder: mgr.GetEventRecorder("croupier-operator"),
		Clock: clock.RealClock{}, DrainGrace: poolDrainGrace, Redis: rdb}
	if err := poolRec.SetupWithManager(mgr); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "pool manager: %v\n", err)
		}
	}()
	stopSuite = append(stopSuite, func() { cancel(); <-done })
	return nil
}

// writeCounter counts the writes a client sends, by namespace.
type writeCounter struct {
	client.Client
	mu     sync.Mutex
	counts map[string]int
}

func (c *writeCounter) count(obj client.Object) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[obj.GetNamespace()]++
}

func (c *writeCounter) in(ns string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[ns]
}

func (c *writeCounter) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	c.count(obj)
	return c.Client.Create(ctx, obj, opts...)
}

func (c *writeCounter) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	c.count(obj)
	return c.Client.Update(ctx, obj, opts...)
}

func (c *writeCounter) Patch(ctx context.Context, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
	c.count(obj)
	return c.Client.Patch(ctx, obj, p, opts...)
}

func (c *writeCounter) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	c.count(obj)
	return c.Client.Delete(ctx, obj, opts...)
}

func (c *writeCounter) Status() client.SubResourceWriter { return statusCounter{c.Client.Status(), c} }

type statusCounter struct {
	client.SubResourceWriter
	c *writeCounter
}

func (s statusCounter) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	s.c.count(obj)
	return s.SubResourceWriter.Update(ctx, obj, opts...)
}

func (s statusCounter) Patch(ctx context.Context, obj client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
	s.c.count(obj)
	return s.SubResourceWriter.Patch(ctx, obj, p, opts...)
}

// Helpers of the pool tests.

func createPool(t *testing.T, w *gameroomtest.GameRoomPoolWrapper) *gamesv1.GameRoomPool {
	t.Helper()
	p := w.Obj()
	NewWithT(t).Expect(k8s.Create(context.Background(), p)).To(Succeed())
	return p
}

func getPool(g Gomega, p *gamesv1.GameRoomPool) *gamesv1.GameRoomPool {
	got := &gamesv1.GameRoomPool{}
	g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(p), got)).To(Succeed())
	return got
}

// roomsOf lists the rooms carrying the pool's label, claimed or not.
func roomsOf(g Gomega, p *gamesv1.GameRoomPool) []gamesv1.GameRoom {
	var list gamesv1.GameRoomList
	g.Expect(k8s.List(context.Background(), &list, client.InNamespace(p.Namespace),
		client.MatchingLabels{pool.LabelPool: p.Name})).To(Succeed())
	return list.Items
}

// warmRooms are the pool's unclaimed rooms, not being deleted.
func warmRooms(g Gomega, p *gamesv1.GameRoomPool) []gamesv1.GameRoom {
	var out []gamesv1.GameRoom
	for _, r := range roomsOf(g, p) {
		if pool.IsWarm(&r) && r.DeletionTimestamp == nil {
			out = append(out, r)
		}
	}
	return out
}

// waitWarm waits for exactly n unclaimed rooms and returns them.
func waitWarm(t *testing.T, p *gamesv1.GameRoomPool, n int) []gamesv1.GameRoom {
	t.Helper()
	var rooms []gamesv1.GameRoom
	NewWithT(t).Eventually(func(g Gomega) {
		rooms = warmRooms(g, p)
		g.Expect(rooms).To(HaveLen(n))
	}, poolWaitFor, poll).Should(Succeed())
	return rooms
}

// makeReady plays the kubelet for the room's pod, until the room is Ready.
func makeReady(t *testing.T, room *gamesv1.GameRoom) *gamesv1.GameRoom {
	t.Helper()
	setPodStatus(t, waitPod(t, room, ""), corev1.PodRunning, true, "10.1.2.3")
	var ready *gamesv1.GameRoom
	NewWithT(t).Eventually(func(g Gomega) {
		ready = getRoom(g, room)
		g.Expect(ready.Status.Phase).To(Equal(gamesv1.PhaseReady))
	}, waitFor, poll).Should(Succeed())
	return ready
}

// claim claims the room as a matchmaker does: one Update with the
// resourceVersion it read, at the operator's now.
func claim(room *gamesv1.GameRoom, by string) error {
	r := room.DeepCopy()
	pool.Claim(r, by, suiteClock.Now())
	return k8s.Update(context.Background(), r)
}

// waitPoolStatus waits for the pool's counts.
func waitPoolStatus(t *testing.T, p *gamesv1.GameRoomPool, replicas, ready, claimed int32) *gamesv1.GameRoomPool {
	t.Helper()
	var got *gamesv1.GameRoomPool
	NewWithT(t).Eventually(func(g Gomega) {
		got = getPool(g, p)
		g.Expect(got.Status.Replicas).To(Equal(replicas), "replicas")
		g.Expect(got.Status.Ready).To(Equal(ready), "ready")
		g.Expect(got.Status.Claimed).To(Equal(claimed), "claimed")
		g.Expect(got.Status.Desired).To(Equal(got.Spec.Replicas), "desired")
		g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
	}, poolWaitFor, poll).Should(Succeed())
	return got
}

func poolEvents(g Gomega, p *gamesv1.GameRoomPool) []eventsv1.Event {
	var list eventsv1.EventList
	g.Expect(k8s.List(context.Background(), &list, client.InNamespace(p.Namespace))).To(Succeed())
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Kind == "GameRoomPool" && e.Regarding.Name == p.Name {
			out = append(out, e)
		}
	}
	return out
}

func scalePool(t *testing.T, p *gamesv1.GameRoomPool, n int32) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		fresh := getPool(g, p)
		fresh.Spec.Replicas = n
		g.Expect(k8s.Update(context.Background(), fresh)).To(Succeed())
	}, waitFor, poll).Should(Succeed())
}

func TestPoolFillsToReplicasWithTemplateRooms(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 3).Label("team", "cards").Annotation("note", "warm").
		Room(gameroomtest.MakeGameRoom("", "").Players(3)))

	rooms := waitWarm(t, p, 3)
	for _, r := range rooms {
		g.Expect(r.Name).To(MatchRegexp(`^quick-[a-z0-9]{5}$`))
		g.Expect(r.Labels).To(Equal(map[string]string{"team": "cards", pool.LabelPool: "quick"}))
		g.Expect(r.Annotations).To(HaveKeyWithValue("note", "warm"))
		g.Expect(r.Spec.MaxPlayers).To(BeEquivalentTo(3))
		g.Expect(r.Spec.Listed).To(BeFalse())
		ref := metav1.GetControllerOf(&r)
		g.Expect(ref).NotTo(BeNil())
		g.Expect(ref.Kind).To(Equal("GameRoomPool"))
		g.Expect(ref.UID).To(Equal(p.UID))
	}
	st := waitPoolStatus(t, p, 3, 0, 0)
	ready := poolCondition(st, gamesv1.PoolConditionReady)
	g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
	g.Expect(ready.Reason).To(Equal(ReasonRoomsStarting))
	// kubectl get grp shows 0, not a blank, for counts still at zero.
	stored := &unstructured.Unstructured{}
	stored.SetGroupVersionKind(gamesv1.GroupVersion.WithKind("GameRoomPool"))
	g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(p), stored)).To(Succeed())
	for _, field := range []string{"ready", "claimed"} {
		_, found, _ := unstructured.NestedInt64(stored.Object, "status", field)
		g.Expect(found).To(BeTrue(), "status.%s is not written", field)
	}

	for i := range rooms {
		makeReady(t, &rooms[i])
	}
	st = waitPoolStatus(t, p, 3, 3, 0)
	ready = poolCondition(st, gamesv1.PoolConditionReady)
	g.Expect(ready.Status).To(Equal(metav1.ConditionTrue))
	g.Expect(ready.Reason).To(Equal(ReasonRoomsReady))
	g.Expect(ready.Message).To(Equal("3 of 3 rooms ready"))
	g.Expect(ready.ObservedGeneration).To(Equal(st.Generation))
	g.Eventually(func(g Gomega) {
		created := 0
		for _, e := range poolEvents(g, p) {
			if e.Reason == EventRoomsCreated {
				created += strings.Count(e.Note, "quick-")
			}
		}
		g.Expect(created).To(Equal(3))
	}, waitFor, poll).Should(Succeed())
	g.Consistently(func(g Gomega) []gamesv1.GameRoom { return roomsOf(g, p) }, time.Second, poll).Should(HaveLen(3))
}

func poolCondition(p *gamesv1.GameRoomPool, typ string) metav1.Condition {
	for _, c := range p.Status.Conditions {
		if c.Type == typ {
			return c
		}
	}
	return metav1.Condition{}
}

func TestClaimedRoomIsReplaced(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 2))
	rooms := waitWarm(t, p, 2)
	taken := makeReady(t, &rooms[0])
	makeReady(t, &rooms[1])
	waitPoolStatus(t, p, 2, 2, 0)

	g.Expect(claim(taken, "matchmaker/ana")).To(Succeed())

	after := waitWarm(t, p, 2)
	g.Expect(after).NotTo(ContainElement(HaveField("Name", taken.Name)))
	waitPoolStatus(t, p, 2, 1, 1)
	got := getRoom(g, taken)
	g.Expect(got.OwnerReferences).To(BeEmpty())
	g.Expect(got.Labels).To(HaveKeyWithValue(pool.LabelClaimed, "true"))
	g.Expect(got.Annotations).To(HaveKeyWithValue(pool.AnnotationClaimedBy, "matchmaker/ana"))
	g.Expect(got.Status.Phase).To(Equal(gamesv1.PhaseReady), "the claimed room keeps running")
}

func TestConcurrentClaimsOfOneRoom(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 1))
	room := makeReady(t, &waitWarm(t, p, 1)[0])
	g.Expect(pool.Claimable(room)).To(BeTrue())

	// Two claimers read the same version and both try it.
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = claim(room, fmt.Sprintf("matchmaker/%d", i)) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		if err == nil {
			g.Expect(won).To(Equal(-1), "both claims succeeded")
			won = i
		} else {
			g.Expect(apierrors.IsConflict(err)).To(BeTrue(), "the loser gets 409 Conflict, got %v", err)
		}
	}
	g.Expect(won).NotTo(Equal(-1), "no claim succeeded: %v", errs)
	g.Expect(getRoom(g, room).Annotations).To(HaveKeyWithValue(pool.AnnotationClaimedBy, fmt.Sprintf("matchmaker/%d", won)))
}

func TestScaleDownDeletesOnlyUnclaimedRoomsNotReadyFirst(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 3))
	rooms := waitWarm(t, p, 3)
	taken := makeReady(t, &rooms[0])
	kept := makeReady(t, &rooms[1])
	// rooms[2] stays Starting.
	g.Expect(claim(taken, "matchmaker/ana")).To(Succeed())
	waitWarm(t, p, 3) // the claim is replaced by a room that is Starting too
	waitPoolStatus(t, p, 3, 1, 1)

	scalePool(t, p, 1)
	NewWithT(t).Eventually(func(g Gomega) {
		left := warmRooms(g, p)
		g.Expect(left).To(HaveLen(1))
		g.Expect(left[0].Name).To(Equal(kept.Name), "the starting rooms go first")
	}, poolWaitFor, poll).Should(Succeed())
	waitPoolStatus(t, p, 1, 1, 1)
	g.Expect(getRoom(g, taken).DeletionTimestamp).To(BeNil(), "a claimed room is never deleted")
	g.Eventually(func(g Gomega) []string {
		var reasons []string
		for _, e := range poolEvents(g, p) {
			reasons = append(reasons, e.Reason)
		}
		return reasons
	}, waitFor, poll).Should(ContainElement(EventRoomsDeleted))

	scalePool(t, p, 0)
	waitWarm(t, p, 0)
	st := waitPoolStatus(t, p, 0, 0, 1)
	g.Expect(poolCondition(st, gamesv1.PoolConditionReady).Status).To(Equal(metav1.ConditionTrue), "0 of 0 rooms ready")
	g.Expect(getRoom(g, taken).DeletionTimestamp).To(BeNil())
}

// The scale-down's delete carries the resourceVersion it chose the room
// at: a room claimed between that choice and the delete survives.
func TestScaleDownSparesARoomClaimedMeanwhile(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 1))
	stale := makeReady(t, &waitWarm(t, p, 1)[0])
	g.Expect(claim(stale, "matchmaker/ana")).To(Succeed())

	rec := &GameRoomPoolReconciler{Client: k8s, Recorder: events.NewFakeRecorder(10), Clock: suiteClock}
	s := &poolScope{pool: getPool(g, p)}
	g.Expect(rec.deleteRooms(context.Background(), s, []*gamesv1.GameRoom{stale})).To(Succeed())
	g.Expect(s.deleted).To(BeEmpty())
	got := getRoom(g, stale)
	g.Expect(got.DeletionTimestamp).To(BeNil())
	g.Expect(pool.IsClaimed(got)).To(BeTrue())
}

func TestClaimedRoomSurvivesPoolDeletion(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 2))
	rooms := waitWarm(t, p, 2)
	taken := makeReady(t, &rooms[0])
	g.Expect(claim(taken, "matchmaker/ana")).To(Succeed())
	waitPoolStatus(t, p, 2, 0, 1)

	g.Expect(k8s.Delete(context.Background(), p)).To(Succeed())
	// The garbage collector takes the unclaimed rooms with the pool.
	g.Eventually(func(g Gomega) []gamesv1.GameRoom { return warmRooms(g, p) }, poolWaitFor, poll).Should(BeEmpty())
	g.Eventually(func(g Gomega) []gamesv1.GameRoom { return roomsOf(g, p) }, poolWaitFor, poll).Should(HaveLen(1))
	g.Consistently(func(g Gomega) *metav1.Time { return getRoom(g, taken).DeletionTimestamp }, 2*time.Second, poll).Should(BeNil())
}

// A pool with all its rooms warm costs the API server nothing: however
// often it is reconciled, it writes neither rooms nor status.
func TestSteadyPoolWritesNothing(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 2))
	for _, r := range waitWarm(t, p, 2) {
		makeReady(t, &r)
	}
	steady := waitPoolStatus(t, p, 2, 2, 0)
	g.Expect(poolCondition(steady, gamesv1.PoolConditionReady).Status).To(Equal(metav1.ConditionTrue))
	rv := map[string]string{}
	for _, r := range roomsOf(g, p) {
		rv[r.Name] = r.ResourceVersion
	}
	writes := poolWrites.in(ns)
	g.Expect(writes).To(BeNumerically(">=", 3), "the writes are counted: two creations and a status")

	for range 5 {
		res, err := poolRec.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(p)})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(res).To(Equal(ctrl.Result{}))
	}
	g.Consistently(func(g Gomega) {
		g.Expect(poolWrites.in(ns)).To(Equal(writes))
		g.Expect(getPool(g, p).ResourceVersion).To(Equal(steady.ResourceVersion))
		for _, r := range roomsOf(g, p) {
			g.Expect(rv).To(HaveKeyWithValue(r.Name, r.ResourceVersion))
		}
	}, 2*time.Second, poll).Should(Succeed())
}

// A template the API server rejects for a room (here a label value) is
// reported on the pool, and nothing is created.
func TestPoolReportsRoomsItCannotCreate(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 2).Label("team", "not a label value"))
	g.Eventually(func(g Gomega) {
		c := poolCondition(getPool(g, p), gamesv1.PoolConditionReady)
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal(ReasonRoomsCreateFailed))
		g.Expect(c.Message).To(ContainSubstring("not a label value"))
		g.Expect(c.Message).To(ContainSubstring(`"quick-*"`), "the same on every retry, not one generated name")
	}, poolWaitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string {
		var out []string
		for _, e := range poolEvents(g, p) {
			if e.Type == corev1.EventTypeWarning {
				out = append(out, e.Reason)
			}
		}
		return out
	}, waitFor, poll).Should(ContainElement(EventRoomsCreateFailed))
	g.Expect(roomsOf(g, p)).To(BeEmpty())
}

// A warm room waits for its claim however long it takes; once claimed, it
// is collected idleTimeout after the claim if nobody comes.
func TestWarmRoomIsNotAbandonedUntilClaimed(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 1).
		Room(gameroomtest.MakeGameRoom("", "").IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour)))
	room := makeReady(t, &waitWarm(t, p, 1)[0])

	writeBeat(t, room, beatOf{})
	step(10 * time.Minute)
	writeBeat(t, room, beatOf{})
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, 2*time.Second, poll).
		Should(Equal(gamesv1.PhaseReady))

	g.Expect(claim(getRoom(g, room), "matchmaker/ana")).To(Succeed())
	step(50 * time.Second)
	writeBeat(t, room, beatOf{})
	g.Consistently(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, 2*time.Second, poll).
		Should(Equal(gamesv1.PhaseReady), "the idle clock starts at the claim, not at Ready")

	step(15 * time.Second)
	writeBeat(t, room, beatOf{})
	g.Eventually(func(g Gomega) { roomGone(g, room) }, poolWaitFor, poll).Should(Succeed())
}

// Filling a pool never overshoots, though the operator's cache lags its
// own creations: at no moment are there more rooms than replicas.
func TestPoolFillNeverOvershoots(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 20))
	most := 0
	g.Eventually(func(g Gomega) {
		n := len(roomsOf(g, p))
		most = max(most, n)
		g.Expect(n).To(Equal(20))
	}, poolWaitFor, 10*time.Millisecond).Should(Succeed())
	g.Consistently(func(g Gomega) int {
		n := len(roomsOf(g, p))
		most = max(most, n)
		return n
	}, 2*time.Second, poll).Should(Equal(20))
	g.Expect(most).To(Equal(20))

	scalePool(t, p, 25)
	waitWarm(t, p, 25)
	g.Consistently(func(g Gomega) []gamesv1.GameRoom { return roomsOf(g, p) }, 2*time.Second, poll).Should(HaveLen(25))
}

// A cache that does not show the rooms just created must not make the
// pool create them again: reconciled twice over the same stale list, the
// pool creates its rooms once, and waits for the cache.
func TestPoolWaitsForItsCacheToShowItsRooms(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	// With replicas 0 the running pool controller creates nothing here
	// (it deletes what this test's reconciler creates, hence the count of
	// creations rather than of rooms).
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 0))
	p.Spec.Replicas = 2 // as this reconciler reads it
	created := 0

	w, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	stale := interceptor.NewClient(w, interceptor.Funcs{
		Get: func(_ context.Context, _ client.WithWatch, _ client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
			p.DeepCopyInto(obj.(*gamesv1.GameRoomPool))
			return nil
		},
		List: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) error {
			return nil // the cache has seen no room yet
		},
		SubResourcePatch: func(context.Context, client.Client, string, client.Object, client.Patch, ...client.SubResourcePatchOption) error {
			return nil
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			created++
			return c.Create(ctx, obj, opts...)
		},
	})
	rec := &GameRoomPoolReconciler{Client: stale, Recorder: events.NewFakeRecorder(10), Clock: suiteClock}
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(p)}
	_, err = rec.Reconcile(context.Background(), req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(created).To(Equal(2))

	res, err := rec.Reconcile(context.Background(), req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.RequeueAfter).To(BeNumerically(">", 0), "a timer in case the cache's events were lost")
	g.Expect(created).To(Equal(2), "the rooms were created again")
}

// A pool whose rooms cannot start says so, and names one to look at,
// rather than saying its rooms are starting for ever.
func TestPoolSaysItsRoomsCannotStart(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	restartOperator(t, func(r *GameRoomReconciler) { r.RoomNamespaces = []string{testNamespace(t)} })
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 2))
	g.Eventually(func(g Gomega) {
		c := poolCondition(getPool(g, p), gamesv1.PoolConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal(ReasonRoomsCannotStart))
		g.Expect(c.Message).To(MatchRegexp(`^0 of 2 rooms ready; 2 cannot start without a change, first (quick-\S+) \(NamespaceNotPrepared\): kubectl describe gameroom quick-\S+$`))
	}, poolWaitFor, poll).Should(Succeed())
}
