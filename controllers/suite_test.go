package controllers

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/controlplane"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// One API server and one running operator for the whole package, started
// by the first test that needs them (testNamespace), so the pure tests
// start nothing; each envtest test works in a namespace of its own.
var (
	k8s       client.Client // uncached: tests see the truth, not the operator's cache
	cfg       *rest.Config
	scheme    = runtime.NewScheme()
	suiteRecs *GameRoomReconciler
	// suiteClock is the operator's clock: tests step it past timeouts
	// instead of waiting for them.
	suiteClock = clocktesting.NewFakeClock(time.Now())
	// suiteRedis is the Redis of the operator and of the tests' heartbeats:
	// a redis-server, or the cluster (CROUPIER_TEST_REDIS).
	suiteRedis *redisserver.Redis
	rdb        redis.UniversalClient
	// stopOperator stops the running operator and waits for it.
	stopOperator func()

	suiteOnce sync.Once
	suiteErr  error
	// stopSuite stops whatever startSuite started, in reverse order.
	stopSuite []func()
)

var suitePods = PodSettings{
	Image:             "croupier:test",
	HeartbeatPeriod:   5 * time.Second,
	SessionKeysSecret: "croupier-session-keys",
	Redis:             redisconn.Options{Mode: redisconn.ModeSingle, Addrs: []string{"redis:6379"}},
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(stopSuite) - 1; i >= 0; i-- {
		stopSuite[i]()
	}
	os.Exit(code)
}

// testNamespace starts the suite (once, for the first test that needs it)
// and gives the test a fresh namespace.
func testNamespace(t *testing.T) string {
	t.Helper()
	suiteOnce.Do(func() { suiteErr = startSuite() })
	if suiteErr != nil {
		t.Fatalf("start the envtest suite: %v", suiteErr)
	}
	return gameroomtest.Namespace(t, k8s)
}

// startSuite starts the control plane (kube-apiserver, etcd and the
// garbage collector, which envtest lacks, so deleting a room really
// deletes its pod), a redis-server and the operator.
func startSuite() error {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.ErrorLevel)))
	ctx := context.Background()
	cp, err := controlplane.Start(ctx, controlplane.Options{
		AssetsDir:   controlplane.AssetsDir(),
		CRDDirs:     []string{gameroomtest.RepoPath("config", "crd", "bases")},
		Controllers: []string{"garbagecollector"},
	})
	if err != nil {
		return err
	}
	stopSuite = append(stopSuite, func() {
		if err := cp.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stop the control plane: %v\n", err)
		}
	})
	cfg = cp.Config()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = gamesv1.AddToScheme(scheme)
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	redis.SetLogger(quietRedis{}) // the outage tests would fill the log with dial errors
	r, closeRedis, err := redisserver.RunForSuite(ctx)
	if err != nil {
		return err
	}
	suiteRedis = r
	stopSuite = append(stopSuite, closeRedis)
	if rdb, err = r.Conn.Client(); err != nil {
		return err
	}
	stopSuite = append(stopSuite, func() { _ = rdb.Close() })
	if stopOperator, err = startOperator(nil); err != nil {
		return err
	}
	// A test may have replaced the operator: stop the one running then.
	stopSuite = append(stopSuite, func() { stopOperator() })
	return nil
}

// startOperator runs the operator as production does, with the same
// cache, against the suite's Redis; configure adjusts its settings.
func startOperator(configure func(*GameRoomReconciler)) (stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	// A large pool: once PoolSize dials in a row failed, go-redis answers
	// with the last dial error for up to a second without dialing, and an
	// outage test whose last failed dial lands just after Redis is back
	// would see the cleanup fail once and retry it a (stepped-clock) minute
	// later. The tests are about the operator, not that breaker.
	opRedis := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: suiteRedis.Conn.Addrs,
		IsClusterMode: suiteRedis.Cluster != nil, MaxRetries: 1, PoolSize: 1000,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: time.Second, WriteTimeout: time.Second})
	done, err := startManager(ctx, opRedis, configure)
	if err != nil {
		cancel()
		return nil, err
	}
	return func() {
		cancel()
		<-done
		_ = opRedis.Close()
	}, nil
}

