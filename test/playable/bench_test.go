package playable

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/roomcontract"
)

// burstRooms is how many rooms are applied at once (PLAYABLE_ROOMS
// changes it, for a quick pass).
var burstRooms = 100

func init() {
	if n, err := strconv.Atoi(os.Getenv("PLAYABLE_ROOMS")); err == nil && n > 0 {
		burstRooms = n
	}
}

// BenchmarkTimeToPlayable applies burstRooms GameRooms at once and times
// each from the apply until it is Ready (seen through a watch) and until a
// join through the router has answered 200 (make bench-playable;
// docs/BENCHMARKS.md), and, to show where the time goes, until its pod
// was created (pod-created) and was Ready (pod-ready). Floors from the
// same run:
//
//	floor-start-ms       one game pod process, exec to its first 200 from /readyz (median of 5)
//	floor-rtt-ms         one API server round trip, a GET of a GameRoom (median of 20)
//	floor-ms             the two together: what one room cannot beat
//	floor-burst-p50/p99  burstRooms game pod processes started at once, each until its /readyz: the machine's share
func BenchmarkTimeToPlayable(b *testing.B) {
	for range b.N {
		ns := plat.Namespace(b)
		start, rtt := floorStart(b, ns), floorRTT(b, ns)
		burstFloor := floorBurst(b)
		profiled := startProfiles(b, burstRooms)
		ready, playable, podMade, podUp := applyBurst(b, ns)
		profiled()
		b.ReportMetric(pct(podMade, 50), "pod-created-p50-ms")
		b.ReportMetric(pct(podMade, 99), "pod-created-p99-ms")
		b.ReportMetric(pct(podUp, 50), "pod-ready-p50-ms")
		b.ReportMetric(pct(podUp, 99), "pod-ready-p99-ms")
		b.ReportMetric(pct(ready, 50), "ready-p50-ms")
		b.ReportMetric(pct(ready, 99), "ready-p99-ms")
		b.ReportMetric(pct(playable, 50), "playable-p50-ms")
		b.ReportMetric(pct(playable, 99), "playable-p99-ms")
		b.ReportMetric(start, "floor-start-ms")
		b.ReportMetric(rtt, "floor-rtt-ms")
		b.ReportMetric(start+rtt, "floor-ms")
		b.ReportMetric(pct(burstFloor, 50), "floor-burst-p50-ms")
		b.ReportMetric(pct(burstFloor, 99), "floor-burst-p99-ms")
	}
}

// applyBurst creates the rooms at once and returns, per room, the
// milliseconds from the apply until Ready and until its join answered,
// and until its pod was created and was Ready (where the time goes).
func applyBurst(b *testing.B, ns string) (ready, playable, podMade, podUp []float64) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	names := make([]string, burstRooms)
	for i := range names {
		names[i] = roomName(i)
	}
	readyAt, podMadeAt, podUpAt := newStamps(names), newStamps(names), newStamps(names)
	wc := watcher(b)
	// Both watches are open before the first create, so no stage is missed.
	roomsWatched, podsWatched := make(chan struct{}), make(chan struct{})
	go follow(ctx, wc, ns, func() client.ObjectList { return &gamesv1.GameRoomList{} }, roomsWatched,
		map[*stamps]stage{readyAt: roomReady})
	go follow(ctx, wc, ns, func() client.ObjectList { return &corev1.PodList{} }, podsWatched,
		map[*stamps]stage{podMadeAt: podCreated, podUpAt: podReady})
	<-roomsWatched
	<-podsWatched

	ready, playable = make([]float64, burstRooms), make([]float64, burstRooms)
	errs := make([]error, burstRooms)
	var wg sync.WaitGroup
	began := time.Now()
	for i := range burstRooms {
		wg.Go(func() {
			room := &gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: names[i]},
				Spec: gamesv1.GameRoomSpec{MaxPlayers: 2}}
			if err := plat.Client.Create(ctx, room); err != nil {
				errs[i] = err
				return
			}
			t, err := readyAt.wait(ctx, room.Name)
			if err != nil {
				errs[i] = fmt.Errorf("room %s not Ready: %w", room.Name, err)
				return
			}
			ready[i] = ms(t.Sub(began))
			if errs[i] = join(ctx, ns, room.Name); errs[i] == nil {
				playable[i] = ms(time.Since(began))
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			phases := map[gamesv1.GameRoomPhase]int{}
			var list gamesv1.GameRoomList
			if lerr := plat.Client.List(context.Background(), &list, client.InNamespace(ns)); lerr == nil {
				for _, r := range list.Items {
					phases[r.Status.Phase]++
				}
			}
			b.Fatalf("room %d: %v (rooms by phase: %v)", i, err, phases)
		}
	}
	for _, n := range names {
		if t, ok := podMadeAt.get(n); ok {
			podMade = append(podMade, ms(t.Sub(began)))
		}
		if t, ok := podUpAt.get(n); ok {
			podUp = append(podUp, ms(t.Sub(began)))
		}
	}
	return ready, playable, podMade, podUp
}

