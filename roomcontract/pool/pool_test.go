package pool_test

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

func warm() *gamesv1.GameRoom {
	return &gamesv1.GameRoom{
		ObjectMeta: metav1.ObjectMeta{Name: "quick-abcde", Labels: map[string]string{pool.LabelPool: "quick"}},
		Status:     gamesv1.GameRoomStatus{Phase: gamesv1.PhaseReady},
	}
}

func TestClaimable(t *testing.T) {
	now := metav1.Now()
	cases := []struct {
		name   string
		change func(*gamesv1.GameRoom)
		want   bool
	}{
		{"warm pool room", func(*gamesv1.GameRoom) {}, true},
		{"no pool label", func(r *gamesv1.GameRoom) { delete(r.Labels, pool.LabelPool) }, false},
		{"claimed", func(r *gamesv1.GameRoom) { r.Labels[pool.LabelClaimed] = "true" }, false},
		{"claimed label of any value", func(r *gamesv1.GameRoom) { r.Labels[pool.LabelClaimed] = "" }, false},
		{"starting", func(r *gamesv1.GameRoom) { r.Status.Phase = gamesv1.PhaseStarting }, false},
		{"no phase yet", func(r *gamesv1.GameRoom) { r.Status.Phase = "" }, false},
		{"someone seated", func(r *gamesv1.GameRoom) { r.Status.Players.Seated = 1 }, false},
		{"being deleted", func(r *gamesv1.GameRoom) { r.DeletionTimestamp = &now }, false},
		{"draining", func(r *gamesv1.GameRoom) { pool.Drain(r, now.Time) }, false},
		{"its bot seated", withBot, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := warm()
			tc.change(r)
			if got := pool.Claimable(r); got != tc.want {
				t.Errorf("Claimable = %v, want %v", got, tc.want)
			}
		})
	}
}

func withBot(r *gamesv1.GameRoom) {
	r.Spec.Bots = &gamesv1.Bots{Count: 1}
	r.Status.Players.Seated = 1
}

// Waiting (a pool's ready count) counts people only; a room someone sat
// at without a claim is taken.
func TestWaitingAndTakenCountPeopleNotBots(t *testing.T) {
	for _, tc := range []struct {
		name           string
		change         func(*gamesv1.GameRoom)
		waiting, taken bool
	}{
		{"empty warm room", func(*gamesv1.GameRoom) {}, true, false},
		{"its bot seated", withBot, true, false},
		{"a person seated", func(r *gamesv1.GameRoom) { r.Status.Players.Seated = 1 }, false, true},
		{"a person beside its bot", func(r *gamesv1.GameRoom) { withBot(r); r.Status.Players.Seated = 2 }, false, true},
		{"claimed, a person seated", func(r *gamesv1.GameRoom) { r.Labels[pool.LabelClaimed] = "true"; r.Status.Players.Seated = 1 }, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := warm()
			tc.change(r)
			if got := pool.Waiting(r); got != tc.waiting {
				t.Errorf("Waiting = %v, want %v", got, tc.waiting)
			}
			if got := pool.TakenWithoutClaim(r); got != tc.taken {
				t.Errorf("TakenWithoutClaim = %v, want %v", got, tc.taken)
			}
		})
	}
}

func TestClaimMarksTheRoomAndReleasesItFromThePool(t *testing.T) {
	r := warm()
	r.OwnerReferences = []metav1.OwnerReference{
		{APIVersion: "games.croupier.dev/v1alpha1", Kind: "GameRoomPool", Name: "quick", UID: "u1"},
		{APIVersion: "example.com/v1", Kind: "Tournament", Name: "cup", UID: "u2"},
	}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	pool.Claim(r, "matchmaker/player-7", at)
	if !pool.IsClaimed(r) || r.Labels[pool.LabelClaimed] != "true" {
		t.Errorf("labels = %v, want %s=true", r.Labels, pool.LabelClaimed)
	}
	if r.Labels[pool.LabelPool] != "quick" {
		t.Errorf("the pool label must stay, so the pool counts its claimed rooms: %v", r.Labels)
	}
	if got := r.Annotations[pool.AnnotationClaimedBy]; got != "matchmaker/player-7" {
		t.Errorf("claimed-by = %q", got)
	}
	if got, ok := pool.ClaimedAt(r); !ok || !got.Equal(at) {
		t.Errorf("claimed-at = %v %v (%q), want %v", got, ok, r.Annotations[pool.AnnotationClaimedAt], at)
	}
	if pool.IsWarm(r) {
		t.Error("a claimed room is still warm")
	}
	if len(r.OwnerReferences) != 1 || r.OwnerReferences[0].Kind != "Tournament" {
		t.Errorf("owner references = %v, want only the Tournament's", r.OwnerReferences)
	}
	if pool.Claimable(r) {
		t.Error("a claimed room is still claimable")
	}
}

func TestClaimOfABareRoom(t *testing.T) {
	r := &gamesv1.GameRoom{}
	pool.Claim(r, "x", time.Now())
	if !pool.IsClaimed(r) || r.OwnerReferences != nil {
		t.Errorf("got labels %v, refs %v", r.Labels, r.OwnerReferences)
	}
}

func TestClaimedAtMissingOrMalformed(t *testing.T) {
	r := warm()
	if _, ok := pool.ClaimedAt(r); ok {
		t.Error("no annotation: ok")
	}
	r.Annotations = map[string]string{pool.AnnotationClaimedAt: "yesterday"}
	if _, ok := pool.ClaimedAt(r); ok {
		t.Error("malformed annotation: ok")
	}
}

func TestDrainMarksTheRoomAndAClaimAfterItWins(t *testing.T) {
	r := warm()
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	pool.Drain(r, at)
	if !pool.IsDraining(r) || pool.Claimable(r) {
		t.Fatalf("drained room: draining %v, claimable %v", pool.IsDraining(r), pool.Claimable(r))
	}
	if got, ok := pool.DrainingSince(r); !ok || !got.Equal(at) {
		t.Errorf("draining-since = %v %v", got, ok)
	}
	if !pool.IsWarm(r) {
		t.Error("a draining room is no longer the pool's unclaimed room")
	}
	// A room handed out before the drain is claimed after it: the claim wins.
	pool.Claim(r, "matchmaker/a", at.Add(time.Second))
	if pool.IsDraining(r) || !pool.IsClaimed(r) {
		t.Errorf("labels after the claim: %v", r.Labels)
	}
	if _, ok := pool.DrainingSince(r); ok {
		t.Errorf("draining-since left on a claimed room: %v", r.Annotations)
	}
}

func TestDrainOfABareRoomAndMalformedSince(t *testing.T) {
	r := &gamesv1.GameRoom{}
	pool.Drain(r, time.Now())
	if !pool.IsDraining(r) {
		t.Errorf("labels %v", r.Labels)
	}
	r.Annotations[pool.AnnotationDrainingSince] = "soon"
	if _, ok := pool.DrainingSince(r); ok {
		t.Error("malformed annotation: ok")
	}
}
