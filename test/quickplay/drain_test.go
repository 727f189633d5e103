package quickplay

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// A pool scaled to zero while forty players press Play now: whichever
// wins each race, every player is seated, no room with a player is ever
// deleted (its claim survives the pool's drain and grace), and every room
// nobody was handed is deleted.
func TestScaleDownDuringABurstNeverDeletesARoomHandedOut(t *testing.T) {
	const target, players, warm = 41, 40, 30
	ns := plat.Namespace(t)
	plat.WarmPool(t, ns, "drain", warm, twoSeats(target))

	bodies := make([]map[string]any, players)
	for i := range bodies {
		bodies[i] = playBody(target, fmt.Sprintf("d%d", i), fmt.Sprintf("drain-%04d-%d", i, time.Now().UnixNano()))
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(5 * time.Millisecond)
		for {
			var p gamesv1.GameRoomPool
			if err := plat.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "drain"}, &p); err != nil {
				t.Error(err)
				return
			}
			p.Spec.Replicas = 0
			if err := plat.Client.Update(context.Background(), &p); err == nil {
				return
			}
		}
	})
	seats := playAll(t, bodies)
	wg.Wait()
	handed := map[string]int{}
	for _, s := range seats {
		if s.Namespace == ns {
			handed[s.Name]++
		}
	}
	t.Logf("%d players seated in %d rooms of the pool, the rest in template rooms", len(seats), len(handed))

	// Past the drain's grace (30 s), every room not handed out is gone and
	// every room handed out is still there, claimed, with its players.
	deadline := time.Now().Add(90 * time.Second)
	for {
		rooms := roomsIn(t, ns)
		for name, n := range handed {
			gr, ok := rooms[name]
			if !ok || gr.DeletionTimestamp != nil {
				t.Fatalf("room %s was deleted with %d players handed seats in it", name, n)
			}
			if n > 2 {
				t.Fatalf("room %s handed %d seats", name, n)
			}
		}
		left := 0
		for name, gr := range rooms {
			if _, ok := handed[name]; !ok && gr.Labels[pool.LabelPool] == "drain" {
				left++
			}
		}
		claimedAll := true
		for name := range handed {
			gr := rooms[name]
			claimedAll = claimedAll && pool.IsClaimed(&gr) && !pool.IsDraining(&gr)
		}
		if left == 0 && claimedAll {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rooms nobody was handed are left, every handed room claimed: %v", left, claimedAll)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
