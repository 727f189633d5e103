package controllers

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract"
)

func TestHeartbeatFillsStatusWithoutWriteStorm(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, _ := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(time.Hour))

	first := writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhasePlaying, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhasePlaying))
		g.Expect(r.Status.Players).To(Equal(gamesv1.Players{Seated: 2, Connected: 2}))
		g.Expect(r.Status.LastHeartbeatTime.Time).To(BeTemporally("~", first.Time, time.Second))
		g.Expect(r.Status.LastActivityTime).NotTo(BeNil())
		g.Expect(condition(r, gamesv1.ConditionHeartbeatsKnown)).To(HaveField("Status", metav1.ConditionTrue))
		g.Expect(condition(r, gamesv1.ConditionReady)).To(HaveField("Reason", ReasonPlaying))
	}, waitFor, poll).Should(Succeed())

	// A steady room: the pod beats and plays on, nobody joins or leaves.
	// Many sweeps pass over the better part of an hour (each step is
	// several sweeps of the operator) and the room is not written once.
	rv := getRoom(g, room).ResourceVersion
	const steps, each = 59, time.Minute
	for range steps {
		step(each)
		writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhasePlaying, lastActivity: suiteClock.Now()})
		g.Consistently(func(g Gomega) string { return getRoom(g, room).ResourceVersion }, 150*time.Millisecond, poll).
			Should(Equal(rv), "a steady room must cost no status write")
	}
	// Past the room's refresh bound (StatusRefresh plus its jitter), the
	// time is refreshed once.
	step(refreshAfter(room) - steps*each)
	fresh := writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhasePlaying, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) time.Time { return getRoom(g, room).Status.LastHeartbeatTime.Time }, waitFor, poll).
		Should(BeTemporally("~", fresh.Time, time.Second))

	// A player leaving is visible at once.
	step(time.Second)
	writeBeat(t, room, beatOf{seated: 2, connected: 1, phase: roomcontract.PhasePlaying, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) gamesv1.Players { return getRoom(g, room).Status.Players }, waitFor, poll).
		Should(Equal(gamesv1.Players{Seated: 2, Connected: 1}))
	// And one coming back, with no clock stepped: written on the change.
	writeBeat(t, room, beatOf{seated: 2, connected: 2, phase: roomcontract.PhasePlaying, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) gamesv1.Players { return getRoom(g, room).Status.Players }, waitFor, poll).
		Should(Equal(gamesv1.Players{Seated: 2, Connected: 2}))
}

func TestSilentPodIsReplacedOnce(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, first := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(10*time.Second).IdleTimeout(time.Hour))
	replaced := testutil.ToFloat64(podsReplaced.WithLabelValues("heartbeat_timeout"))

	// Beating in time keeps the pod.
	for range 3 {
		step(8 * time.Second)
		writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})
		g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, 200*time.Millisecond, poll).
			Should(ConsistOf(HaveField("UID", first.UID)))
	}

	// Silent past heartbeatTimeout: replaced.
	step(11 * time.Second)
	second := waitPod(t, room, string(first.UID))
	g.Eventually(func(g Gomega) {
		r := getRoom(g, room)
		g.Expect(r.Status.Phase).To(Equal(gamesv1.PhaseStarting))
		g.Expect(condition(r, gamesv1.ConditionPodHealthy).Status).To(Equal(metav1.ConditionFalse))
	}, waitFor, poll).Should(Succeed())
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).
		Should(ContainElements(EventPodSilent, EventPodReplaced))
	g.Expect(testutil.ToFloat64(podsReplaced.WithLabelValues("heartbeat_timeout"))).To(BeNumerically(">=", replaced+1))

	// The replacement is judged by its own beats: the old pod's last beat
	// is older than its readiness, so it gets a full heartbeatTimeout.
	setPodStatus(t, second, corev1.PodRunning, true, "10.1.2.4")
	g.Eventually(func(g Gomega) gamesv1.GameRoomPhase { return getRoom(g, room).Status.Phase }, waitFor, poll).
		Should(Equal(gamesv1.PhaseReady))
	step(5 * time.Second)
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, time.Second, poll).
		Should(ConsistOf(HaveField("UID", second.UID)))
	g.Expect(countOf(g, room, EventPodSilent)).To(Equal(1), "one silent pod, one replacement")
}

