package matchmaker

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// cacheWithRoom is a replica's cache holding room ns/r, routable, its pod
// at pod's address.
func cacheWithRoom(t *testing.T, pod *httptest.Server) client.Reader {
	t.Helper()
	gr := gameroomtest.MakeGameRoom("r", "ns").
		Condition(metav1.Condition{Type: gamesv1.ConditionPodHealthy, Status: metav1.ConditionTrue}).Obj()
	gr.Status.Endpoint = strings.TrimPrefix(pod.URL, "http://")
	scheme := runtime.NewScheme()
	if err := gamesv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	return fake.NewClientBuilder().WithScheme(scheme).WithObjects(gr).Build()
}

// A join the pod answers 503 is sent three times more (docs/MATCHMAKER.md),
// then given up; one answered in between seats the player.
func TestAJoinAnswered503IsRetriedThreeTimes(t *testing.T) {
	for _, tt := range []struct {
		unavailable int // answers 503 before a 200
		attempts    int32
		seated      bool
	}{
		{unavailable: 3, attempts: 4, seated: true},
		{unavailable: 9, attempts: 4, seated: false},
	} {
		var posts atomic.Int32
		pod := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if int(posts.Add(1)) <= tt.unavailable {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte(`{"seat":0,"token":"t"}`))
		}))
		j := &joiner{cache: cacheWithRoom(t, pod), retries: joinRetries, http: pod.Client()}
		_, err := j.join(context.Background(), "ns/r", "Ann")
		pod.Close()
		if posts.Load() != tt.attempts || (err == nil) != tt.seated || (!tt.seated && !errors.Is(err, errJoinFailed)) {
			t.Errorf("%d answers 503 first: %d joins sent, err %v; want %d, seated %v", tt.unavailable, posts.Load(), err, tt.attempts, tt.seated)
		}
	}
}

// The timings docs/MATCHMAKER.md gives, as a replica runs them unless a
// test shortens them.
func TestDocumentedCoordinationTimes(t *testing.T) {
	for _, tt := range []struct {
		what      string
		got, want time.Duration
	}{
		{"a waiting player's lease", DefaultCoordTimes.PlayerLease, 10 * time.Second},
		{"its renewal", DefaultCoordTimes.Poll, time.Second},
		{"an obtain's lease", DefaultCoordTimes.ObtainLease, 3 * time.Minute},
		{"a bucket's keys expire after their last write", DefaultCoordTimes.Keep, time.Hour},
		{"a claim record is swept once older than", finishAfter, 3 * time.Second},
		{"the sweep of claim records runs every", finishEvery, time.Second},
		{"a join waits for a lagging cache up to", cacheLag, 5 * time.Second},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %v, docs/MATCHMAKER.md says %v", tt.what, tt.got, tt.want)
		}
	}
}

// lagging is a replica's cache that has not seen a room yet: NotFound for
// its first misses reads.
type lagging struct {
	client.Reader
	misses atomic.Int32
}

func (l *lagging) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if l.misses.Add(-1) >= 0 {
		return apierrors.NewNotFound(gamesv1.GroupVersion.WithResource("gamerooms").GroupResource(), key.Name)
	}
	return l.Reader.Get(ctx, key, obj, opts...)
}

// A seat of a room another replica made reaches a replica whose cache
// has not seen the room yet: the join waits for the cache instead of
// dropping the seat, which nobody else could then take.
func TestAJoinWaitsForACacheThatHasNotSeenTheRoomYet(t *testing.T) {
	pod := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"seat":1,"token":"t"}`))
	}))
	defer pod.Close()
	cache := &lagging{Reader: cacheWithRoom(t, pod)}
	cache.misses.Store(10)
	j := &joiner{cache: cache, retries: joinRetries, http: pod.Client()}
	if _, err := j.join(context.Background(), "ns/r", "Bob"); err != nil {
		t.Fatalf("join through a lagging cache: %v", err)
	}
}
