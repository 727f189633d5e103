package v1alpha1_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

func TestListedDefaultsToFalseAndMayChange(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	ctx := context.Background()
	r := gameroomtest.MakeGameRoom("lobby", ns).Obj()
	g.Expect(k8s.Create(ctx, r, strict)).To(Succeed())
	g.Expect(r.Spec.Listed).To(BeFalse())

	r.Spec.Listed = true
	g.Expect(k8s.Update(ctx, r, strict)).To(Succeed())
	got := &gamesv1.GameRoom{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(r), got)).To(Succeed())
	g.Expect(got.Spec.Listed).To(BeTrue())
}

func TestPoolDefaults(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	p := gameroomtest.MakeGameRoomPool("warm", ns, 3).Obj()
	g.Expect(k8s.Create(context.Background(), p, strict)).To(Succeed())
	s := p.Spec.Template.Spec
	g.Expect(p.Spec.Replicas).To(BeEquivalentTo(3))
	g.Expect(s.Game).To(Equal(gamesv1.GameCassino))
	g.Expect(s.MaxPlayers).To(BeEquivalentTo(2))
	g.Expect(s.Listed).To(BeFalse())
	g.Expect(s.IdleTimeout).NotTo(BeNil())
	g.Expect(*s.Rules.TargetScore).To(BeEquivalentTo(21))
}

func TestValidPoolsAccepted(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	for name, w := range map[string]*gameroomtest.GameRoomPoolWrapper{
		"empty": gameroomtest.MakeGameRoomPool("empty", ns, 0),
		"four": gameroomtest.MakeGameRoomPool("four", ns, 1000).
			Room(gameroomtest.MakeGameRoom("", "").Players(4).Partnerships(true).Bots(1, gamesv1.BotLevelRandom)),
		"labelled":              gameroomtest.MakeGameRoomPool("labelled", ns, 2).Label("team", "cards").Annotation("note", "x"),
		strings.Repeat("x", 57): gameroomtest.MakeGameRoomPool(strings.Repeat("x", 57), ns, 1),
	} {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(k8s.Create(context.Background(), w.Obj(), strict)).To(Succeed())
		})
	}
}

