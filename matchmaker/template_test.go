package matchmaker

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// A template pool that does not exist gives no room at once (no_room),
// rather than a wait until the quick play's timeout.
func TestAMissingTemplatePoolIsNoRoom(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := gamesv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).Build()
	k := &kubeRooms{cache: c, client: c, template: &poolRef{Namespace: "default", Name: "quickplay"}}
	err := k.obtain(context.Background(), Table{Game: gamesv1.GameCassino, Players: 2}, func(string, int32) (bool, error) {
		t.Fatal("a seat was offered")
		return false, nil
	})
	if !errors.Is(err, errNoRoom) || !errors.Is(err, errNoTemplatePool) {
		t.Fatalf("obtain: %v, want no room, for want of the template pool", err)
	}
}

// A missing template pool is logged at most once a minute, however many
// players ask (docs/MATCHMAKER.md).
func TestAMissingTemplatePoolIsLoggedOnceAMinute(t *testing.T) {
	var lines atomic.Int32
	m := &Matchmaker{log: funcr.New(func(_, _ string) { lines.Add(1) }, funcr.Options{})}
	err := fmt.Errorf("template pool default/quickplay: %w", errNoTemplatePool)
	for range 100 {
		m.misconfigured(err)
	}
	if n := lines.Load(); n != 1 {
		t.Errorf("%d log lines for 100 players in the same minute, want 1", n)
	}
	m.warned.Store(time.Now().Add(-61 * time.Second).Unix())
	m.misconfigured(err)
	if n := lines.Load(); n != 2 {
		t.Errorf("%d log lines after a minute, want 2", n)
	}
}
