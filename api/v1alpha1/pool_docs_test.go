package v1alpha1_test

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// A pool's template is a GameRoom spec: what a room may not change, the
// template may not either (docs/API.md, GameRoomPool), with the room's
// own messages.
func TestPoolTemplateImmutableFields(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	cases := []struct {
		name   string
		change func(*gamesv1.GameRoomSpec)
		want   string
	}{
		{"rules", func(s *gamesv1.GameRoomSpec) { s.Rules.TargetScore = ptr.To[int32](31) }, "rules are immutable"},
		{"bots", func(s *gamesv1.GameRoomSpec) { s.Bots.Level = gamesv1.BotLevelRandom }, "bots are immutable"},
		{"spectators", func(s *gamesv1.GameRoomSpec) { s.Spectators.Max = 4 }, "spectators are immutable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			ctx := context.Background()
			p := gameroomtest.MakeGameRoomPool("fixed-"+tc.name, ns, 1).
				Room(gameroomtest.MakeGameRoom("", "").Players(3).Bots(1, gamesv1.BotLevelGreedy).Spectators(true, 3, 0)).Obj()
			g.Expect(k8s.Create(ctx, p, strict)).To(Succeed())

			changed := p.DeepCopy()
			tc.change(&changed.Spec.Template.Spec)
			err := k8s.Update(ctx, changed)
			g.Expect(err).To(HaveOccurred())
			g.Expect(err.Error()).To(ContainSubstring(tc.want))
		})
	}
}

// A pool applied without replicas has 0 (docs/API.md), so kubectl's
// DESIRED column shows 0 rather than nothing.
func TestPoolReplicasAreZeroWhenUnset(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gamesv1.GroupVersion.String(), "kind": "GameRoomPool",
		"metadata": map[string]any{"name": "no-replicas", "namespace": ns},
		"spec":     map[string]any{"template": map[string]any{}},
	}}
	g.Expect(k8s.Create(context.Background(), u)).To(Succeed())
	replicas, found, err := unstructured.NestedInt64(u.Object, "spec", "replicas")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(found).To(BeTrue(), "spec.replicas is set by the API server")
	g.Expect(replicas).To(BeZero())
}
