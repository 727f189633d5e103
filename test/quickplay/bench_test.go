package quickplay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// BenchmarkQuickPlay times 100 players pressing Play now at once for
// 2-seat tables (make bench-quickplay; docs/BENCHMARKS.md), each figure
// beside a floor measured in the same run:
//
//   - warm: a warm pool of 60; latency p50/p99 of POST /v1/play through
//     the router, claims per second over the burst, and how long after
//     the burst the last claimed label is written. Floors: one Redis
//     round trip (alone, and 100 at once), one join through the router
//     to a ready room, and one bare GameRoom Update (latency, and Updates
//     per second at the same concurrency). QUICKPLAY_CPUPROFILE=<file>
//     writes this process's CPU profile (matchmakers, router, operator)
//     over the burst; QUICKPLAY_PERF=<dir>, the whole machine's
//     (perf_test.go).
//   - cold: no pool; every room is made from the template and waits for
//     its pod. Floor: one room created and waited for, alone.
func BenchmarkQuickPlay(b *testing.B) {
	b.Run("warm-pool-60", func(b *testing.B) {
		for range b.N {
			benchWarm(b)
		}
	})
	b.Run("no-pool", func(b *testing.B) {
		for range b.N {
			benchCold(b)
		}
	})
}

const benchPlayers = 100

func benchWarm(b *testing.B) {
	ns := plat.Namespace(b)
	const target = 81
	plat.WarmPool(b, ns, "bench", 60, twoSeats(target))
	perf := startPerf(b)
	defer perf.stop()
	joinFloor := floorJoins(b, ns)
	one := oneByOne(b, target)
	// The claims' labels may follow the answers: count from once the ten
	// claims of the one-by-one players all show.
	before := waitClaimed(b, ns, 10)
	rtt, rtt100 := floorRedis(b)
	inside := scrapeMeans(b)
	stop := profile(b)
	t := perf.mark()
	lat, wall := burst(b, target, "warm")
	perf.window("warm", t)
	stop()
	inside = scrapeMeans(b).minus(inside)
	burstEnd := time.Now()
	// The claims are taken in Redis; their labels follow.
	waitClaimed(b, ns, before+benchPlayers/2)
	labelLag := time.Since(burstEnd)
	time.Sleep(time.Second) // a claim too many would show by now
	all := claimedIn(b, ns)
	claims := len(all) - before
	// The floor of the whole burst: as many joins at once, through the
	// router, two to each of as many warm rooms (the pool's refill).
	jb := floorJoinBurst(b, ns, "bench", perf)
	// The floor's burst: as many bare Updates, at once, as the burst's claims.
	updLat, updRate := floorUpdates(b, all[:min(len(all), benchPlayers/2)])
	b.ReportMetric(pct(one, 50), "alone-p50-ms")
	b.ReportMetric(pct(one, 99), "alone-p99-ms")
	b.ReportMetric(pct(lat, 50), "play-p50-ms")
	b.ReportMetric(pct(lat, 99), "play-p99-ms")
	b.ReportMetric(pct(joinFloor, 50), "floor-join-p50-ms")
	b.ReportMetric(pct(jb, 50), "floor-join-100-p50-ms")
	b.ReportMetric(pct(jb, 99), "floor-join-100-p99-ms")
	b.ReportMetric(pct(rtt, 50), "floor-redis-p50-ms")
	b.ReportMetric(pct(rtt100, 50), "floor-redis-100-p50-ms")
	b.ReportMetric(pct(rtt100, 99), "floor-redis-100-p99-ms")
	b.ReportMetric(float64(labelLag.Milliseconds()), "labels-done-after-ms")
	b.ReportMetric(inside.mean("play"), "mm-play-mean-ms")
	b.ReportMetric(inside.mean("join"), "mm-join-mean-ms")
	b.ReportMetric(float64(benchPlayers/2)/updRate*1000, "floor-50-updates-ms")
	b.ReportMetric(pct(updLat, 50), "floor-update-p50-ms")
	b.ReportMetric(float64(claims)/wall.Seconds(), "claims/s")
	b.ReportMetric(updRate, "floor-updates/s")
	if claims != benchPlayers/2 {
		b.Errorf("%d rooms claimed for %d players, want %d", claims, benchPlayers, benchPlayers/2)
	}
}

