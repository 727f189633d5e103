package controllers

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

func TestStartDeadline(t *testing.T) {
	room := testRoom().StartTimeout(2 * time.Minute).Obj()
	room.CreationTimestamp = metav1.NewTime(t0)
	pending := podOf(room, corev1.PodPending, false, "")
	ready := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	foreignReady := ready.DeepCopy()
	foreignReady.OwnerReferences = nil
	beat := &roomcontract.Beat{Time: t0}
	with := func(mutate func(*gamesv1.GameRoom)) *gamesv1.GameRoom {
		r := room.DeepCopy()
		mutate(r)
		return r
	}
	cases := []struct {
		name string
		room *gamesv1.GameRoom
		pod  *corev1.Pod
		beat *roomcontract.Beat
		ok   bool
	}{
		{"no pod yet", room, nil, nil, true},
		{"pod pending", room, pending, nil, true},
		{"failed (namespace not prepared)", with(func(r *gamesv1.GameRoom) { r.Status.Phase = gamesv1.PhaseFailed }), nil, nil, true},
		{"someone else's ready pod", room, foreignReady, nil, true},
		{"pod ready now", room, ready, nil, false},
		{"pod sent a heartbeat", room, pending, beat, false},
		{"pod sent one before", with(func(r *gamesv1.GameRoom) { r.Status.LastHeartbeatTime = &metav1.Time{Time: t0} }), pending, nil, false},
		{"started before, starting again", with(func(r *gamesv1.GameRoom) {
			r.Status.Phase = gamesv1.PhaseStarting
			r.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionStarted, Status: metav1.ConditionTrue}}
		}), pending, nil, false},
		{"not started, said so", with(func(r *gamesv1.GameRoom) {
			r.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionStarted, Status: metav1.ConditionFalse}}
		}), pending, nil, true},
		{"was ready", with(func(r *gamesv1.GameRoom) { r.Status.Phase = gamesv1.PhaseReady }), pending, nil, false},
		{"playing", with(func(r *gamesv1.GameRoom) { r.Status.Phase = gamesv1.PhasePlaying }), pending, nil, false},
		{"finished", with(func(r *gamesv1.GameRoom) { r.Status.Phase = gamesv1.PhaseFinished }), nil, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			d, ok := startDeadline(tc.room, tc.pod, tc.beat)
			g.Expect(ok).To(Equal(tc.ok))
			if ok {
				g.Expect(d).To(Equal(t0.Add(2*time.Minute)), "from the room's creation")
			}
		})
	}
	t.Run("default", func(t *testing.T) {
		r := testRoom().Obj()
		r.CreationTimestamp = metav1.NewTime(t0)
		d, _ := startDeadline(r, nil, nil)
		NewWithT(t).Expect(d).To(Equal(t0.Add(gamesv1.DefaultStartTimeout)))
	})
}

// The room's last status says it never started, and with what its pod
// was stuck.
func TestComputeStatusStartTimeout(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodPending, false, "")
	waiting("CreateContainerConfigError", `secret "keys" not found`)(pod)
	st := computeStatus(observed{room: room, pod: pod, now: t0,
		startTimedOut: &startTimeout{created: t0.Add(-5 * time.Minute), timeout: 5 * time.Minute}})
	g.Expect(st.Phase).To(Equal(gamesv1.PhaseFailed))
	ready := cond(st, gamesv1.ConditionReady)
	g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
	g.Expect(ready.Reason).To(Equal(ReasonStartTimeout))
	g.Expect(ready.Message).To(ContainSubstring("within startTimeout 5m0s of the room's creation (2026-11-26T11:55:00Z)"))
	g.Expect(ready.Message).To(ContainSubstring(`Last seen: ConfigMissing: Pod table-game cannot start container game`))
	g.Expect(cond(st, gamesv1.ConditionPodHealthy).Reason).To(Equal(ReasonConfigMissing))
	g.Expect(cond(st, gamesv1.ConditionStarted)).To(And(HaveField("Status", metav1.ConditionFalse),
		HaveField("Reason", ReasonStartTimeout)))
}

// Started turns True with the first ready pod and stays True through a
// replacement; before, it says when the room will be collected.
func TestComputeStatusStarted(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().StartTimeout(90 * time.Second).Obj()
	room.CreationTimestamp = metav1.NewTime(t0)
	pending := podOf(room, corev1.PodPending, false, "")

	room.Status = computeStatus(observed{room: room, pod: pending, now: t0})
	c := cond(room.Status, gamesv1.ConditionStarted)
	g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
	g.Expect(c.Reason).To(Equal(ReasonPodPending))
	g.Expect(c.Message).To(ContainSubstring("deleted if it is not by 2026-11-26T12:01:30Z (spec.startTimeout 1m30s from its creation)"))

	room.Status = computeStatus(observed{room: room, pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"), now: t0.Add(time.Minute)})
	g.Expect(cond(room.Status, gamesv1.ConditionStarted)).To(And(HaveField("Status", metav1.ConditionTrue),
		HaveField("Reason", ReasonRoomStarted), HaveField("LastTransitionTime.Time", t0.Add(time.Minute))))

	// The pod is replaced; the room still started once.
	room.Status = computeStatus(observed{room: room, pod: nil, now: t0.Add(time.Hour)})
	g.Expect(room.Status.Phase).To(Equal(gamesv1.PhasePending))
	g.Expect(cond(room.Status, gamesv1.ConditionStarted)).To(And(HaveField("Status", metav1.ConditionTrue),
		HaveField("LastTransitionTime.Time", t0.Add(time.Minute))))
	_, ok := startDeadline(room, nil, nil)
	g.Expect(ok).To(BeFalse())
}

// The sweep wakes a room whose start deadline passed, so a stepped (or
// long) clock is acted on without the room's own timer.
func TestDueAtStartDeadline(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().StartTimeout(time.Minute).Obj()
	room.CreationTimestamp = metav1.NewTime(t0)
	room.Status.Conditions = []metav1.Condition{{Type: gamesv1.ConditionHeartbeatsKnown, Status: metav1.ConditionTrue}}
	g.Expect(due(room, podIs(nil), nil, t0.Add(59*time.Second))).To(BeFalse())
	g.Expect(due(room, podIs(nil), nil, t0.Add(time.Minute))).To(BeTrue())
}
