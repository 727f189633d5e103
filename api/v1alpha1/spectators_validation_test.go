package v1alpha1_test

import (
	"context"
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

func TestSpectatorsDefaults(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := gameroomtest.Namespace(t, k8s)
	g.Expect(k8s.Create(ctx, gameroomtest.MakeGameRoom("quiet", ns).Obj())).To(Succeed())
	var got gamesv1.GameRoom
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "quiet"}, &got)).To(Succeed())
	g.Expect(got.Spec.Spectators).To(Equal(gamesv1.Spectators{Allowed: false, Max: 10, Delay: 0}))

	g.Expect(k8s.Create(ctx, gameroomtest.MakeGameRoom("watched", ns).Spectators(true, 1000, 1000).Obj())).To(Succeed())
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "watched"}, &got)).To(Succeed())
	g.Expect(got.Spec.Spectators).To(Equal(gamesv1.Spectators{Allowed: true, Max: 1000, Delay: 1000}))
	g.Expect((&gamesv1.Spectators{}).MaxOrDefault()).To(BeEquivalentTo(gamesv1.DefaultSpectatorsMax))
}

func TestSpectatorsOutOfRangeRejected(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	cases := []struct {
		name string
		obj  client.Object
		want []string
	}{
		{"max over 1000", gameroomtest.MakeGameRoom("a", ns).Spectators(true, 1001, 0).Obj(),
			[]string{"spec.spectators.max", "should be less than or equal to 1000"}},
		{"negative max", gameroomtest.MakeGameRoom("a", ns).Spectators(true, -1, 0).Obj(),
			[]string{"spec.spectators.max", "should be greater than or equal to 1"}},
		{"delay over 1000", gameroomtest.MakeGameRoom("a", ns).Spectators(true, 5, 1001).Obj(),
			[]string{"spec.spectators.delay", "should be less than or equal to 1000"}},
		{"negative delay", gameroomtest.MakeGameRoom("a", ns).Spectators(true, 5, -1).Obj(),
			[]string{"spec.spectators.delay", "should be greater than or equal to 0"}},
		{"unknown field", room(ns, "a", map[string]any{"spectators": map[string]any{"allow": true}}),
			[]string{`unknown field "spec.spectators.allow"`}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			tc.obj.SetName(fmt.Sprintf("bad-spec-%d", i))
			err := k8s.Create(context.Background(), tc.obj, strict)
			g.Expect(err).To(HaveOccurred())
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

// The game pod reads the settings once, at start: a change would not
// reach it, so the API server refuses it.
func TestSpectatorsImmutable(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	r := gameroomtest.MakeGameRoom("fixed", gameroomtest.Namespace(t, k8s)).Spectators(true, 3, 2).Obj()
	g.Expect(k8s.Create(ctx, r)).To(Succeed())
	r.Spec.Spectators.Max = 4
	g.Expect(k8s.Update(ctx, r)).To(MatchError(ContainSubstring("spectators are immutable")))
}