// A steady room is read by the sweep alone. A key that then vanishes (an
// eviction, a FLUSHALL) is judged from the newest beat the sweep read,
// so the pod, still beating, keeps its full heartbeatTimeout; not from
// the beat of the room's last reconcile, long past.
func TestAVanishedKeyIsJudgedFromTheNewestBeatTheSweepRead(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, first := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(30*time.Second).IdleTimeout(time.Hour))
	writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})
	g.Eventually(func(g Gomega) int32 { return getRoom(g, room).Status.Players.Connected }, waitFor, poll).Should(Equal(int32(1)))

	// Steady for longer than heartbeatTimeout: each beat is read by sweeps
	// (every 100 ms here), and nothing wakes the room.
	for range 8 {
		step(5 * time.Second)
		writeBeat(t, room, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})
		time.Sleep(300 * time.Millisecond)
	}
	g.Expect(rdb.Del(context.Background(), roomcontract.For(room.Namespace, room.Name).Heartbeat()).Err()).To(Succeed())
	step(time.Second)
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, time.Second, poll).
		Should(ConsistOf(HaveField("UID", first.UID)), "the pod beat a second ago")
	g.Expect(eventReasons(g, room)).NotTo(ContainElement(EventPodSilent))

	// Silent for heartbeatTimeout after that newest beat: replaced.
	step(30 * time.Second)
	waitPod(t, room, string(first.UID))
	g.Eventually(func(g Gomega) []string { return eventReasons(g, room) }, waitFor, poll).Should(ContainElement(EventPodSilent))
}

func TestRedisDownReplacesAndCollectsNothing(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	// One room only the idle rule can take, one only the silence rule.
	idle, idlePod := readyRoom(t, gameroomtest.MakeGameRoom("idle", ns).IdleTimeout(time.Minute).HeartbeatTimeout(time.Hour))
	quiet, quietPod := readyRoom(t, gameroomtest.MakeGameRoom("quiet", ns).IdleTimeout(time.Hour).HeartbeatTimeout(10*time.Second))
	writeBeat(t, quiet, beatOf{seated: 1, connected: 1, lastActivity: suiteClock.Now()})

	restart := stopRedis(t)
	g.Eventually(func(g Gomega) {
		for _, room := range []*gamesv1.GameRoom{idle, quiet} {
			c := condition(getRoom(g, room), gamesv1.ConditionHeartbeatsKnown)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(ReasonRedisUnreachable))
		}
		g.Expect(testutil.ToFloat64(heartbeatsKnown)).To(BeZero())
	}, waitFor, poll).Should(Succeed())

	step(5 * time.Minute)
	g.Consistently(func(g Gomega) {
		g.Expect(getRoom(g, idle).Status.Phase).To(Equal(gamesv1.PhaseReady))
		g.Expect(podsOf(g, idle)).To(ConsistOf(HaveField("UID", idlePod.UID)))
		g.Expect(podsOf(g, quiet)).To(ConsistOf(HaveField("UID", quietPod.UID)))
	}, 2*time.Second, poll).Should(Succeed(), "an unreachable Redis is no evidence of silence or idleness")

	// Redis is back (empty): the rules apply again.
	restart()
	g.Eventually(func(g Gomega) { roomGone(g, idle) }, waitFor, poll).Should(Succeed())
	waitPod(t, quiet, string(quietPod.UID))
	g.Eventually(func(g Gomega) {
		g.Expect(condition(getRoom(g, quiet), gamesv1.ConditionHeartbeatsKnown)).To(HaveField("Status", metav1.ConditionTrue))
		g.Expect(testutil.ToFloat64(heartbeatsKnown)).To(Equal(1.0))
	}, waitFor, poll).Should(Succeed())
}

