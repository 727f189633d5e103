package controllers

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
)

// The CPU a steady room costs the operator per reconcile: its status
// recomputed and found unchanged (so nothing is written). The floor is
// the deep copy the cache makes of the room on every read.
func BenchmarkSteadyRoomStatus(b *testing.B) {
	room := testRoom().Obj()
	pod := podOf(room, corev1.PodRunning, true, "10.0.0.1")
	room.Status = computeStatus(observed{room: room, pod: pod, now: t0})
	b.Run("status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st := computeStatus(observed{room: room, pod: pod, now: t0})
			if !equality.Semantic.DeepEqual(room.Status, st) {
				b.Fatal("a steady room's status changed")
			}
		}
	})
	b.Run("floor-room-deepcopy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = room.DeepCopy()
		}
	})
}

// Building the pod happens once per pod; the floor is a deep copy of it.
func BenchmarkBuildPod(b *testing.B) {
	room := testRoom().Obj()
	pod := buildPod(room, testSettings)
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = buildPod(room, testSettings)
		}
	})
	b.Run("floor-pod-deepcopy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = pod.DeepCopy()
		}
	})
}
