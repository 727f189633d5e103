package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/controlplane"
)

var (
	k8s client.Client
	cfg *rest.Config
)

func TestMain(m *testing.M) {
	// The API server alone: validation needs no controllers.
	cp, err := controlplane.Start(context.Background(), controlplane.Options{
		AssetsDir:   controlplane.AssetsDir(),
		CRDDirs:     []string{gameroomtest.RepoPath("config", "crd", "bases")},
		Controllers: []string{},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg = cp.Config()
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = gamesv1.AddToScheme(scheme)
	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintf(os.Stderr, "client: %v\n", err)
	}
	if err := cp.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stop the control plane: %v\n", err)
	}
	os.Exit(code)
}

// strict is what kubectl sends by default (--validate=strict).
var strict = client.FieldValidation(metav1.FieldValidationStrict)

func TestDefaults(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	ctx := context.Background()

	g.Expect(k8s.Create(ctx, gameroomtest.MakeGameRoom("plain", ns).Obj())).To(Succeed())

	var got gamesv1.GameRoom
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "plain"}, &got)).To(Succeed())
	s := got.Spec
	g.Expect(s.Game).To(Equal(gamesv1.GameCassino))
	g.Expect(s.MaxPlayers).To(BeEquivalentTo(2))
	g.Expect(s.IdleTimeout.Duration).To(Equal(5 * time.Minute))
	g.Expect(s.HeartbeatTimeout.Duration).To(Equal(30 * time.Second))
	g.Expect(s.StartTimeout.Duration).To(Equal(5 * time.Minute))
	g.Expect(s.StartTimeoutOrDefault()).To(Equal(gamesv1.DefaultStartTimeout))
	g.Expect(s.SessionTTL.Duration).To(Equal(24 * time.Hour))
	g.Expect(s.TTLAfterFinished).To(BeNil())
	g.Expect(s.Template).To(BeNil())
	r := s.Rules
	g.Expect(r.Partnerships).To(BeNil(), "partnerships defaults in the game server, by player count")
	g.Expect(r.Sweeps).To(HaveValue(BeTrue()))
	g.Expect(r.TargetScore).To(HaveValue(BeEquivalentTo(21)))
	g.Expect(r.CourtCapturesAll).To(HaveValue(BeFalse()))
	g.Expect(r.IncreaseOwnBuild).To(HaveValue(BeTrue()))
	g.Expect(r.TrailWhenCaptureAvailable).To(HaveValue(BeTrue()))
}

func TestNoSpecGetsDefaults(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	u := room(ns, "bare", nil)
	delete(u.Object, "spec")
	g.Expect(k8s.Create(context.Background(), u, strict)).To(Succeed())
	g.Expect(u.Object["spec"]).To(HaveKeyWithValue("maxPlayers", BeEquivalentTo(2)))
}

func TestValidRoomsAccepted(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	for name, w := range map[string]*gameroomtest.GameRoomWrapper{
		"four-partners": gameroomtest.MakeGameRoom("four-partners", ns).Players(4).Partnerships(true),
		"four-solo":     gameroomtest.MakeGameRoom("four-solo", ns).Players(4).Partnerships(false),
		"three-solo":    gameroomtest.MakeGameRoom("three-solo", ns).Players(3).Partnerships(false),
		"edges": gameroomtest.MakeGameRoom("edges", ns).TargetScore(121).IdleTimeout(30 * time.Second).
			HeartbeatTimeout(10 * time.Second).StartTimeout(10 * time.Second).SessionTTL(720 * time.Hour).TTLAfterFinished(0),
		"template": gameroomtest.MakeGameRoom("template", ns).Image("registry.example/croupier:v2").
			NodeSelector("pool", "games").PodLabel("team", "cards").PodAnnotation("note", "x"),
		"max-name-" + strings.Repeat("x", 54): gameroomtest.MakeGameRoom("max-name-"+strings.Repeat("x", 54), ns),
		"one-bot":                             gameroomtest.MakeGameRoom("one-bot", ns).Bots(1, gamesv1.BotLevelGreedy),
		"three-bots":                          gameroomtest.MakeGameRoom("three-bots", ns).Players(4).Bots(3, gamesv1.BotLevelRandom).BotDelay(10 * time.Second),
		"no-bots":                             gameroomtest.MakeGameRoom("no-bots", ns).Bots(0, "").BotDelay(0),
	} {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(k8s.Create(context.Background(), w.Obj(), strict)).To(Succeed())
		})
	}
}