// The silence rule as a pure function, at its edges.
func TestSilenceDeadline(t *testing.T) {
	room, ready, beat := deadlineRoom()
	notReady := podOf(room, corev1.PodRunning, false, "10.0.0.1")
	finished := room.DeepCopy()
	finished.Status.Phase = gamesv1.PhaseFinished
	cases := []struct {
		name string
		room *gamesv1.GameRoom
		pod  *corev1.Pod
		beat *roomcontract.Beat
		seen time.Time // the newest beat the operator read before
		want time.Time // zero: the rule does not apply
	}{
		{"never beat: from readiness", room, ready, nil, time.Time{}, t0.Add(31 * time.Second)},
		{"key vanished a moment after a beat: from that beat", room, ready, nil, t0.Add(time.Minute), t0.Add(90 * time.Second)},
		{"from the last beat", room, ready, beat(time.Minute, 1, 0), time.Time{}, t0.Add(90 * time.Second)},
		{"a beat older than readiness is a previous pod's", room, ready, beat(-time.Hour, 1, 0), time.Time{}, t0.Add(31 * time.Second)},
		{"pod not ready", room, notReady, nil, time.Time{}, time.Time{}},
		{"no pod", room, nil, nil, time.Time{}, time.Time{}},
		{"match over", finished, ready, nil, time.Time{}, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := silenceDeadline(c.room, c.pod, c.beat, c.seen)
			NewWithT(t).Expect(ok).To(Equal(!c.want.IsZero()))
			NewWithT(t).Expect(got).To(BeTemporally("==", c.want))
		})
	}
}

// What the heartbeat, the silence and the idle verdicts do to the status.
func TestStatusFromHeartbeat(t *testing.T) {
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	beat := roomcontract.Beat{Time: t0, Seated: 2, Connected: 2, Phase: roomcontract.PhasePlaying, LastActivity: t0}
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0, presence: presenceOf(beat)})
	later := func(d time.Duration, connected int) *Presence {
		b := beat
		b.Time, b.LastActivity, b.Connected = t0.Add(d), t0.Add(d), connected
		return presenceOf(b)
	}
	t.Run("steady beats write nothing", func(t *testing.T) {
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Minute), presence: later(time.Minute, 2)})
		NewWithT(t).Expect(st).To(Equal(room.Status))
	})
	t.Run("stale times are refreshed", func(t *testing.T) {
		bound := refreshAfter(room)
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(bound - time.Second), presence: later(bound-time.Second, 2)})
		NewWithT(t).Expect(st).To(Equal(room.Status), "not yet")
		st = computeStatus(observed{room: room, pod: pod, now: t0.Add(bound), presence: later(bound, 2)})
		NewWithT(t).Expect(st.LastHeartbeatTime.Time).To(Equal(t0.Add(bound).Truncate(time.Second)))
		NewWithT(t).Expect(st.LastActivityTime.Time).To(Equal(t0.Add(bound).Truncate(time.Second)))
	})
	t.Run("a visible change carries fresh times", func(t *testing.T) {
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Minute), presence: later(time.Minute, 1)})
		NewWithT(t).Expect(st.Players.Connected).To(BeEquivalentTo(1))
		NewWithT(t).Expect(st.LastHeartbeatTime.Time).To(Equal(t0.Add(time.Minute)))
	})
	t.Run("silent pod", func(t *testing.T) {
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Minute), silent: true})
		NewWithT(t).Expect(st.Phase).To(Equal(gamesv1.PhaseStarting))
		NewWithT(t).Expect(cond(st, gamesv1.ConditionPodHealthy).Reason).To(Equal(ReasonHeartbeatTimeout))
		NewWithT(t).Expect(cond(st, gamesv1.ConditionReady).Message).To(ContainSubstring("no heartbeat for 30s"))
	})
	t.Run("abandoned", func(t *testing.T) {
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Hour),
			abandon: &abandonment{idleSince: t0, timeout: 5 * time.Minute}})
		NewWithT(t).Expect(st.Phase).To(Equal(gamesv1.PhaseAbandoned))
		ab := cond(st, gamesv1.ConditionAbandoned)
		NewWithT(t).Expect(ab.Status).To(Equal(metav1.ConditionTrue))
		NewWithT(t).Expect(ab.Reason).To(Equal(ReasonIdleTimeout))
		NewWithT(t).Expect(cond(st, gamesv1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
	})
	t.Run("finished", func(t *testing.T) {
		b := beat
		b.Phase = roomcontract.PhaseFinished
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(time.Minute), presence: presenceOf(b)})
		NewWithT(t).Expect(st.Phase).To(Equal(gamesv1.PhaseFinished))
		NewWithT(t).Expect(st.FinishedTime.Time).To(Equal(t0.Add(time.Minute)))
	})
}

