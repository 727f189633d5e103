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

var (
	intactTrue = metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionTrue,
		Reason: ReasonMatchStored, Message: msgMatchStored, LastTransitionTime: metav1.NewTime(t0), ObservedGeneration: 3}
	intactLost = metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionFalse,
		Reason: ReasonDataLost, Message: msgDataLost, LastTransitionTime: metav1.NewTime(t0), ObservedGeneration: 3}
)

func TestComputeStatusDataIntact(t *testing.T) {
	room := testRoom().Obj()
	ready := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	pending := podOf(room, corev1.PodPending, false, "")
	cases := []struct {
		name        string
		room        *gamesv1.GameRoom
		pod         *corev1.Pod
		presence    *Presence
		intact      metav1.ConditionStatus // "" = no DataIntact condition
		intactSince time.Time
		phase       gamesv1.GameRoomPhase
		ready       metav1.ConditionStatus
		readyReason string
	}{
		{name: "waiting room: no condition yet", room: room, pod: ready,
			presence: &Presence{Seated: 1}, phase: gamesv1.PhaseReady, ready: "True", readyReason: ReasonRoomReady},
		{name: "match starts: intact", room: room, pod: ready, presence: &Presence{Seated: 2, Playing: true},
			intact: "True", intactSince: t0.Add(time.Hour), phase: gamesv1.PhasePlaying, ready: "True", readyReason: ReasonPlaying},
		{name: "finished match seen first: intact", room: room, pod: ready, presence: &Presence{Seated: 2, Finished: true},
			intact: "True", intactSince: t0.Add(time.Hour), phase: gamesv1.PhaseFinished, ready: "False", readyReason: ReasonFinished},
		{name: "intact stays without a heartbeat, and the match goes on", room: testRoom().Phase(gamesv1.PhasePlaying).Condition(intactTrue).Obj(), pod: ready,
			intact: "True", intactSince: t0, phase: gamesv1.PhasePlaying, ready: "True", readyReason: ReasonPlaying},
		{name: "a pod that reports no match after the start: lost", room: testRoom().Phase(gamesv1.PhasePlaying).Condition(intactTrue).Obj(), pod: ready,
			presence: &Presence{},
			intact:   "False", intactSince: t0.Add(time.Hour), phase: gamesv1.PhaseFailed, ready: "False", readyReason: ReasonDataLost},
		{name: "pod reports the loss", room: testRoom().Phase(gamesv1.PhasePlaying).Condition(intactTrue).Obj(), pod: ready,
			presence: &Presence{Seated: 2, Playing: true, DataLost: true},
			intact:   "False", intactSince: t0.Add(time.Hour), phase: gamesv1.PhaseFailed, ready: "False", readyReason: ReasonDataLost},
		{name: "loss reported before the start was recorded", room: room, pod: ready,
			presence: &Presence{DataLost: true},
			intact:   "False", intactSince: t0.Add(time.Hour), phase: gamesv1.PhaseFailed, ready: "False", readyReason: ReasonDataLost},
		{name: "loss stays when a later beat does not say it", room: testRoom().Phase(gamesv1.PhaseFailed).Condition(intactLost).Obj(),
			pod: ready, presence: &Presence{Seated: 2, Playing: true},
			intact: "False", intactSince: t0, phase: gamesv1.PhaseFailed, ready: "False", readyReason: ReasonDataLost},
		{name: "loss stays while the pod is replaced", room: testRoom().Phase(gamesv1.PhaseFailed).Condition(intactLost).Obj(),
			pod: pending, intact: "False", intactSince: t0, phase: gamesv1.PhaseFailed, ready: "False", readyReason: ReasonDataLost},
		{name: "a finished match that lost its data stays finished", room: testRoom().Phase(gamesv1.PhaseFinished).Condition(intactTrue).Obj(),
			pod: ready, presence: &Presence{Seated: 2, Finished: true, DataLost: true},
			intact: "False", intactSince: t0.Add(time.Hour), phase: gamesv1.PhaseFinished, ready: "False", readyReason: ReasonDataLost},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			st := computeStatus(observed{room: tc.room, pod: tc.pod, presence: tc.presence, now: t0.Add(time.Hour)})
			g.Expect(st.Phase).To(Equal(tc.phase))
			c := cond(st, gamesv1.ConditionDataIntact)
			g.Expect(c.Status).To(Equal(tc.intact))
			if tc.intact != "" {
				g.Expect(c.LastTransitionTime.Time).To(Equal(tc.intactSince))
				g.Expect(c.ObservedGeneration).To(BeEquivalentTo(3))
			}
			if tc.intact == metav1.ConditionFalse {
				g.Expect(c.Reason).To(Equal(ReasonDataLost))
				g.Expect(c.Message).To(ContainSubstring("Delete the room"))
			}
			r := cond(st, gamesv1.ConditionReady)
			g.Expect(r.Status).To(Equal(tc.ready))
			g.Expect(r.Reason).To(Equal(tc.readyReason))
		})
	}
}

