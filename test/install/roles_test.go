package install

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/redis/go-redis/v9"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/internal/redisserver"
	"github.com/croupier-dev/croupier/roomcontract"
)

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
	password := string(secretData(t, releaseNS, redisSecret)["password"])
	admin := redis.NewClient(&redis.Options{Addr: in.redis.Addr})
	g.Expect(admin.ConfigSet(ctx, "requirepass", password).Err()).To(Succeed())
	_ = admin.Close()
	anonymous := redis.NewClient(&redis.Options{Addr: in.redis.Addr})
	g.Expect(anonymous.Ping(ctx).Err()).To(MatchError(ContainSubstring("NOAUTH")), "Redis answers without the password")
	_ = anonymous.Close()
	in.redisCli = redis.NewClient(&redis.Options{Addr: in.redis.Addr, Password: password})
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
	matchmakerURL := in.startMatchmaker(t)
	c, args := in.release.container(t, "router")
	chartURL, _ := flagValue(args, "matchmaker-url")
	g.Expect(chartURL).NotTo(BeEmpty(), "the chart's router carries no quick play to its matchmaker")
	listen, err := freeport.Addr()
	g.Expect(err).NotTo(HaveOccurred())
	in.routerURL = "http://" + listen
	metricsListen, err := freeport.Addr()
	g.Expect(err).NotTo(HaveOccurred())
	in.router = startRole(t, "router", append([]string{"router"}, override(args, map[string]string{
		"listen-address":   listen,
		"metrics-address":  metricsListen,
		"session-keys-dir": in.keysDir,
		"matchmaker-url":   matchmakerURL,
	})...), in.routerSA, containerEnv(t, releaseNS, c))
	in.router.waitReady(t, in.routerURL+"/readyz")

	// Metrics are served on their own port, never on the public one.
	g.Expect(httpGet(t, in.routerURL+"/metrics")).To(HaveField("StatusCode", http.StatusNotFound))
	metrics := httpGet(t, "http://"+metricsListen+"/metrics")
	g.Expect(metrics.StatusCode).To(Equal(http.StatusOK))
	g.Expect(metrics.Body).To(ContainSubstring("croupier_router_routes"))
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

type httpResult struct {
	StatusCode int
	Body       string
}

func httpGet(t *testing.T, url string) httpResult {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return httpResult{StatusCode: resp.StatusCode, Body: string(b)}
}
