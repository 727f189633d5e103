package install

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/croupier-dev/croupier/internal/playerclient"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

const (
	releaseName = "croupier"
	// releaseNS holds the release and rooms; extraNS holds rooms too
	// (gameservers.namespaces); strangerNS is a namespace the chart was
	// not told of.
	releaseNS  = "games"
	extraNS    = "games-b"
	strangerNS = "games-c"
	// redisSecret is the chart's Redis password Secret, key password.
	redisSecret = releaseName + "-redis"
)

// roomNamespaces are the namespaces the chart prepares for rooms.
var roomNamespaces = []string{releaseNS, extraNS}

// installation is the state the steps of the test hand on.
type installation struct {
	values  string // the values file of the install
	release release

	redis    *redisserver.Server
	redisCli redis.UniversalClient
	keysDir  string // the session-key Secret, as the router's volume holds it

	operatorSA, routerSA, matchmakerSA serviceAccount
	operator, router, matchmaker       *role
	routerURL                          string
	stopRunner                         func()

	// room is the room whose match spans the upgrade; side is a room in
	// the other prepared namespace, with one player seated.
	room    types.NamespacedName
	players playerclient.Table
	podUID  types.UID
	side    types.NamespacedName
	sider   *playerclient.Player
}

// TestChartOnARealControlPlane installs the chart, runs what it installed
// with its own flags and ServiceAccounts, plays a match through its router,
// upgrades it mid-match and uninstalls it. The steps depend on each
// other: the first that fails ends the test.
func TestChartOnARealControlPlane(t *testing.T) {
	in := &installation{}
	t.Cleanup(in.stopAll)
	for _, step := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"helm install creates every object the chart renders", in.install},
		{"the roles run with the chart's flags and ServiceAccount tokens", in.startRoles},
		{"the operator's ServiceAccount cannot read Secrets nor run pods elsewhere", in.operatorCannotReadSecrets},
		{"the router's ServiceAccount cannot change anything", in.routerIsReadOnly},
		{"the matchmaker's ServiceAccount can only claim and create rooms", in.matchmakerCanOnlyClaim},
		{"quick play claims a warm pool room, and the pool refills", in.quickPlay},
		{"a match starts through the router", in.startMatch},
		{"rooms run in every prepared namespace and nowhere else", in.otherNamespaces},
		{"helm upgrade keeps the Secrets and leaves the room alone", in.upgrade},
		{"the match finishes, and a deleted room leaves no pod and no Redis keys", in.finishAndDelete},
		{"helm uninstall leaves only what it documents", in.uninstall},
	} {
		if !t.Run(step.name, step.run) {
			t.FailNow()
		}
	}
}

func (in *installation) stopAll() {
	in.players.Close()
	if in.sider != nil {
		in.sider.Close()
	}
	if in.router != nil {
		in.router.stop()
	}
	if in.matchmaker != nil {
		in.matchmaker.stop()
	}
	if in.operator != nil {
		in.operator.stop()
	}
	if in.stopRunner != nil {
		in.stopRunner()
	}
	if in.redisCli != nil {
		_ = in.redisCli.Close()
	}
	if in.redis != nil {
		in.redis.Close()
	}
}

// localValues are the values for this machine: rooms in two namespaces,
// one router process with no load balancer to drain from, and heartbeats
// often enough that a match's end shows in the room's status within
// seconds.
func localValues() map[string]any {
	return map[string]any{
		"gameservers": map[string]any{"namespaces": roomNamespaces},
		"router":      map[string]any{"replicas": 1, "drainDelay": "0s", "pdb": map[string]any{"minAvailable": 0}},
		"operator":    map[string]any{"heartbeatPeriod": "2s"},
	}
}

func writeValues(t testing.TB, name string, values map[string]any) string {
	t.Helper()
	b, err := yaml.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(env.dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// roomNamespace creates a namespace that enforces the restricted Pod
// Security profile, so the API server itself rejects a game pod that does
// not meet it.
func roomNamespace(t testing.TB, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
	}}}
	if err := env.c.Create(context.Background(), ns); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
}

