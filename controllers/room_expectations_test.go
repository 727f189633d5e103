package controllers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

func roomAt(uid, rv string) *gamesv1.GameRoom {
	r := gameroomtest.MakeGameRoom("table", "games").Obj()
	r.UID, r.ResourceVersion = types.UID(uid), rv
	return r
}

func TestOutdatedRoomsAreTheOnesOwnWritesReplaced(t *testing.T) {
	var e writeExpectations
	if e.outdated(roomAt("u1", "1")) {
		t.Fatal("a room never written is outdated")
	}
	e.wrote(roomAt("u1", "1"), "1", "2") // finalizer
	e.wrote(roomAt("u1", "2"), "2", "3") // status
	for _, rv := range []string{"1", "2"} {
		if !e.outdated(roomAt("u1", rv)) {
			t.Errorf("version %s, replaced by the operator's own write, is not outdated", rv)
		}
	}
	if e.outdated(roomAt("u2", "1")) {
		t.Error("a new room of the same name (another UID) is outdated")
	}
	if e.outdated(roomAt("u1", "3")) {
		t.Error("the version the operator wrote is outdated")
	}
	// The cache caught up: what was remembered is forgotten.
	if e.outdated(roomAt("u1", "1")) || len(e.rooms) != 0 {
		t.Errorf("caught-up room still remembered: %d entries", len(e.rooms))
	}
	// Someone else's write (a version the operator did not write) also
	// ends it: the room is reconciled on what the cache shows.
	e.wrote(roomAt("u1", "5"), "5", "6")
	if e.outdated(roomAt("u1", "7")) {
		t.Error("a version written by someone else is outdated")
	}
	e.wrote(roomAt("u1", "8"), "8", "8")
	if len(e.rooms) != 0 {
		t.Error("a write that changed nothing is remembered")
	}
}

func TestPendingPodIsTrustedForATime(t *testing.T) {
	var e writeExpectations
	now := time.Now()
	room, pod := roomAt("u1", "1"), &corev1.Pod{}
	if e.pendingPod(room, now) != nil {
		t.Fatal("a pod never created is pending")
	}
	e.createdPod(room, pod, now)
	if e.pendingPod(room, now.Add(podExpectationTTL-time.Second)) != pod {
		t.Error("the pod created moments ago is not pending")
	}
	if e.pendingPod(roomAt("u2", "1"), now) != nil {
		t.Error("a pod created for an earlier room of the same name is pending for the new one")
	}
	if e.pendingPod(room, now.Add(podExpectationTTL)) != nil || len(e.rooms) != 0 {
		t.Error("a pod the cache never showed is trusted forever")
	}
	e.createdPod(room, pod, now)
	e.sawPod(room)
	if e.pendingPod(room, now) != nil || len(e.rooms) != 0 {
		t.Error("a pod the cache showed is still pending")
	}
	e.createdPod(room, pod, now)
	e.forget(types.NamespacedName{Namespace: room.Namespace, Name: room.Name})
	if len(e.rooms) != 0 {
		t.Error("a deleted room is remembered")
	}
}