func benchCold(b *testing.B) {
	const target = 91
	start := time.Now()
	one := &gamesv1.GameRoom{}
	one.Namespace, one.GenerateName = platformtest.PlayNamespace, "floor-"
	one.Spec = twoSeats(target - 1)
	if err := plat.Client.Create(context.Background(), one); err != nil {
		b.Fatal(err)
	}
	plat.WaitReady(b, one.Namespace, one.Name)
	floor := time.Since(start)
	lat, _ := burst(b, target, "cold")
	b.ReportMetric(pct(lat, 50), "play-p50-ms")
	b.ReportMetric(pct(lat, 99), "play-p99-ms")
	b.ReportMetric(float64(floor.Milliseconds()), "floor-room-start-ms")
}

// oneByOne: twenty players one after the other (every other one claims a
// room, the next sits at its free seat); each one's latency in ms.
func oneByOne(b *testing.B, target int32) []float64 {
	b.Helper()
	var out []float64
	for i := range 20 {
		t0 := time.Now()
		status, raw, err := platformtest.Play(plat.URL(), playBody(target, fmt.Sprintf("s%d", i), fmt.Sprintf("bench-one-%d-%d", i, t0.UnixNano())))
		if err != nil || status != http.StatusOK {
			b.Fatalf("player %d: %d %s %v", i, status, raw, err)
		}
		out = append(out, float64(time.Since(t0).Microseconds())/1000)
	}
	return out
}

// burst sends benchPlayers quick plays at once through the router and
// returns each one's latency (ms) and the burst's wall time.
func burst(b *testing.B, target int32, tag string) ([]float64, time.Duration) {
	b.Helper()
	lat := make([]float64, benchPlayers)
	errs := make([]error, benchPlayers)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range benchPlayers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			status, raw, err := platformtest.Play(plat.URL(), playBody(target, fmt.Sprintf("p%d", i), fmt.Sprintf("bench-%s-%d-%d", tag, i, start.UnixNano())))
			lat[i] = float64(time.Since(t0).Microseconds()) / 1000
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("status %d: %s", status, raw)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	for i, err := range errs {
		if err != nil {
			b.Fatalf("player %d: %v", i, err)
		}
	}
	return lat, wall
}

// floorJoinBurst waits (up to 3 minutes) for benchPlayers/2 claimable
// rooms of the pool, then sends benchPlayers joins at once through the
// router, two per room; each one's latency in ms.
func floorJoinBurst(b *testing.B, ns, poolName string, perf *perfRun) []float64 {
	var rooms []string
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		var list gamesv1.GameRoomList
		if err := plat.Client.List(context.Background(), &list, client.InNamespace(ns), client.MatchingLabels{pool.LabelPool: poolName}); err != nil {
			b.Fatal(err)
		}
		rooms = rooms[:0]
		for i := range list.Items {
			if pool.Claimable(&list.Items[i]) && list.Items[i].Status.Endpoint != "" {
				rooms = append(rooms, list.Items[i].Name)
			}
		}
		if len(rooms) >= benchPlayers/2 {
			rooms = rooms[:benchPlayers/2]
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d warm rooms after 3 minutes, want %d", len(rooms), benchPlayers/2)
		}
	}
	lat := make([]float64, benchPlayers)
	var wg sync.WaitGroup
	defer perf.window("joins", perf.mark())
	for i := range benchPlayers {
		wg.Go(func() {
			body := strings.NewReader(fmt.Sprintf(`{"name":"j%d"}`, i))
			t0 := time.Now()
			resp, err := http.Post(plat.URL()+"/v1/rooms/"+ns+"/"+rooms[i/2]+"/join", "application/json", body)
			lat[i] = float64(time.Since(t0).Microseconds()) / 1000
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("join %s: %d", rooms[i/2], resp.StatusCode)
			}
		})
	}
	wg.Wait()
	return lat
}

