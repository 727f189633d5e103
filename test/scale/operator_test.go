//go:build scale

package scale

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/benchcpu"
)

const (
	heartbeatPeriod = 5 * time.Second // the operator's and the pods' default
	steadyWindow    = time.Minute
)

// BenchmarkOperatorAtScale: SCALE_ROOMS GameRooms (default 10,000), of
// which SCALE_IDLE (default 1,000) go idle together at the end, with
// the operator's --workers at SCALE_WORKERS (default 16). Each
// figure is reported beside its floor from the same run:
//
//	pods-s / floor-pods-s     every room has its pod / the same number of bare pods created with client-go
//	floor-rooms-s             the same number of GameRooms created with no operator running
//	api-writes/min            API writes on rooms, pods and events per minute with every room steady and beating
//	rss-MB / floor-rss-MB     the operator's RSS at scale / the same operator with no room
//	cpu-ms/period             operator CPU per heartbeat period / floor: one pipelined read of every heartbeat
//	sweep-ms                  wall time of one sweep over every room, in the operator
//	collect-s                 the idle rooms are all gone, counted from their idle deadline / floor: deleting as many bare pods
//	settled-rss-KB/room       with SCALE_SETTLE (say 13m): the RSS per room again that long after every room was Ready
func BenchmarkOperatorAtScale(b *testing.B) {
	ctrllog.SetLogger(logr.Discard())
	rooms, idle := envInt("SCALE_ROOMS", 10000), envInt("SCALE_IDLE", 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cp := startControlPlane(b)
	cfg := fullSpeed(cp)
	cs := kubernetes.NewForConfigOrDie(cfg)
	crc, view := roomClients(b, ctx, cfg)
	rdb := startRedis(b)
	bin := buildCroupier(b)
	must(b, namespace(ctx, cs, "floor"))
	must(b, namespace(ctx, cs, "scale"))

	for b.Loop() {
		// Floor: bare pods through client-go, then deleting idle-many of them.
		start := time.Now()
		must(b, parallel(rooms, func(i int) error {
			_, err := cs.CoreV1().Pods("floor").Create(ctx, barePod("floor", i), metav1.CreateOptions{})
			return err
		}))
		floorPods := time.Since(start)
		start = time.Now()
		must(b, parallel(idle, func(i int) error {
			return cs.CoreV1().Pods("floor").Delete(ctx, barePod("floor", i).Name, metav1.DeleteOptions{})
		}))
		floorDelete := time.Since(start)
		must(b, cs.CoreV1().Pods("floor").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}))
		// Second floor: the GameRooms alone, with no operator to act on them.
		start = time.Now()
		must(b, parallel(rooms, func(i int) error {
			return crc.Create(ctx, gameroomtest.MakeGameRoom(roomName(i), "floor").Obj())
		}))
		floorRooms := time.Since(start)
		must(b, crc.DeleteAllOf(ctx, &gamesv1.GameRoom{}, client.InNamespace("floor")))

		op := startOperator(b, cp, bin, rdb)
		time.Sleep(2 * time.Second)
		rssIdle, err := procRSS(op.proc.Pid())
		must(b, err)
		heapIdle := liveHeap(b, op, "heap-idle.pprof")

		w := &beater{rdb: rdb, ns: "scale", rooms: rooms, period: heartbeatPeriod, idleLo: 0, idleHi: idle, started: time.Now()}
		go w.run(ctx)

		// Rooms until every one has its pod.
		writesBefore, err := apiWritesBy(ctx, cs)
		must(b, err)
		profiles := startProfiles(b, ctx, cs, op)
		start = time.Now()
		must(b, parallel(rooms, func(i int) error {
			r := gameroomtest.MakeGameRoom(roomName(i), "scale").IdleTimeout(time.Hour)
			if i < idle {
				r.IdleTimeout(30 * time.Second)
			}
			return crc.Create(ctx, r.Obj())
		}))
		b.Logf("%d rooms created in %s", rooms, time.Since(start).Round(time.Millisecond))
		waitCount(b, 10*time.Minute, "pods", func() int { return len(listPods(b, ctx, view)) }, rooms)
		podsAll := time.Since(start)
		b.Logf("every room has its pod after %s (floor: bare pods %s, GameRooms alone %s)", podsAll.Round(time.Millisecond),
			floorPods.Round(time.Millisecond), floorRooms.Round(time.Millisecond))

		// The kubelet's part, then wait for every room to show its player.
		pods := listPods(b, ctx, view)
		must(b, parallel(len(pods), func(i int) error { return markReady(ctx, cs, &pods[i], i) }))
		waitCount(b, 10*time.Minute, "rooms Ready with a player", func() int {
			n := 0
			for _, r := range listRooms(b, ctx, view) {
				if r.Status.Phase == gamesv1.PhaseReady && r.Status.Players.Connected == 1 {
					n++
				}
			}
			return n
		}, rooms)
		readyAt := time.Now()
		settle(b, ctx, cs)
		profiles()
		writesAfter, err := apiWritesBy(ctx, cs)
		must(b, err)
		opWrites := logWritesPerRoom(b, writesBefore, writesAfter, rooms)

		// Steady state: every room beats, nobody comes or goes.
		before := sample(b, ctx, cs, op)
		steady := steadyProfile(b, op, steadyWindow-5*time.Second)
		time.Sleep(steadyWindow)
		steady()
		after := sample(b, ctx, cs, op)
		w0, w1, cpu0, cpu1, sweeps0, sweeps1 := before.writes, after.writes, before.cpu, after.cpu, before.sweeps, after.sweeps
		sweepAvg := (after.sweepSeconds - before.sweepSeconds) / (sweeps1 - sweeps0)
		rss := after.rss
		heap := liveHeap(b, op, "heap.pprof")
		periods := float64(steadyWindow / heartbeatPeriod)
		floorRead, err := readAll(ctx, rdb, "scale", rooms)
		must(b, err)
		b.Logf("steady %s: %.0f API writes, %.0f sweeps, %.0f reconciles, operator CPU %s",
			steadyWindow, w1-w0, sweeps1-sweeps0, after.reconciles-before.reconciles, cpu1-cpu0)

		// SCALE_SETTLE: the operator's memory again that long after every
		// room turned Ready, once client-go's events recorder has let go
		// of the burst's events (it keeps each one 6 to 12 minutes, to
		// spot a series).
		settledRSS, settledHeap := -1.0, -1.0
		if d, err := time.ParseDuration(os.Getenv("SCALE_SETTLE")); err == nil && d > 0 {
			time.Sleep(time.Until(readyAt.Add(d)))
			settledRSS = float64(sample(b, ctx, cs, op).rss)
			settledHeap = liveHeap(b, op, "heap-settled.pprof")
		}

		// idle rooms leave together.
		idleAt := time.Now()
		w.idleAt.Store(&idleAt)
		deadline := idleAt.Add(30 * time.Second)
		waitCount(b, 5*time.Minute, "idle rooms collected", func() int {
			return idle - countIdle(listRooms(b, ctx, view))
		}, idle)
		collect := time.Since(deadline)
		b.Logf("%d idle rooms collected %s after their deadline (floor: %d bare pod deletes %s)",
			idle, collect.Round(time.Millisecond), idle, floorDelete.Round(time.Millisecond))

		b.ReportMetric(podsAll.Seconds(), "pods-s")
		b.ReportMetric(floorPods.Seconds(), "floor-pods-s")
		b.ReportMetric(podsAll.Seconds()/floorPods.Seconds(), "pods-ratio")
		b.ReportMetric(floorRooms.Seconds(), "floor-rooms-s")
		b.ReportMetric(podsAll.Seconds()/(floorPods+floorRooms).Seconds(), "pods-ratio-rooms+pods")
		b.ReportMetric(opWrites, "operator-writes/room")
		b.ReportMetric((w1-w0)/steadyWindow.Minutes(), "api-writes/min")
		b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
		b.ReportMetric(float64(rssIdle)/(1<<20), "floor-rss-MB")
		b.ReportMetric(heap/(1<<20), "heap-live-MB")
		b.ReportMetric(heapIdle/(1<<20), "floor-heap-live-MB")
		b.ReportMetric((heap-heapIdle)/float64(rooms)/1024, "heap-live-KB/room")
		b.ReportMetric(float64(rss-rssIdle)/float64(rooms)/1024, "rss-KB/room")
		if settledRSS >= 0 {
			b.ReportMetric((settledRSS-float64(rssIdle))/float64(rooms)/1024, "settled-rss-KB/room")
			b.ReportMetric((settledHeap-heapIdle)/float64(rooms)/1024, "settled-heap-live-KB/room")
		}
		b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/periods, "cpu-ms/period")
		b.ReportMetric(float64(floorRead.Microseconds())/1000, "floor-read-ms/period")
		b.ReportMetric(sweepAvg*1000, "sweep-ms")
		b.ReportMetric((after.reconciles-before.reconciles)/steadyWindow.Minutes(), "steady-reconciles/min")
		b.ReportMetric(collect.Seconds(), "collect-s")
		b.ReportMetric(floorDelete.Seconds(), "floor-delete-s")
	}
}