// join posts a join through the router until it answers 200; the router
// may not have seen the room Ready yet (503).
func join(ctx context.Context, ns, name string) error {
	body := []byte(`{"name":"p1"}`)
	for {
		resp, err := http.Post(plat.URL()+"/v1/rooms/"+ns+"/"+name+"/join", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		var raw bytes.Buffer
		_, _ = raw.ReadFrom(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			return nil
		case resp.StatusCode != http.StatusServiceUnavailable:
			return fmt.Errorf("join %s: %d %s", name, resp.StatusCode, raw.String())
		case ctx.Err() != nil:
			return ctx.Err()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// floorStart is the median of five game pod processes started alone, each
// from exec to the first 200 from its /readyz.
func floorStart(b *testing.B, ns string) float64 {
	b.Helper()
	var runs []float64
	for i := range 5 {
		p := startPod(b, fmt.Sprintf("floor-%d", i))
		runs = append(runs, ms(p.ready))
		p.stop()
	}
	return pct(runs, 50)
}

// floorBurst starts burstRooms game pod processes at once and returns
// each one's time from its exec to its /readyz.
func floorBurst(b *testing.B) []float64 {
	b.Helper()
	out := make([]float64, burstRooms)
	pods := make([]*pod, burstRooms)
	var wg sync.WaitGroup
	for i := range burstRooms {
		wg.Go(func() { pods[i] = startPod(b, fmt.Sprintf("burst-%d", i)) })
	}
	wg.Wait()
	for i, p := range pods {
		out[i] = ms(p.ready)
		p.stop()
	}
	return out
}

// floorRTT is the median of twenty GETs of one GameRoom from the API server.
func floorRTT(b *testing.B, ns string) float64 {
	b.Helper()
	ctx := context.Background()
	room := &gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "floor-rtt"},
		Spec: gamesv1.GameRoomSpec{MaxPlayers: 2}}
	if err := plat.Client.Create(ctx, room); err != nil {
		b.Fatal(err)
	}
	var runs []float64
	for range 20 {
		t0 := time.Now()
		if err := plat.Client.Get(ctx, client.ObjectKeyFromObject(room), &gamesv1.GameRoom{}); err != nil {
			b.Fatal(err)
		}
		runs = append(runs, ms(time.Since(t0)))
	}
	return pct(runs, 50)
}

type pod struct {
	cmd   *exec.Cmd
	ready time.Duration
}

func (p *pod) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// startPod runs the game pod's program as the pod runner does, with the
// environment of a pod, and waits for its /readyz.
func startPod(b *testing.B, room string) *pod {
	addr, err := freeport.Addr()
	if err != nil {
		b.Fatal(err)
	}
	env := map[string]string{
		roomcontract.EnvRoomNamespace: "floor", roomcontract.EnvRoomName: room,
		roomcontract.EnvPodName: room + "-game", roomcontract.EnvGame: "cassino",
		roomcontract.EnvMaxPlayers: "2", roomcontract.EnvSessionTTL: "1h",
		roomcontract.EnvListenAddr: addr, roomcontract.EnvRedisAddrs: plat.Redis.Addr,
		roomcontract.EnvSessionKeysDir: plat.KeysDir(), roomcontract.EnvHeartbeatPeriod: "1s",
	}
	cmd := exec.Command(plat.GameserverBinary)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	began := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Timeout: time.Second}
	for {
		resp, err := hc.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &pod{cmd: cmd, ready: time.Since(began)}
			}
		}
		if time.Since(began) > 30*time.Second {
			_ = cmd.Process.Kill()
			b.Fatalf("game pod process never ready: %v\n%s", err, stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// watcher is a client that can watch GameRooms.
func watcher(b *testing.B) client.WithWatch {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = gamesv1.AddToScheme(scheme)
	c, err := client.NewWithWatch(plat.Config, client.Options{Scheme: scheme})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func roomName(i int) string { return fmt.Sprintf("room-%03d", i) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pct is the p-th percentile of xs (nearest rank).
func pct(xs []float64, p int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}