// entries is a map of n distinct keys, for the maps' size limits.
func entries(n int) map[string]any {
	m := map[string]any{}
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = "v"
	}
	return m
}

// room is an unstructured GameRoom, so a test can send what no Go type
// can hold: typos, malformed durations.
func room(ns, name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gamesv1.GroupVersion.String(),
		"kind":       "GameRoom",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec":       spec,
	}}
	if spec == nil {
		u.Object["spec"] = map[string]any{}
	}
	return u
}

func TestInvalidRoomsRejected(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	cases := []struct {
		name string
		obj  client.Object
		want []string
	}{
		{"one player", gameroomtest.MakeGameRoom("a", ns).Players(1).Obj(),
			[]string{"spec.maxPlayers", "should be greater than or equal to 2"}},
		{"five players", gameroomtest.MakeGameRoom("a", ns).Players(5).Obj(),
			[]string{"spec.maxPlayers", "should be less than or equal to 4"}},
		{"unknown game", gameroomtest.MakeGameRoom("a", ns).Game("poker").Obj(),
			[]string{"spec.game", `Unsupported value: "poker"`, `"cassino"`}},
		{"idle timeout under 30s", gameroomtest.MakeGameRoom("a", ns).IdleTimeout(29 * time.Second).Obj(),
			[]string{"spec.idleTimeout", "idleTimeout must be at least 30s"}},
		{"malformed idle timeout", room(ns, "a", map[string]any{"idleTimeout": "five minutes"}),
			[]string{"spec.idleTimeout", "should match"}},
		{"idle timeout in days", room(ns, "a", map[string]any{"idleTimeout": "1d"}),
			[]string{"spec.idleTimeout", "should match"}},
		// Well formed but past what a duration holds: refused before any
		// controller has to decode it (a stored one would stop every
		// informer of GameRooms).
		{"idle timeout past any duration", room(ns, "a", map[string]any{"idleTimeout": "9999999999h"}),
			[]string{"spec.idleTimeout", "should match"}},
		{"TTL after finished past any duration", room(ns, "a", map[string]any{"ttlAfterFinished": "9999999999h"}),
			[]string{"spec.ttlAfterFinished", "should match"}},
		{"TTL after finished over 15 characters", room(ns, "a", map[string]any{"ttlAfterFinished": "999999h999999h9h"}),
			[]string{"spec.ttlAfterFinished", "may not be more than 15 bytes"}},
		{"heartbeat timeout under 10s", gameroomtest.MakeGameRoom("a", ns).HeartbeatTimeout(time.Second).Obj(),
			[]string{"spec.heartbeatTimeout", "heartbeatTimeout must be at least 10s"}},
		{"start timeout under 10s", gameroomtest.MakeGameRoom("a", ns).StartTimeout(9 * time.Second).Obj(),
			[]string{"spec.startTimeout", "startTimeout must be at least 10s"}},
		{"malformed start timeout", room(ns, "a", map[string]any{"startTimeout": "a while"}),
			[]string{"spec.startTimeout", "should match"}},
		{"session TTL over 30 days", gameroomtest.MakeGameRoom("a", ns).SessionTTL(721 * time.Hour).Obj(),
			[]string{"spec.sessionTTL", "sessionTTL must be between 1m and 720h"}},
		{"session TTL under a minute", gameroomtest.MakeGameRoom("a", ns).SessionTTL(59 * time.Second).Obj(),
			[]string{"spec.sessionTTL", "sessionTTL must be between 1m and 720h"}},
		{"target score too low", gameroomtest.MakeGameRoom("a", ns).TargetScore(10).Obj(),
			[]string{"spec.rules.targetScore", "should be greater than or equal to 11"}},
		{"target score too high", gameroomtest.MakeGameRoom("a", ns).TargetScore(122).Obj(),
			[]string{"spec.rules.targetScore", "should be less than or equal to 121"}},
		{"image over 512 characters", room(ns, "a", map[string]any{"template": map[string]any{"image": strings.Repeat("i", 513)}}),
			[]string{"spec.template.image", "may not be more than 512 bytes"}},
		{"33 node selector entries", room(ns, "a", map[string]any{"template": map[string]any{"nodeSelector": entries(33)}}),
			[]string{"spec.template.nodeSelector", "must have at most 32 items"}},
		{"33 pod annotations", room(ns, "a", map[string]any{"template": map[string]any{"annotations": entries(33)}}),
			[]string{"spec.template.annotations", "must have at most 32 items"}},
		{"partnerships with two players", gameroomtest.MakeGameRoom("a", ns).Partnerships(true).Obj(),
			[]string{"spec", "rules.partnerships needs maxPlayers: 4"}},
		{"unknown rule option", room(ns, "a", map[string]any{"rules": map[string]any{"sweep": false}}),
			[]string{`unknown field "spec.rules.sweep"`}},
		{"unknown spec field", room(ns, "a", map[string]any{"maxPlayer": int64(3)}),
			[]string{`unknown field "spec.maxPlayer"`}},
		{"reserved pod label", gameroomtest.MakeGameRoom("a", ns).PodLabel("games.croupier.dev/room", "other").Obj(),
			[]string{"spec.template.labels", "are set by the operator"}},
		{"empty image", room(ns, "a", map[string]any{"template": map[string]any{"image": ""}}),
			[]string{"spec.template.image", "should be at least 1 chars long"}},
		{"as many bots as seats", gameroomtest.MakeGameRoom("a", ns).Bots(2, "").Obj(),
			[]string{"spec", "bots.count must be less than maxPlayers: at least one seat is for a person"}},
		{"bots fill a table for four", gameroomtest.MakeGameRoom("a", ns).Players(4).Bots(4, "").Obj(),
			[]string{"spec.bots.count", "should be less than or equal to 3"}},
		{"negative bots", gameroomtest.MakeGameRoom("a", ns).Bots(-1, "").Obj(),
			[]string{"spec.bots.count", "should be greater than or equal to 0"}},
		{"unknown bot level", gameroomtest.MakeGameRoom("a", ns).Bots(1, "genius").Obj(),
			[]string{"spec.bots.level", `Unsupported value: "genius"`, `"random", "greedy"`}},
		{"bot delay over 10s", gameroomtest.MakeGameRoom("a", ns).Bots(1, "").BotDelay(11 * time.Second).Obj(),
			[]string{"spec.bots.delay", "bots.delay must be at most 10s"}},
		{"malformed bot delay", room(ns, "a", map[string]any{"bots": map[string]any{"count": int64(1), "delay": "soon"}}),
			[]string{"spec.bots.delay", "should match"}},
		{"bots without a count", room(ns, "a", map[string]any{"bots": map[string]any{"level": "greedy"}}),
			[]string{"spec.bots.count", "Required value"}},
		{"name over 63 characters", gameroomtest.MakeGameRoom(strings.Repeat("x", 64), ns).Obj(),
			[]string{"GameRoom names are at most 63 characters"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			if tc.obj.GetName() == "a" {
				tc.obj.SetName(fmt.Sprintf("bad-%d", i)) // a wrongly accepted room must not fail the next case
			}
			err := k8s.Create(context.Background(), tc.obj, strict)
			g.Expect(err).To(HaveOccurred())
			t.Log(err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
			g.Expect(err.Error()).NotTo(ContainSubstring("type conversion error"), "an unreadable message")
		})
	}
}

// Without strict field validation the API server prunes an unknown option
// instead of failing, and says so in a warning; the game never sees it.
// kubectl asks for strict validation by default, so users get the
// rejection above.
func TestUnknownRuleOptionPrunedWithoutStrict(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	warnings := &warningRecorder{}
	lax := rest.CopyConfig(cfg)
	lax.WarningHandlerWithContext = warnings
	c, err := client.New(lax, client.Options{Scheme: k8s.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())

	u := room(ns, "lax", map[string]any{"rules": map[string]any{"sweep": false}})
	g.Expect(c.Create(context.Background(), u)).To(Succeed())
	g.Expect(u.Object["spec"]).To(HaveKeyWithValue("rules", Not(HaveKey("sweep"))))
	g.Expect(u.Object["spec"]).To(HaveKeyWithValue("rules", HaveKeyWithValue("sweeps", true)))
	g.Expect(warnings.texts()).To(ContainElement(`unknown field "spec.rules.sweep"`))
}

type warningRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (w *warningRecorder) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = append(w.seen, text)
}

func (w *warningRecorder) texts() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

func TestImmutableFields(t *testing.T) {
	ns := gameroomtest.Namespace(t, k8s)
	cases := []struct {
		name   string
		mutate func(*gamesv1.GameRoom)
		want   string
	}{
		{"maxPlayers", func(r *gamesv1.GameRoom) { r.Spec.MaxPlayers = 3 }, "maxPlayers is immutable"},
		{"rules", func(r *gamesv1.GameRoom) { r.Spec.Rules.TargetScore = ptr.To[int32](11) }, "rules are immutable"},
		{"game", func(r *gamesv1.GameRoom) { r.Spec.Game = "poker" }, `Unsupported value: "poker"`},
		{"bots count", func(r *gamesv1.GameRoom) { r.Spec.Bots.Count = 0 }, "bots are immutable"},
		{"bots level", func(r *gamesv1.GameRoom) { r.Spec.Bots.Level = gamesv1.BotLevelRandom }, "bots are immutable"},
		{"bots removed", func(r *gamesv1.GameRoom) { r.Spec.Bots = nil }, "bots cannot be added or removed"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			ctx := context.Background()
			r := gameroomtest.MakeGameRoom(fmt.Sprintf("imm-%d", i), ns).Bots(1, "").Obj()
			g.Expect(k8s.Create(ctx, r)).To(Succeed())
			tc.mutate(r)
			err := k8s.Update(ctx, r)
			g.Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}

func TestBotsCannotBeAdded(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	r := gameroomtest.MakeGameRoom("late-bots", gameroomtest.Namespace(t, k8s)).Obj()
	g.Expect(k8s.Create(ctx, r)).To(Succeed())
	r.Spec.Bots = &gamesv1.Bots{Count: 1}
	g.Expect(k8s.Update(ctx, r)).To(MatchError(ContainSubstring("bots cannot be added or removed")))
}

func TestBotDefaults(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := gameroomtest.Namespace(t, k8s)
	g.Expect(k8s.Create(ctx, gameroomtest.MakeGameRoom("solo", ns).Bots(1, "").Obj())).To(Succeed())
	var got gamesv1.GameRoom
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "solo"}, &got)).To(Succeed())
	g.Expect(*got.Spec.Bots).To(Equal(gamesv1.Bots{Count: 1, Level: gamesv1.BotLevelGreedy,
		Delay: &metav1.Duration{Duration: 700 * time.Millisecond}}))
	g.Expect(got.Spec.Bots.LevelOrDefault()).To(Equal(gamesv1.DefaultBotLevel))
	g.Expect(got.Spec.Bots.DelayOrDefault()).To(Equal(gamesv1.DefaultBotDelay))
}

