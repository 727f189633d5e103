package matchmaker

import (
	"context"
	"errors"
	"testing"

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
	if !errors.Is(err, errNoRoom) {
		t.Fatalf("obtain: %v, want no room", err)
	}
}
