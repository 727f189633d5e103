package charts

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/croupier-dev/croupier/internal/controlplane"
)

// cluster is a bare kube-apiserver the chart is installed into with the
// helm binary, as a platform engineer would.
type cluster struct {
	kubeconfig string
	config     *rest.Config
	client     kubernetes.Interface
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cp, err := controlplane.Start(ctx, controlplane.Options{AssetsDir: controlplane.AssetsDir(), Controllers: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, cp.AdminKubeconfig(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &cluster{kubeconfig: kubeconfig, config: cp.Config(), client: kubernetes.NewForConfigOrDie(cp.Config())}
	for _, ns := range []string{"games", "tables", "lobby"} {
		// The API server warns about any workload whose pods this level
		// would refuse.
		restricted := map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted"}
		if _, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: restricted}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (c *cluster) helm(t *testing.T, args ...string) string {
	t.Helper()
	args = append(args, "--kubeconfig", c.kubeconfig, "--namespace", "games")
	out, err := exec.Command(helmBinary(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (c *cluster) secret(t *testing.T, ns, name string) map[string][]byte {
	t.Helper()
	s, err := c.client.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("Secret %s/%s: %v", ns, name, err)
	}
	return s.Data
}

// checkCopies: every namespace holds the same data as the release's.
func (c *cluster) checkCopies(t *testing.T, name string, want map[string][]byte, namespaces ...string) {
	t.Helper()
	for _, ns := range namespaces {
		if got := c.secret(t, ns, name); !maps.EqualFunc(got, want, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Errorf("Secret %s/%s has keys %v, want the release's %v", ns, name, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
	}
}

// upgradeCRDs does what docs/INSTALL.md's Upgrade says before helm
// upgrade, `kubectl apply --server-side --force-conflicts -f
// charts/croupier/crds/`, over a GameRoom CRD made older first (without
// spec.listed): the apply must take the fields Helm created, and bring the
// schema back to the chart's.
func (c *cluster) upgradeCRDs(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	crds := apiextensionsclient.NewForConfigOrDie(c.config).ApiextensionsV1().CustomResourceDefinitions()
	live, err := crds.Get(ctx, "gamerooms.games.croupier.dev", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	delete(live.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties, "listed")
	if _, err := crds.Update(ctx, live, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("croupier", "crds", "*.yaml"))
	for _, f := range files {
		manifest, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(manifest, &crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		crd.TypeMeta = metav1.TypeMeta{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition"}
		body, _ := json.Marshal(&crd)
		force := true
		if _, err := crds.Patch(ctx, crd.Name, types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: "kubectl", Force: &force}); err != nil {
			t.Fatalf("apply --server-side --force-conflicts %s: %v", f, err)
		}
	}
	live, err = crds.Get(ctx, "gamerooms.games.croupier.dev", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := live.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["listed"]; !ok {
		t.Error("applying the chart's CRDs did not bring spec.listed back")
	}
}

// What docs/INSTALL.md promises across install, upgrade, a session key
// rotation and uninstall: the generated Secrets never change under a
// running release, a new room namespace gets the same ones, a key added
// in the release namespace reaches every room namespace on the next
// upgrade, and uninstall leaves the Secrets and the CRD behind.
func TestChartInstallUpgradeRotateUninstall(t *testing.T) {
	c := startCluster(t)
	notes := c.helm(t, "install", "croupier", "croupier", "--set", "gameservers.namespaces={tables,games}")
	for _, want := range []string{"kubectl -n tables apply -f - <<'ROOM'", "kind: GameRoom",
		"port-forward service/croupier-router 7300:80", "http://127.0.0.1:7300/r/tables/cassino-solo"} {
		if !strings.Contains(notes, want) {
			t.Errorf("install notes lack %q:\n%s", want, notes)
		}
	}
	if strings.Contains(notes, "PodSecurity") {
		t.Errorf("the API server warns that a workload breaks the restricted profile:\n%s", notes)
	}
	keys := c.secret(t, "games", "croupier-session-keys")
	password := c.secret(t, "games", "croupier-redis")
	if len(keys) != 1 || len(password["password"]) != 32 {
		t.Fatalf("install generated %d session keys and a %d-character Redis password", len(keys), len(password["password"]))
	}
	c.checkCopies(t, "croupier-session-keys", keys, "tables")
	c.checkCopies(t, "croupier-redis", password, "tables")

	c.upgradeCRDs(t)
	c.helm(t, "upgrade", "croupier", "croupier", "--reset-then-reuse-values", "--set", "gameservers.namespaces={tables,games,lobby}")
	c.checkCopies(t, "croupier-session-keys", keys, "games", "tables", "lobby")
	c.checkCopies(t, "croupier-redis", password, "games", "tables", "lobby")

	// Rotation, as docs/INSTALL.md tells it: a key with a later id in the
	// release namespace, then an upgrade.
	s, err := c.client.CoreV1().Secrets("games").Get(context.Background(), "croupier-session-keys", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Data["9999-12-31"] = []byte(strings.Repeat("n", 48))
	if _, err := c.client.CoreV1().Secrets("games").Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.helm(t, "upgrade", "croupier", "croupier", "--reset-then-reuse-values")
	rotated := c.secret(t, "games", "croupier-session-keys")
	if len(rotated) != 2 {
		t.Errorf("after the rotation the release holds %d keys, want the old and the new", len(rotated))
	}
	c.checkCopies(t, "croupier-session-keys", rotated, "tables", "lobby")
	c.checkCopies(t, "croupier-redis", password, "games", "tables", "lobby")

	c.helm(t, "uninstall", "croupier")
	for _, ns := range []string{"games", "tables", "lobby"} {
		c.secret(t, ns, "croupier-session-keys")
		c.secret(t, ns, "croupier-redis")
	}
	if _, err := c.client.CoreV1().Secrets("games").Get(context.Background(), "croupier-redis-config", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the derived redis.conf Secret outlives the release: %v", err)
	}
	crd, err := c.client.Discovery().ServerResourcesForGroupVersion("games.croupier.dev/v1alpha1")
	if err != nil || len(crd.APIResources) == 0 {
		t.Errorf("uninstall removed the GameRoom CRD: %v", err)
	}

	// A reinstall over the kept Secrets uses them: players stay logged in
	// and Redis's data keeps its password.
	c.helm(t, "install", "croupier", "croupier", "--set", "gameservers.namespaces={tables,games,lobby}")
	c.checkCopies(t, "croupier-session-keys", rotated, "games", "tables", "lobby")
	c.checkCopies(t, "croupier-redis", password, "games", "tables", "lobby")
}