func TestInvalidPoolsRejected(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	room := gameroomtest.MakeGameRoom
	cases := []struct {
		name string
		obj  client.Object
		want []string
	}{
		{"listed template", gameroomtest.MakeGameRoomPool("a", ns, 1).Room(room("", "").Listed(true)).Obj(),
			[]string{"spec.template.spec", "template.spec.listed must be false: pool rooms are claimed, not listed in the lobby"}},
		{"negative replicas", gameroomtest.MakeGameRoomPool("a", ns, -1).Obj(),
			[]string{"spec.replicas", "should be greater than or equal to 0"}},
		{"too many replicas", gameroomtest.MakeGameRoomPool("a", ns, 1001).Obj(),
			[]string{"spec.replicas", "should be less than or equal to 1000"}},
		{"name over 57 characters", gameroomtest.MakeGameRoomPool(strings.Repeat("x", 58), ns, 1).Obj(),
			[]string{"GameRoomPool names are at most 57 characters"}},
		{"reserved label", gameroomtest.MakeGameRoomPool("a", ns, 1).Label("games.croupier.dev/claimed", "true").Obj(),
			[]string{"spec.template.metadata.labels", "labels games.croupier.dev/* are set by the operator and the claims"}},
		{"reserved annotation", gameroomtest.MakeGameRoomPool("a", ns, 1).Annotation("games.croupier.dev/claimed-by", "me").Obj(),
			[]string{"spec.template.metadata.annotations", "annotations games.croupier.dev/* are set by the operator and the claims"}},
		{"five players", gameroomtest.MakeGameRoomPool("a", ns, 1).Room(room("", "").Players(5)).Obj(),
			[]string{"spec.template.spec.maxPlayers", "should be less than or equal to 4"}},
		{"partnerships with two players", gameroomtest.MakeGameRoomPool("a", ns, 1).Room(room("", "").Partnerships(true)).Obj(),
			[]string{"spec.template.spec", "rules.partnerships needs maxPlayers: 4"}},
		{"unknown template field", pool(ns, "a", map[string]any{"replicas": int64(1),
			"template": map[string]any{"spec": map[string]any{"maxPlayer": int64(3)}}}),
			[]string{`unknown field "spec.template.spec.maxPlayer"`}},
		{"no template", pool(ns, "a", map[string]any{"replicas": int64(1)}),
			[]string{"spec.template", "Required value"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			if tc.obj.GetName() == "a" {
				tc.obj.SetName(fmt.Sprintf("bad-%d", i))
			}
			err := k8s.Create(context.Background(), tc.obj, strict)
			g.Expect(err).To(HaveOccurred())
			t.Log(err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

// The template's table is fixed as a room's is; its timeouts may change.
func TestPoolTemplateChanges(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	ctx := context.Background()
	p := gameroomtest.MakeGameRoomPool("warm", ns, 1).Obj()
	g.Expect(k8s.Create(ctx, p, strict)).To(Succeed())

	changed := p.DeepCopy()
	changed.Spec.Template.Spec.MaxPlayers = 3
	err := k8s.Update(ctx, changed)
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(ContainSubstring("maxPlayers is immutable"))

	p.Spec.Template.Spec.IdleTimeout.Duration *= 2
	p.Spec.Template.Metadata.Labels = map[string]string{"team": "cards"}
	p.Spec.Replicas = 5
	g.Expect(k8s.Update(ctx, p)).To(Succeed())
}

// kubectl scale grp works through the scale subresource.
func TestPoolScaleSubresource(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	ctx := context.Background()
	p := gameroomtest.MakeGameRoomPool("warm", ns, 1).Obj()
	g.Expect(k8s.Create(ctx, p)).To(Succeed())

	scale := &autoscalingv1.Scale{}
	g.Expect(k8s.SubResource("scale").Get(ctx, p, scale)).To(Succeed())
	g.Expect(scale.Spec.Replicas).To(BeEquivalentTo(1))
	scale.Spec.Replicas = 4
	g.Expect(k8s.SubResource("scale").Update(ctx, p, client.WithSubResourceBody(scale))).To(Succeed())
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(p), p)).To(Succeed())
	g.Expect(p.Spec.Replicas).To(BeEquivalentTo(4))
}

// The pool sample sits apart from the room samples, so that applying
// config/samples/ on the local platform starts no pool; it must stay valid
// all the same, exactly as kubectl sends it.
func TestPoolSampleIsValid(t *testing.T) {
	g := NewWithT(t)
	b, err := os.ReadFile(gameroomtest.RepoPath("config", "samples", "pool", "games_v1alpha1_gameroompool.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{}
	g.Expect(yaml.Unmarshal(b, &u.Object)).To(Succeed())
	u.SetNamespace(gameroomtest.Namespace(t, k8s))
	g.Expect(k8s.Create(context.Background(), u, strict)).To(Succeed())
	g.Expect(u.GetKind()).To(Equal("GameRoomPool"))
}

func pool(ns, name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gamesv1.GroupVersion.String(),
		"kind":       "GameRoomPool",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec":       spec,
	}}
}

// kubectl get grp shows READY, CLAIMED, DESIRED and AGE, and -o wide adds
// REPLICAS, GAME and SEATS: the columns the API server serves as a Table.
func TestPoolPrinterColumns(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	ctx := context.Background()
	p := gameroomtest.MakeGameRoomPool("warm", ns, 3).Obj()
	g.Expect(k8s.Create(ctx, p)).To(Succeed())
	p.Status.Ready, p.Status.Claimed, p.Status.Replicas, p.Status.Desired = 2, 5, 3, 3
	g.Expect(k8s.Status().Update(ctx, p)).To(Succeed())

	hc, err := rest.HTTPClientFor(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		strings.TrimSuffix(cfg.Host, "/")+"/apis/games.croupier.dev/v1alpha1/namespaces/"+ns+"/gameroompools", nil)
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := hc.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK), "GET %s", req.URL)
	var table metav1.Table
	g.Expect(json.NewDecoder(resp.Body).Decode(&table)).To(Succeed())
	var wide, narrow []string
	for _, c := range table.ColumnDefinitions {
		wide = append(wide, c.Name)
		if c.Priority == 0 {
			narrow = append(narrow, c.Name)
		}
	}
	g.Expect(narrow).To(Equal([]string{"Name", "Ready", "Claimed", "Desired", "Age"}))
	g.Expect(wide).To(Equal([]string{"Name", "Ready", "Claimed", "Desired", "Age", "Replicas", "Game", "Seats"}))
	g.Expect(table.Rows).To(HaveLen(1))
	g.Expect(table.Rows[0].Cells[:4]).To(Equal([]any{"warm", float64(2), float64(5), float64(3)}))
	g.Expect(table.Rows[0].Cells[5:]).To(Equal([]any{float64(3), "cassino", float64(2)}))
}