// countIdle counts the idle group's rooms still present.
func countIdle(rooms []gamesv1.GameRoom) int {
	n := 0
	for _, r := range rooms {
		if r.Spec.IdleTimeout.Duration != time.Hour {
			n++
		}
	}
	return n
}

// roomClients: a client to create rooms, and an informer cache to watch
// rooms and pods without listing 10,000 objects from the API server on
// every poll.
func roomClients(b *testing.B, ctx context.Context, cfg *rest.Config) (client.Client, cache.Cache) {
	scheme := runtime.NewScheme()
	must(b, clientgoscheme.AddToScheme(scheme))
	must(b, gamesv1.AddToScheme(scheme))
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	must(b, err)
	view, err := cache.New(cfg, cache.Options{Scheme: scheme, DefaultTransform: cache.TransformStripManagedFields(),
		DefaultNamespaces: map[string]cache.Config{"scale": {}}})
	must(b, err)
	go func() { _ = view.Start(ctx) }()
	// Ask for both informers now, so they are synced before the work.
	listRooms(b, ctx, view)
	listPods(b, ctx, view)
	return c, view
}

func listRooms(b *testing.B, ctx context.Context, view cache.Cache) []gamesv1.GameRoom {
	var l gamesv1.GameRoomList
	must(b, view.List(ctx, &l, client.UnsafeDisableDeepCopy))
	return l.Items
}