// floorRedis: Redis round trips (PING) from this process, twenty one at a
// time, then benchPlayers at once; each one's latency in ms.
func floorRedis(b *testing.B) (alone, together []float64) {
	ctx := context.Background()
	for range 20 {
		t0 := time.Now()
		if err := plat.RedisCli.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		alone = append(alone, float64(time.Since(t0).Microseconds())/1000)
	}
	together = make([]float64, benchPlayers)
	var wg sync.WaitGroup
	for i := range benchPlayers {
		wg.Go(func() {
			t0 := time.Now()
			if err := plat.RedisCli.Ping(ctx).Err(); err != nil {
				b.Error(err)
			}
			together[i] = float64(time.Since(t0).Microseconds()) / 1000
		})
	}
	wg.Wait()
	return alone, together
}

// means are the matchmakers' play and join histograms' sums (s) and
// counts, to split a burst's time: inside the matchmaker, and at the pods.
type means map[string][2]float64

func scrapeMeans(b *testing.B) means {
	base := plat.MatchmakerURLs()[0] // the replicas share one process's collectors
	out := means{}
	for k, name := range map[string]string{"play": "croupier_matchmaker_play_seconds", "join": "croupier_matchmaker_join_seconds"} {
		out[k] = [2]float64{metric(b, base, name+"_sum"), metric(b, base, name+"_count")}
	}
	return out
}

func (m means) minus(o means) means {
	out := means{}
	for k, v := range m {
		out[k] = [2]float64{v[0] - o[k][0], v[1] - o[k][1]}
	}
	return out
}

// mean in ms.
func (m means) mean(k string) float64 {
	if m[k][1] == 0 {
		return 0
	}
	return m[k][0] / m[k][1] * 1000
}

// profile starts a CPU profile into $QUICKPLAY_CPUPROFILE, if set; the
// returned func stops it.
func profile(b *testing.B) func() {
	path := os.Getenv("QUICKPLAY_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }
}

// floorJoins: twelve joins through the router to ready rooms, one at a time.
func floorJoins(b *testing.B, ns string) []float64 {
	var out []float64
	for r := range 3 {
		name := fmt.Sprintf("floor-%d", r)
		plat.CreateRoom(b, ns, name, 4)
		for s := range 4 {
			t0 := time.Now()
			plat.Join(b, ns, name, fmt.Sprintf("f%d", s))
			out = append(out, float64(time.Since(t0).Microseconds())/1000)
		}
	}
	return out
}

// floorUpdates: one bare Update per room (read, then Update with its
// resourceVersion, as a claim does; a 409 from the operator's own status
// write is read again and not timed), first one at a time (latency), then
// all at once (Updates per second).
func floorUpdates(b *testing.B, rooms []gamesv1.GameRoom) ([]float64, float64) {
	ctx := context.Background()
	update := func(gr *gamesv1.GameRoom, v string) (time.Duration, error) {
		for {
			var cur gamesv1.GameRoom
			if err := plat.Client.Get(ctx, client.ObjectKeyFromObject(gr), &cur); err != nil {
				return 0, err
			}
			if cur.Annotations == nil {
				cur.Annotations = map[string]string{}
			}
			cur.Annotations["bench.croupier.dev/touch"] = v
			t0 := time.Now()
			err := plat.Client.Update(ctx, &cur)
			if !apierrors.IsConflict(err) {
				return time.Since(t0), err
			}
		}
	}
	var lat []float64
	for i := range min(20, len(rooms)) {
		d, err := update(&rooms[i], "a")
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, float64(d.Microseconds())/1000)
	}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := update(&rooms[i], "b"); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	return lat, float64(len(rooms)) / time.Since(start).Seconds()
}

// waitClaimed waits up to a minute for n claimed rooms in ns and returns
// how many there are.
func waitClaimed(b *testing.B, ns string, n int) int {
	deadline := time.Now().Add(time.Minute)
	for {
		got := len(claimedIn(b, ns))
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func claimedIn(b *testing.B, ns string) []gamesv1.GameRoom {
	var list gamesv1.GameRoomList
	if err := plat.Client.List(context.Background(), &list, client.InNamespace(ns), client.HasLabels{pool.LabelClaimed}); err != nil {
		b.Fatal(err)
	}
	return list.Items
}

func pct(xs []float64, p int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}