func TestMutableFieldsChange(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := gameroomtest.Namespace(t, k8s)
	r := gameroomtest.MakeGameRoom("mut", ns).Obj()
	g.Expect(k8s.Create(ctx, r)).To(Succeed())
	r.Spec.IdleTimeout = &metav1.Duration{Duration: time.Hour}
	r.Spec.TTLAfterFinished = &metav1.Duration{Duration: time.Minute}
	r.Spec.StartTimeout = &metav1.Duration{Duration: 20 * time.Minute}
	g.Expect(k8s.Update(ctx, r)).To(Succeed())
	g.Expect(r.Spec.IdleTimeout.Duration).To(Equal(time.Hour))
	g.Expect(r.Spec.StartTimeout.Duration).To(Equal(20 * time.Minute))
}

// The commented sample must stay a valid room, exactly as kubectl sends it.
func TestSamplesAreValid(t *testing.T) {
	files, err := filepath.Glob(gameroomtest.RepoPath("config", "samples", "*.yaml"))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	NewWithT(t).Expect(files).NotTo(BeEmpty())
	ns := gameroomtest.Namespace(t, k8s)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			g := NewWithT(t)
			b, err := os.ReadFile(f)
			g.Expect(err).NotTo(HaveOccurred())
			u := &unstructured.Unstructured{}
			g.Expect(yaml.Unmarshal(b, &u.Object)).To(Succeed())
			u.SetNamespace(ns)
			g.Expect(k8s.Create(context.Background(), u, strict)).To(Succeed())
		})
	}
}