func listPods(b *testing.B, ctx context.Context, view cache.Cache) []corev1.Pod {
	var l corev1.PodList
	must(b, view.List(ctx, &l, client.UnsafeDisableDeepCopy))
	return l.Items
}

func waitCount(b *testing.B, limit time.Duration, what string, count func() int, want int) {
	b.Helper()
	for deadline := time.Now().Add(limit); ; time.Sleep(250 * time.Millisecond) {
		n := count()
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s: %d of %d after %s", what, n, want, limit)
		}
	}
}

// settle waits for the operator's start-up writes (first statuses, events)
// to end, so the steady window measures only the steady state.
func settle(b *testing.B, ctx context.Context, cs kubernetes.Interface) {
	b.Helper()
	prev, quiet := -1.0, 0
	for range 120 {
		n, err := apiWrites(ctx, cs)
		must(b, err)
		if n == prev {
			if quiet++; quiet == 10 {
				return
			}
		} else {
			quiet = 0
		}
		prev = n
		time.Sleep(time.Second)
	}
	b.Logf("the operator never went quiet; measuring anyway")
}

// operatorMetric sums the samples of one metric of the operator's own
// /metrics, over all its labels.
func operatorMetric(op *operator, name string) (float64, error) {
	resp, err := http.Get("http://" + op.metricsAddr + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+" ") && !strings.HasPrefix(line, name+"{") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, sc.Err()
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// snapshot is what the steady window is measured from.
type snapshot struct {
	writes, sweeps, sweepSeconds, reconciles float64
	cpu                                      time.Duration
	rss                                      int64
}

func sample(b *testing.B, ctx context.Context, cs kubernetes.Interface, op *operator) snapshot {
	b.Helper()
	var s snapshot
	var err error
	pid := op.proc.Pid()
	s.writes, err = apiWrites(ctx, cs)
	must(b, err)
	s.cpu, err = benchcpu.Process(pid)
	must(b, err)
	s.rss, err = procRSS(pid)
	must(b, err)
	s.sweeps, err = operatorMetric(op, "croupier_heartbeat_sweep_duration_seconds_count")
	must(b, err)
	s.sweepSeconds, err = operatorMetric(op, "croupier_heartbeat_sweep_duration_seconds_sum")
	must(b, err)
	s.reconciles, err = operatorMetric(op, "controller_runtime_reconcile_total")
	must(b, err)
	return s
}