func (in *installation) install(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	for _, ns := range append(roomNamespaces, strangerNS) {
		roomNamespace(t, ns)
	}
	in.values = writeValues(t, "values.yaml", localValues())
	helm(t, "install", releaseName, chartDir(), "--namespace", releaseNS, "--values", in.values)
	in.release = getRelease(t, releaseName, releaseNS)
	g.Expect(in.release.objects).NotTo(BeEmpty())

	// Every CRD of the chart is served.
	for _, want := range chartCRDs(t) {
		g.Eventually(func(g Gomega) {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			g.Expect(env.c.Get(ctx, client.ObjectKey{Name: want.GetName()}, crd)).To(Succeed())
			g.Expect(crdCondition(crd, apiextensionsv1.Established)).To(BeTrue(), "CRD %s not established", crd.Name)
			g.Expect(crdCondition(crd, apiextensionsv1.NamesAccepted)).To(BeTrue(), "CRD %s names not accepted", crd.Name)
		}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
	}
	// Every object the chart rendered was accepted and is there.
	for _, want := range in.release.objects {
		g.Expect(getObject(t, want)).To(Succeed(), "%s %s/%s", want.GetKind(), want.GetNamespace(), want.GetName())
	}

	// Each room namespace holds the same session keys and the same Redis
	// password as the release namespace, where the router and the
	// operator read them.
	keys := in.sessionKeysSecret(t)
	name, key, ok := in.redisPasswordSecret(t)
	g.Expect(ok).To(BeTrue(), "the operator gets no Redis password")
	g.Expect(name).To(Equal(redisSecret))
	g.Expect(key).To(Equal("password"))
	_, opArgs := in.release.container(t, "operator")
	g.Expect(opArgs).To(ContainElement("--redis-secret=" + redisSecret))
	g.Expect(opArgs).To(ContainElement("--room-namespaces=" + strings.Join(roomNamespaces, ",")))
	_, rtArgs := in.release.container(t, "router")
	g.Expect(rtArgs).To(ContainElement("--namespaces=" + strings.Join(roomNamespaces, ",")))
	password := secretData(t, releaseNS, redisSecret)["password"]
	g.Expect(len(password)).To(BeNumerically(">=", 32), "a short generated Redis password")
	for _, ns := range roomNamespaces {
		g.Expect(secretData(t, ns, keys)).To(Equal(secretData(t, releaseNS, keys)), "session keys in %s", ns)
		g.Expect(secretData(t, ns, redisSecret)).To(Equal(secretData(t, releaseNS, redisSecret)), "Redis password in %s", ns)
	}
	for _, name := range []string{keys, redisSecret} {
		err := env.c.Get(ctx, client.ObjectKey{Namespace: strangerNS, Name: name}, &corev1.Secret{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Secret %s in a namespace the chart was not told of: %v", name, err)
	}
}

// chartCRDs are the CRDs in the chart's crds/ folder, which Helm installs
// before the templates and never upgrades or deletes.
func chartCRDs(t testing.TB) []*unstructured.Unstructured {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir(), "crds", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in the chart's crds/: %v", err)
	}
	var crds []*unstructured.Unstructured
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crds = append(crds, decodeManifest(t, string(b))...)
	}
	return crds
}

func crdCondition(crd *apiextensionsv1.CustomResourceDefinition, c apiextensionsv1.CustomResourceDefinitionConditionType) bool {
	for _, cond := range crd.Status.Conditions {
		if cond.Type == c && cond.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

// getObject reads the object the manifest describes from the API server.
func getObject(t testing.TB, want *unstructured.Unstructured) error {
	t.Helper()
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(want.GroupVersionKind())
	key := client.ObjectKey{Namespace: want.GetNamespace(), Name: want.GetName()}
	namespaced, err := env.c.IsObjectNamespaced(want)
	if err != nil {
		return err
	}
	if namespaced && key.Namespace == "" {
		key.Namespace = releaseNS
	}
	return env.c.Get(context.Background(), key, got)
}
