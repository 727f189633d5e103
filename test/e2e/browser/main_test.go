package browser

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/router"
	"github.com/croupier-dev/croupier/router/web"
)

// The whole local platform (control plane, redis-server, operator, pod
// runner, and a router serving the web client) starts once, the first
// time a test needs it; the pure tests run without it.
var (
	platformOnce sync.Once
	plat         *platformtest.Platform
	platformErr  error
)

func platform(t *testing.T) *platformtest.Platform {
	t.Helper()
	platformOnce.Do(func() {
		plat, platformErr = platformtest.Start(platformtest.Options{
			Router: func(o *router.Options) { o.Static = web.Handler() },
		})
	})
	if platformErr != nil {
		t.Fatalf("start the local platform: %v", platformErr)
	}
	return plat
}

func TestMain(m *testing.M) {
	code := m.Run()
	if plat != nil {
		plat.Stop()
	}
	os.Exit(code)
}

// roomPage is the address a person opens for a room.
func roomPage(p *platformtest.Platform, ns, name string) string {
	return p.URL() + "/r/" + ns + "/" + name
}

// deletePod deletes the room's game pod, as a node failure or an
// eviction would; the operator starts a new one that resumes from Redis.
func deletePod(t *testing.T, p *platformtest.Platform, ns, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var gr gamesv1.GameRoom
	if err := p.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &gr); err != nil {
		t.Fatalf("read room %s/%s: %v", ns, name, err)
	}
	if gr.Status.PodName == "" {
		t.Fatalf("room %s/%s has no pod to delete", ns, name)
	}
	pod := &corev1.Pod{}
	pod.Namespace, pod.Name = ns, gr.Status.PodName
	if err := p.Client.Delete(ctx, pod); err != nil {
		t.Fatalf("delete pod %s/%s: %v", ns, pod.Name, err)
	}
	return string(gr.Status.PodName)
}

// checkNoLeaks runs the leak check over every frame each page received,
// and checks there were plays of other seats to check against.
func checkNoLeaks(t *testing.T, players map[int]*player) {
	t.Helper()
	for seat, p := range players {
		frames := p.rec.received()
		if leaks := findLeaks(seat, frames); len(leaks) > 0 {
			t.Errorf("%s (seat %d) received cards it must not see:\n%v", p.name, seat, leaks)
		}
		others := 0
		for s, n := range playedCards(frames) {
			if s != seat {
				others += n
			}
		}
		if others == 0 {
			t.Errorf("%s (seat %d): no plays of other seats in %d frames; the leak check checked nothing", p.name, seat, len(frames))
		}
	}
}

// seatOf reads the seat the page holds.
func seatOf(p *player) int {
	p.t.Helper()
	return eval[int](p, "read the seat", `Number(document.getElementById('room').dataset.seat)`, step)
}