// startManager runs the operator as production does, with the same cache.
func startManager(ctx context.Context, rc redis.UniversalClient, configure func(*GameRoomReconciler)) (<-chan struct{}, error) {
	rec := &GameRoomReconciler{
		Clock: suiteClock,
		Pods:  suitePods,
		Redis: rc,
		// Far shorter than production's heartbeat period, so a stepped
		// clock is acted on within a fraction of a second.
		SweepInterval: 100 * time.Millisecond,
	}
	if configure != nil {
		configure(rec)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  CacheOptions(rec.RoomNamespaces...),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// A restarted operator registers its controller again in this process.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	rec.Client, rec.APIReader = countingWrites(mgr.GetClient(), &suiteWrites), mgr.GetAPIReader()
	rec.Recorder = mgr.GetEventRecorder("croupier-operator")
	suiteRecs = rec
	if err := suiteRecs.SetupWithManager(mgr); err != nil {
		return nil, fmt.Errorf("setup reconciler: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "manager: %v\n", err)
		}
	}()
	return done, nil
}

// Helpers shared by the envtest tests.

const (
	waitFor = 20 * time.Second
	poll    = 50 * time.Millisecond
)

func createRoom(t *testing.T, w *gameroomtest.GameRoomWrapper) *gamesv1.GameRoom {
	t.Helper()
	room := w.Obj()
	NewWithT(t).Expect(k8s.Create(context.Background(), room)).To(Succeed())
	return room
}

func getRoom(g Gomega, room *gamesv1.GameRoom) *gamesv1.GameRoom {
	got := &gamesv1.GameRoom{}
	g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(room), got)).To(Succeed())
	return got
}

// podsOf lists every pod carrying the room's label: there must never be more than one.
func podsOf(g Gomega, room *gamesv1.GameRoom) []corev1.Pod {
	var pods corev1.PodList
	g.Expect(k8s.List(context.Background(), &pods, client.InNamespace(room.Namespace),
		client.MatchingLabels{LabelRoom: room.Name})).To(Succeed())
	return pods.Items
}

// waitPod waits for the room's one pod, other than the pod with UID not.
func waitPod(t *testing.T, room *gamesv1.GameRoom, not string) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	NewWithT(t).Eventually(func(g Gomega) {
		pods := podsOf(g, room)
		g.Expect(pods).To(HaveLen(1))
		g.Expect(string(pods[0].UID)).NotTo(Equal(not))
		pod = &pods[0]
	}, waitFor, poll).Should(Succeed())
	return pod
}

// setPodStatus plays the kubelet, which envtest does not have.
func setPodStatus(t *testing.T, pod *corev1.Pod, phase corev1.PodPhase, ready bool, ip string) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		fresh := &corev1.Pod{}
		g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(pod), fresh)).To(Succeed())
		st := corev1.ConditionFalse
		if ready {
			st = corev1.ConditionTrue
		}
		fresh.Status.Phase = phase
		fresh.Status.PodIP = ip
		if ip != "" {
			fresh.Status.PodIPs = []corev1.PodIP{{IP: ip}}
		}
		fresh.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}
		if phase == corev1.PodFailed {
			fresh.Status.Reason = "Evicted"
			fresh.Status.Message = "The node was low on resource: memory."
		}
		g.Expect(k8s.Status().Update(context.Background(), fresh)).To(Succeed())
	}, waitFor, poll).Should(Succeed())
}

func condition(room *gamesv1.GameRoom, typ string) *metav1.Condition {
	for i := range room.Status.Conditions {
		if room.Status.Conditions[i].Type == typ {
			return &room.Status.Conditions[i]
		}
	}
	return nil
}

// eventReasons lists the reasons of the events about the room, in order.
func eventReasons(g Gomega, room *gamesv1.GameRoom) []string {
	var list eventsv1.EventList
	g.Expect(k8s.List(context.Background(), &list, client.InNamespace(room.Namespace))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Kind == "GameRoom" && e.Regarding.Name == room.Name {
			for n := int32(0); n < max(1, seriesCount(e)); n++ {
				out = append(out, e.Reason)
			}
		}
	}
	return out
}

// eventNote is the note of the room's latest event with reason.
func eventNote(g Gomega, room *gamesv1.GameRoom, reason string) string {
	var list eventsv1.EventList
	g.Expect(k8s.List(context.Background(), &list, client.InNamespace(room.Namespace))).To(Succeed())
	note := ""
	for _, e := range list.Items {
		if e.Regarding.Kind == "GameRoom" && e.Regarding.Name == room.Name && e.Reason == reason {
			note = e.Note
		}
	}
	return note
}

func seriesCount(e eventsv1.Event) int32 {
	if e.Series == nil {
		return 1
	}
	return e.Series.Count
}

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}
