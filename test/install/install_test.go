package install

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
	"github.com/redis/go-redis/v9"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

const (
	releaseName = "croupier"
	// releaseNS holds the release and rooms.
	releaseNS = "games"
)

// installation is the state the steps of the test hand on.
type installation struct {
	values  string // the values file of the install
	release release

	redis    *redisserver.Server
	redisCli redis.UniversalClient
	keysDir  string // the session-key Secret, as the router's volume holds it

	operatorSA, routerSA serviceAccount
	operator, router     *role
	routerURL            string
	stopRunner           func()

	// room is the room whose match spans the upgrade.
	room    types.NamespacedName
	players table
	podUID  types.UID
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
		{"the operator's ServiceAccount cannot read Secrets", in.operatorCannotReadSecrets},
		{"the router's ServiceAccount cannot change anything", in.routerIsReadOnly},
		{"a match starts through the router", in.startMatch},
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
	in.players.close()
	if in.router != nil {
		in.router.stop()
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

// localValues are the values for this machine: one router process, and
// heartbeats often enough that a match's end shows in the room's status
// within seconds.
func localValues() map[string]any {
	return map[string]any{
		"router":   map[string]any{"replicas": 1},
		"operator": map[string]any{"heartbeatPeriod": "2s"},
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
	roomNamespace(t, releaseNS)
	in.values = writeValues(t, "values.yaml", localValues())
	helm(t, "install", releaseName, chartDir(), "--namespace", releaseNS, "--values", in.values)
	in.release = getRelease(t, releaseName, releaseNS)
	g.Expect(in.release.objects).NotTo(BeEmpty())

	// Every CRD of the chart is served.
	crdFiles, err := filepath.Glob(filepath.Join(chartDir(), "crds", "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(crdFiles).NotTo(BeEmpty())
	for _, f := range crdFiles {
		b, err := os.ReadFile(f)
		g.Expect(err).NotTo(HaveOccurred())
		for _, want := range decodeManifest(t, string(b)) {
			g.Eventually(func(g Gomega) {
				crd := &apiextensionsv1.CustomResourceDefinition{}
				g.Expect(env.c.Get(ctx, client.ObjectKey{Name: want.GetName()}, crd)).To(Succeed())
				g.Expect(crdCondition(crd, apiextensionsv1.Established)).To(BeTrue(), "CRD %s not established", crd.Name)
				g.Expect(crdCondition(crd, apiextensionsv1.NamesAccepted)).To(BeTrue(), "CRD %s names not accepted", crd.Name)
			}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
		}
	}
	// Every object the chart rendered was accepted and is there.
	for _, want := range in.release.objects {
		g.Expect(getObject(t, want)).To(Succeed(), "%s %s/%s", want.GetKind(), want.GetNamespace(), want.GetName())
	}
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

// secretData reads a Secret's data as the admin.
func secretData(t testing.TB, ns, name string) map[string][]byte {
	t.Helper()
	s := &corev1.Secret{}
	if err := env.c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, s); err != nil {
		t.Fatalf("read Secret %s/%s: %v", ns, name, err)
	}
	return s.Data
}

// sessionKeysSecret is the Secret the router's Deployment mounts as its
// session-keys directory.
func (in *installation) sessionKeysSecret(t testing.TB) string {
	t.Helper()
	c, args := in.release.container(t, "router")
	dir, _ := flagValue(args, "session-keys-dir")
	for _, m := range c.VolumeMounts {
		if m.MountPath != dir {
			continue
		}
		for _, v := range in.release.deployment(t, "router").Spec.Template.Spec.Volumes {
			if v.Name == m.Name && v.Secret != nil {
				return v.Secret.SecretName
			}
		}
	}
	t.Fatalf("the router's --session-keys-dir %q is no Secret volume of its Deployment", dir)
	return ""
}

// redisPasswordSecret is the Secret the operator's Deployment reads its
// Redis password from, if any.
func (in *installation) redisPasswordSecret(t testing.TB) (name, key string, ok bool) {
	t.Helper()
	c, _ := in.release.container(t, "operator")
	for _, e := range c.Env {
		if e.Name == roomcontract.EnvRedisPassword && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			return e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key, true
		}
	}
	return "", "", false
}

func (in *installation) startRoles(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()

	// Redis: the bundled one needs a kubelet; a local redis-server takes
	// its place, with the password the chart generated.
	var err error
	in.redis, err = redisserver.Run(ctx, redisserver.Options{Out: logs()("redis-server")})
	g.Expect(err).NotTo(HaveOccurred())
	opts := &redis.Options{Addr: in.redis.Addr}
	if name, key, ok := in.redisPasswordSecret(t); ok {
		password := secretData(t, releaseNS, name)[key]
		g.Expect(password).NotTo(BeEmpty(), "Secret %s key %s is empty", name, key)
		admin := redis.NewClient(opts)
		g.Expect(admin.ConfigSet(ctx, "requirepass", string(password)).Err()).To(Succeed())
		_ = admin.Close()
		opts.Password = string(password)
	}
	in.redisCli = redis.NewClient(opts)
	g.Expect(in.redisCli.Ping(ctx).Err()).To(Succeed())

	// The router's session-keys volume, filled from the chart's Secret as
	// the kubelet would.
	in.keysDir = filepath.Join(env.dir, "session-keys")
	g.Expect(os.MkdirAll(in.keysDir, 0o700)).To(Succeed())
	keys := secretData(t, releaseNS, in.sessionKeysSecret(t))
	g.Expect(keys).NotTo(BeEmpty())
	for k, v := range keys {
		g.Expect(os.WriteFile(filepath.Join(in.keysDir, k), v, 0o600)).To(Succeed())
	}

	in.stopRunner = startPodRunner(t)

	opDeploy := in.release.deployment(t, "operator")
	in.operatorSA = tokenFor(t, releaseNS, opDeploy.Spec.Template.Spec.ServiceAccountName)
	in.operator = in.startOperator(t, in.release, "operator")

	rtDeploy := in.release.deployment(t, "router")
	in.routerSA = tokenFor(t, releaseNS, rtDeploy.Spec.Template.Spec.ServiceAccountName)
	g.Expect(in.routerSA.name).NotTo(Equal(in.operatorSA.name), "the router and the operator share a ServiceAccount")
	c, args := in.release.container(t, "router")
	listen, err := freeport.Addr()
	g.Expect(err).NotTo(HaveOccurred())
	in.routerURL = "http://" + listen
	in.router = startRole(t, "router", append([]string{"router"}, override(args, map[string]string{
		"listen-address":   listen,
		"session-keys-dir": in.keysDir,
	})...), in.routerSA, containerEnv(t, releaseNS, c))
	in.router.waitReady(t, in.routerURL+"/readyz")
}

// startOperator runs the operator with the flags release renders for it.
func (in *installation) startOperator(t testing.TB, rel release, logName string) *role {
	t.Helper()
	c, args := rel.container(t, "operator")
	probe, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	local := map[string]string{
		"redis-addrs":               in.redis.Addr,
		"health-probe-bind-address": probe,
		"metrics-bind-address":      "0",
	}
	if v, _ := flagValue(args, "leader-elect"); v == "true" {
		// In a pod the namespace comes from the ServiceAccount mount.
		local["leader-election-namespace"] = releaseNS
	}
	r := startRole(t, logName, append([]string{"operator"}, override(args, local)...), in.operatorSA, containerEnv(t, releaseNS, c))
	r.waitReady(t, "http://"+probe+"/readyz")
	return r
}

func (in *installation) startMatch(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	in.room = types.NamespacedName{Namespace: releaseNS, Name: "table"}
	room := gameroomtest.MakeGameRoom(in.room.Name, in.room.Namespace).Players(2).Obj()
	g.Expect(env.c.Create(ctx, room)).To(Succeed())
	in.players = seat(t, in.routerURL, in.room.Namespace, in.room.Name, 2)

	// The router reads the room but cannot touch it.
	asRouter, err := client.New(in.routerSA.config, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(asRouter.Get(ctx, in.room, room)).To(Succeed())
	patch := client.MergeFrom(room.DeepCopy())
	room.Status.Phase = gamesv1.PhaseFinished
	err = asRouter.Status().Patch(ctx, room, patch)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "patching the room's status as the router: %v", err)
	err = asRouter.Delete(ctx, room)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "deleting the room as the router: %v", err)

	g.Expect(in.players.play(t, 6)).To(BeFalse(), "the match ended in six moves")
	in.podUID = in.roomPod(t).UID
}

// roomPod is the room's pod, as its status names it.
func (in *installation) roomPod(t testing.TB) *corev1.Pod {
	t.Helper()
	room := &gamesv1.GameRoom{}
	if err := env.c.Get(context.Background(), in.room, room); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{}
	if err := env.c.Get(context.Background(), client.ObjectKey{Namespace: room.Namespace, Name: room.Status.PodName}, pod); err != nil {
		t.Fatalf("room %s's pod %q: %v", in.room, room.Status.PodName, err)
	}
	return pod
}

// keptSecrets are the release's Secrets the chart marks to outlive it.
func keptSecrets(rel release) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, s := range rel.find("Secret") {
		if s.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
			out = append(out, s)
		}
	}
	return out
}

func (in *installation) upgrade(t *testing.T) {
	g := NewWithT(t)
	before := map[string]map[string][]byte{}
	watched := []string{in.sessionKeysSecret(t)}
	if name, _, ok := in.redisPasswordSecret(t); ok {
		watched = append(watched, name)
	}
	for _, name := range watched {
		before[name] = secretData(t, releaseNS, name)
	}
	_, oldArgs := in.release.container(t, "operator")
	g.Expect(oldArgs).To(ContainElement("--zap-log-level=info"))

	values := localValues()
	values["operator"].(map[string]any)["logLevel"] = "debug"
	upgraded := writeValues(t, "values-upgrade.yaml", values)
	helm(t, "upgrade", releaseName, chartDir(), "--namespace", releaseNS, "--values", upgraded)
	in.values = upgraded
	rel := getRelease(t, releaseName, releaseNS)
	_, newArgs := rel.container(t, "operator")
	g.Expect(newArgs).To(Equal(override(oldArgs, map[string]string{"zap-log-level": "debug"})),
		"the upgrade changed more of the operator's flags than its log level")
	live := &appsv1.Deployment{}
	opDeploy := rel.deployment(t, "operator")
	g.Expect(env.c.Get(context.Background(), client.ObjectKeyFromObject(opDeploy), live)).To(Succeed())
	g.Expect(live.Spec.Template.Spec.Containers[0].Args).To(Equal(opDeploy.Spec.Template.Spec.Containers[0].Args),
		"the operator's Deployment in the cluster is not the upgraded one")
	for _, name := range watched {
		g.Expect(secretData(t, releaseNS, name)).To(Equal(before[name]), "Secret %s changed on upgrade", name)
	}

	// The Deployment's new pod: the old operator stops, the new one runs
	// with the upgraded flags. The router's Deployment did not change.
	_, oldRouter := in.release.container(t, "router")
	_, newRouter := rel.container(t, "router")
	g.Expect(newRouter).To(Equal(oldRouter))
	in.release = rel
	in.operator.stop()
	in.operator = in.startOperator(t, rel, "operator-upgraded")

	// The room keeps its pod, and its players their connections.
	g.Expect(in.players.play(t, 4)).To(BeFalse())
	g.Expect(in.roomPod(t).UID).To(Equal(in.podUID), "the room's pod was replaced")
}

func (in *installation) finishAndDelete(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	g.Expect(in.players.play(t, -1)).To(BeTrue())
	// The new operator saw the end in the pod's heartbeat.
	g.Eventually(func(g Gomega) {
		room := &gamesv1.GameRoom{}
		g.Expect(env.c.Get(ctx, in.room, room)).To(Succeed())
		g.Expect(room.Status.Phase).To(Equal(gamesv1.PhaseFinished))
	}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	pod := in.roomPod(t)
	g.Expect(pod.UID).To(Equal(in.podUID), "the room's pod was replaced")
	pattern := roomKeyPattern(in.room)
	g.Expect(in.redisCli.Keys(ctx, pattern).Val()).NotTo(BeEmpty(), "the match left nothing in Redis")

	g.Expect(env.c.Delete(ctx, &gamesv1.GameRoom{ObjectMeta: metav1.ObjectMeta{Namespace: in.room.Namespace, Name: in.room.Name}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(apierrors.IsNotFound(env.c.Get(ctx, in.room, &gamesv1.GameRoom{}))).To(BeTrue(), "room still there")
		g.Expect(apierrors.IsNotFound(env.c.Get(ctx, client.ObjectKeyFromObject(pod), &corev1.Pod{}))).To(BeTrue(), "pod still there")
	}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
	g.Expect(in.redisCli.Keys(ctx, pattern).Val()).To(BeEmpty(), "the room's Redis keys outlived it")
}

// roomKeyPattern matches every Redis key of a room.
func roomKeyPattern(room types.NamespacedName) string {
	hb := roomcontract.For(room.Namespace, room.Name).Heartbeat()
	return strings.TrimSuffix(hb, "heartbeat") + "*"
}

func (in *installation) uninstall(t *testing.T) {
	g := NewWithT(t)
	kept := keptSecrets(in.release)
	helm(t, "uninstall", releaseName, "--namespace", releaseNS)
	// The Deployments are gone: so are their pods.
	var wg sync.WaitGroup
	wg.Go(in.router.stop)
	wg.Go(in.operator.stop)
	wg.Wait()

	var want []string
	for _, s := range kept {
		want = append(want, objectID(s))
	}
	g.Expect(want).NotTo(BeEmpty(), "the chart keeps no Secret")
	for _, o := range in.release.objects {
		err := getObject(t, o)
		if o.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
			g.Expect(err).NotTo(HaveOccurred(), "%s was kept", objectID(o))
		} else {
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s outlived the release: %v", objectID(o), err)
		}
	}
	g.Expect(leftovers(t)).To(ConsistOf(want))

	// CRDs stay, by Helm's convention, and still serve.
	g.Expect(env.c.List(context.Background(), &gamesv1.GameRoomList{})).To(Succeed())
}

func objectID(o client.Object) string {
	kind := o.GetObjectKind().GroupVersionKind().Kind
	if o.GetNamespace() == "" {
		return kind + " " + o.GetName()
	}
	return fmt.Sprintf("%s %s/%s", kind, o.GetNamespace(), o.GetName())
}