// A reconciler that still sees the silent pod after its replacement exists
// must not delete the replacement: the delete names the silent pod's UID.
func TestStaleSilentPodDoesNotKillReplacement(t *testing.T) {
	g := NewWithT(t)
	resetClock(t)
	ns := testNamespace(t)
	room, first := readyRoom(t, gameroomtest.MakeGameRoom("table", ns).HeartbeatTimeout(10*time.Second).IdleTimeout(time.Hour))
	staleRoom := getRoom(g, room)
	step(11 * time.Second)
	second := waitPod(t, room, string(first.UID))

	blind := staleReconciler(t, func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		switch o := obj.(type) {
		case *corev1.Pod:
			first.DeepCopyInto(o)
			return nil
		case *gamesv1.GameRoom:
			staleRoom.DeepCopyInto(o)
			return nil
		}
		return c.Get(ctx, key, obj, opts...)
	})
	blind.Redis, blind.Clock = rdb, suiteClock
	_, err := blind.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(room)})
	g.Expect(err).NotTo(HaveOccurred())
	g.Consistently(func(g Gomega) []corev1.Pod { return podsOf(g, room) }, time.Second, poll).
		Should(ConsistOf(HaveField("UID", second.UID)))
}

func TestCheckBeat(t *testing.T) {
	room := testRoom().Players(2).Obj()
	ok := roomcontract.Beat{Seated: 2, Connected: 1, Phase: roomcontract.PhasePlaying}
	cases := []struct {
		name string
		edit func(*roomcontract.Beat)
		want string // "" valid
	}{
		{"valid", func(*roomcontract.Beat) {}, ""},
		{"more seated than seats", func(b *roomcontract.Beat) { b.Seated = 3 }, "3 seated, the room has 2 seats"},
		{"negative", func(b *roomcontract.Beat) { b.Connected = -1 }, "-1 connected"},
		{"more connected than seated", func(b *roomcontract.Beat) { b.Seated, b.Connected = 1, 2 }, "2 connected of 1 seated"},
		{"unknown phase", func(b *roomcontract.Beat) { b.Phase = "won" }, `unknown phase "won"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := ok
			c.edit(&b)
			err := checkBeat(b, room)
			if c.want == "" {
				NewWithT(t).Expect(err).NotTo(HaveOccurred())
				return
			}
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(c.want)))
		})
	}
}

// Whatever a game pod writes into its heartbeat, the operator's verdicts
// neither panic nor put a count the room cannot hold into the status.
func FuzzHeartbeatVerdicts(f *testing.F) {
	f.Add(2, 1, "playing", int64(0), int64(1000), int64(5000))
	f.Add(-1, 9, "finished", int64(-1), int64(1<<62), int64(-1<<62))
	f.Add(1<<40, 1<<40, "", int64(0), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, seated, connected int, phase string, beatMs, activityMs, nowMs int64) {
		room := testRoom().Players(2).Obj()
		pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
		room.Status = computeStatus(observed{room: room, pod: pod, now: t0})
		b := roomcontract.Beat{Seated: seated, Connected: connected, Phase: phase,
			Time: time.UnixMilli(beatMs), LastActivity: time.UnixMilli(activityMs)}
		if checkBeat(b, room) != nil {
			return // read as no heartbeat
		}
		now := time.UnixMilli(nowMs)
		due(room, podIs(pod), &b, now)
		silenceDeadline(room, pod, &b, time.Time{})
		idleDeadline(room, &b)
		st := computeStatus(observed{room: room, pod: pod, now: now, presence: presenceOf(b)})
		if st.Players.Seated < 0 || st.Players.Seated > 2 || st.Players.Connected > st.Players.Seated {
			t.Fatalf("status players %+v from beat %+v", st.Players, b)
		}
	})
}