func TestDataLossWarnsOnce(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Phase(gamesv1.PhasePlaying).Condition(intactTrue).Obj()
	s := &scope{room: room, before: *room.Status.DeepCopy()}
	room.Status = computeStatus(observed{room: room, pod: podOf(room, corev1.PodRunning, true, "10.0.0.1"),
		presence: &Presence{Playing: true, DataLost: true}, now: t0})
	s.problemEvents()
	s.phaseEvents()
	g.Expect(s.events).To(HaveLen(1))
	g.Expect(s.events[0]).To(Equal(event{corev1.EventTypeWarning, ReasonDataLost, "Verify", msgDataLost}))

	again := &scope{room: room, before: *room.Status.DeepCopy()}
	again.problemEvents()
	again.phaseEvents()
	g.Expect(again.events).To(BeEmpty())
}

func TestReplacementPodIsToldTheMatchStarted(t *testing.T) {
	for _, tc := range []struct {
		name string
		room *gamesv1.GameRoom
		want bool
	}{
		{"new room", testRoom().Obj(), false},
		{"match stored", testRoom().Condition(intactTrue).Obj(), true},
		{"data lost", testRoom().Condition(intactLost).Obj(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			env := map[string]string{}
			for _, e := range podEnv(tc.room, PodSettings{Image: "img"}) {
				env[e.Name] = e.Value
			}
			if tc.want {
				g.Expect(env).To(HaveKeyWithValue(roomcontract.EnvMatchStarted, "true"))
			} else {
				g.Expect(env).NotTo(HaveKey(roomcontract.EnvMatchStarted))
			}
		})
	}
}

func TestRoomWithDataLostIsNotCollectedAsIdle(t *testing.T) {
	g := NewWithT(t)
	idle := &roomcontract.Beat{Time: t0, LastActivity: t0.Add(-time.Hour)}
	started := metav1.Condition{Type: gamesv1.ConditionStarted, Status: metav1.ConditionTrue, Reason: ReasonRoomStarted,
		LastTransitionTime: metav1.NewTime(t0.Add(-2 * time.Hour))}
	intact := testRoom().Phase(gamesv1.PhasePlaying).Condition(started).Condition(intactTrue).Obj()
	_, ok := idleDeadline(intact, idle)
	g.Expect(ok).To(BeTrue(), "the idle rule applies to a room whose data is intact")

	lost := testRoom().Phase(gamesv1.PhaseFailed).Condition(started).Condition(intactLost).Obj()
	_, ok = idleDeadline(lost, idle)
	g.Expect(ok).To(BeFalse(), "a room whose data is lost keeps its condition until deleted")
}

func TestSweepWakesARoomThatLostItsData(t *testing.T) {
	g := NewWithT(t)
	room := testRoom().Phase(gamesv1.PhasePlaying).Condition(intactTrue).Obj()
	room.Status.LastHeartbeatTime = &metav1.Time{Time: t0}
	beat := roomcontract.Beat{Time: t0, Phase: roomcontract.PhasePlaying}
	g.Expect(statusBehind(room, beat)).To(BeFalse())
	beat.DataLost = true
	g.Expect(statusBehind(room, beat)).To(BeTrue())
	room.Status.Conditions = []metav1.Condition{intactLost}
	g.Expect(statusBehind(room, beat)).To(BeFalse(), "recorded already")
}
