package controllers

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// The sweep wakes a steady room for nothing, and a room whose heartbeat
// shows something new at once.
func TestDue(t *testing.T) {
	room, pod, steady := playingRoom()
	left := *steady
	left.Connected = 1
	over := *steady
	over.Phase = roomcontract.PhaseFinished
	late := *steady
	late.Time = t0.Add(refreshAfter(room))
	cases := []struct {
		name string
		beat *roomcontract.Beat
		now  time.Time
		want bool
	}{
		{"steady", steady, t0.Add(21 * time.Second), false},
		{"a player left", &left, t0.Add(21 * time.Second), true},
		{"the match ended", &over, t0.Add(21 * time.Second), true},
		{"times past the refresh bound", &late, late.Time, true},
		{"silent past the timeout", steady, t0.Add(51 * time.Second), true},
		{"no beat, within the timeout", nil, t0.Add(29 * time.Second), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			NewWithT(t).Expect(due(room, podIs(pod), c.beat, c.now)).To(Equal(c.want))
		})
	}
	unknown := room.DeepCopy()
	unknown.Status.Conditions[len(unknown.Status.Conditions)-1].Status = metav1.ConditionFalse
	NewWithT(t).Expect(due(unknown, podIs(pod), steady, t0.Add(21*time.Second))).To(BeTrue(), "heartbeats known again: record it")
}

// The sweep looks a room's pod up only when its heartbeat leaves the
// answer open: a steady room's fresh beat settles it, a beat as old as
// the timeout does not, and neither does a room with no beat.
func TestDueAsksForThePodOnlyWhenItMatters(t *testing.T) {
	room, pod, beat := playingRoom()
	for _, c := range []struct {
		name      string
		beat      *roomcontract.Beat
		now       time.Time
		due, asks bool
	}{
		{"fresh beat", beat, t0.Add(49 * time.Second), false, false},
		{"beat as old as the timeout", beat, t0.Add(50 * time.Second), true, true},
		{"no beat", nil, t0.Add(21 * time.Second), false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked := 0
			got := due(room, func() *corev1.Pod { asked++; return pod }, c.beat, c.now)
			NewWithT(t).Expect(got).To(Equal(c.due))
			NewWithT(t).Expect(asked > 0).To(Equal(c.asks))
		})
	}
}

// playingRoom is a room whose match is on with both players there since
// t0 (heartbeatTimeout 30s), its ready pod, and its beat 20 s later.
func playingRoom() (*gamesv1.GameRoom, *corev1.Pod, *roomcontract.Beat) {
	room := testRoom().HeartbeatTimeout(30 * time.Second).Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	pod.CreationTimestamp = metav1.NewTime(t0)
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0,
		heartbeats: knownCondition(&roomcontract.Beat{}),
		presence:   presenceOf(roomcontract.Beat{Time: t0, Seated: 2, Connected: 2, Phase: roomcontract.PhasePlaying, LastActivity: t0})})
	return room, pod, &roomcontract.Beat{Time: t0.Add(20 * time.Second), Seated: 2, Connected: 2,
		Phase: roomcontract.PhasePlaying, LastActivity: t0.Add(19 * time.Second)}
}

func podIs(pod *corev1.Pod) func() *corev1.Pod { return func() *corev1.Pod { return pod } }

// A finished room is woken for its players only: those who stay to look
// at the result, and those who leave (or whose pod no longer beats).
func TestDueForAFinishedRoom(t *testing.T) {
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	end := roomcontract.Beat{Time: t0, Seated: 2, Connected: 2, Phase: roomcontract.PhaseFinished, LastActivity: t0}
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0, presence: presenceOf(end)})
	NewWithT(t).Expect(room.Status.Phase).To(Equal(gamesv1.PhaseFinished))
	later := end
	later.Time = t0.Add(time.Hour)
	left := later
	left.Connected = 0
	nobody := room.DeepCopy()
	nobody.Status.Players.Connected = 0
	// A pod restarted in place over a Redis that lost the match (it would
	// deal a new one) is news; one that found the loss refuses, and is not.
	lost := later
	lost.DataLost = true
	lostNoted := room.DeepCopy()
	meta.SetStatusCondition(&lostNoted.Status.Conditions,
		metav1.Condition{Type: gamesv1.ConditionDataIntact, Status: metav1.ConditionFalse, Reason: ReasonDataLost})
	forgot := later
	forgot.Phase = roomcontract.PhaseWaiting
	for _, c := range []struct {
		name string
		room *gamesv1.GameRoom
		beat *roomcontract.Beat
		want bool
	}{
		{"the players still there, an hour on", room, &later, false},
		{"both players left", room, &left, true},
		{"the pod no longer beats", room, nil, true},
		{"nobody there, no beat", nobody, nil, false},
		{"the pod found the match lost: it refuses, as the status was when the match ended", room, &lost, false},
		{"the same, the status recording the loss", lostNoted, &lost, false},
		{"the pod restarted over a lost match, waiting for players", room, &forgot, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			NewWithT(t).Expect(due(c.room, podIs(pod), c.beat, t0.Add(time.Hour))).To(Equal(c.want))
		})
	}
}

// What a finished room's heartbeat changes in its status: its players,
// nothing else (times, phase and conditions stay as the match ended).
func TestFinishedRoomStatusFollowsItsPlayersOnly(t *testing.T) {
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	end := roomcontract.Beat{Time: t0, Seated: 2, Connected: 2, Phase: roomcontract.PhaseFinished, LastActivity: t0}
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0, presence: presenceOf(end)})
	left := end
	left.Time, left.LastActivity, left.Connected = t0.Add(2*time.Hour), t0.Add(2*time.Hour), 0

	for _, beat := range []*roomcontract.Beat{&left, nil} {
		st := computeStatus(observed{room: room, pod: pod, now: t0.Add(2 * time.Hour), presence: finishedPresence(room.Status, beat)})
		want := *room.Status.DeepCopy()
		want.Players.Connected = 0
		NewWithT(t).Expect(st).To(Equal(want), "beat %v", beat)
	}
	same := end
	same.Time = t0.Add(2 * time.Hour)
	st := computeStatus(observed{room: room, pod: pod, now: t0.Add(2 * time.Hour), presence: finishedPresence(room.Status, &same)})
	NewWithT(t).Expect(st).To(Equal(room.Status), "nothing changed: nothing to write")
}
