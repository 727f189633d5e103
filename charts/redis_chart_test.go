package charts

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/croupier-dev/croupier/internal/freeport"
)

func statefulSet(t *testing.T, objs []*unstructured.Unstructured, name string) appsv1.StatefulSet {
	t.Helper()
	var s appsv1.StatefulSet
	convert(t, byName(t, objs, "StatefulSet", name), &s)
	return s
}

// redisSecrets returns the password (decoded) and redis.conf the chart
// renders for the bundled Redis.
func redisSecrets(t *testing.T, objs []*unstructured.Unstructured) (password, conf string) {
	t.Helper()
	var pw, cfg corev1.Secret
	convert(t, inNamespace(objs, "Secret", "games", "croupier-redis"), &pw)
	convert(t, byName(t, objs, "Secret", "croupier-redis-config"), &cfg)
	return string(pw.Data["password"]), cfg.StringData["redis.conf"]
}

func TestChartRedisKeepsItsDataOnAVolume(t *testing.T) {
	objs := render(t, "redis.persistence.size=20Gi", "redis.persistence.storageClass=fast")
	s := statefulSet(t, objs, "croupier-redis")
	if len(s.Spec.VolumeClaimTemplates) != 1 {
		t.Fatalf("Redis StatefulSet has %d volume claim templates, want 1", len(s.Spec.VolumeClaimTemplates))
	}
	pvc := s.Spec.VolumeClaimTemplates[0]
	if got := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; got.Cmp(resource.MustParse("20Gi")) != 0 {
		t.Errorf("Redis volume requests %s, want 20Gi", got.String())
	}
	if pvc.Spec.StorageClassName == nil || *pvc.Spec.StorageClassName != "fast" {
		t.Errorf("Redis volume StorageClass %v, want fast", pvc.Spec.StorageClassName)
	}
	if r := s.Spec.PersistentVolumeClaimRetentionPolicy; r != nil && (r.WhenDeleted == appsv1.DeletePersistentVolumeClaimRetentionPolicyType || r.WhenScaled == appsv1.DeletePersistentVolumeClaimRetentionPolicyType) {
		t.Errorf("the Redis volume is deleted with the StatefulSet (%+v): an uninstall would lose every game", r)
	}
	c := s.Spec.Template.Spec.Containers[0]
	mounted := slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == pvc.Name && m.MountPath == "/data" })
	_, conf := redisSecrets(t, objs)
	if !mounted || !strings.Contains(conf, "dir /data\n") || !strings.Contains(conf, "appendonly yes\n") {
		t.Errorf("Redis does not write its append-only file to the volume: mounts %+v, config:\n%s", c.VolumeMounts, conf)
	}
	if pvc := statefulSet(t, render(t), "croupier-redis").Spec.VolumeClaimTemplates[0]; pvc.Spec.StorageClassName != nil {
		t.Errorf("without redis.persistence.storageClass the volume names StorageClass %q, not the default", *pvc.Spec.StorageClassName)
	}
	var svc corev1.Service
	convert(t, byName(t, objs, "Service", "croupier-redis"), &svc)
	if !matches(svc.Spec.Selector, s.Spec.Template.Labels) || s.Spec.ServiceName != svc.Name {
		t.Errorf("Redis Service selects %v, pods are labelled %v", svc.Spec.Selector, s.Spec.Template.Labels)
	}
}

// The password reaches Redis through a mounted file and redis-cli through
// the environment from the Secret: never a literal in the pod spec.
func TestChartRedisPasswordStaysOutOfThePodSpec(t *testing.T) {
	objs := render(t)
	password, _ := redisSecrets(t, objs)
	if len(password) != 32 {
		t.Errorf("generated Redis password has %d characters, want 32", len(password))
	}
	for _, u := range append(find(objs, "StatefulSet"), find(objs, "Deployment")...) {
		spec, _, _ := unstructured.NestedMap(u.Object, "spec")
		if strings.Contains(fmt.Sprint(spec), password) {
			t.Errorf("%s %s carries the Redis password in its spec", u.GetKind(), u.GetName())
		}
	}
	c := statefulSet(t, objs, "croupier-redis").Spec.Template.Spec.Containers[0]
	if !slices.Equal(c.Args, []string{"redis-server", "/etc/redis/redis.conf"}) {
		t.Errorf("redis args %q, want the config file only", c.Args)
	}
	auth := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "REDISCLI_AUTH" })
	if auth < 0 || c.Env[auth].ValueFrom == nil || c.Env[auth].ValueFrom.SecretKeyRef.Name != "croupier-redis" {
		t.Errorf("redis-cli in the probe does not get the password from the Secret: env %+v", c.Env)
	}
}

// The rendered redis.conf, run by a real redis-server, refuses clients
// without the password, and the rendered readiness probe passes only with
// it.
func TestChartRedisConfigRequiresThePassword(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found (run `make deps`): %v", err)
	}
	objs := render(t)
	password, conf := redisSecrets(t, objs)
	port, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The test's own directory and port; everything else as rendered.
	conf = strings.Replace(conf, "dir /data\n", fmt.Sprintf("dir %s\nport %d\nbind 127.0.0.1\n", dir, port), 1)
	confPath := filepath.Join(dir, "redis.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := exec.Command(bin, confPath)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })

	addr := fmt.Sprintf("127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	authed := redis.NewClient(&redis.Options{Addr: addr, Password: password})
	defer authed.Close()
	for authed.Ping(ctx).Err() != nil {
		select {
		case <-ctx.Done():
			t.Fatalf("redis-server with the chart's config never answered the password: %v", authed.Ping(ctx).Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	anon := redis.NewClient(&redis.Options{Addr: addr})
	defer anon.Close()
	if err := anon.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Errorf("PING without the password: %v, want NOAUTH", err)
	}
	if got := authed.ConfigGet(ctx, "appendonly").Val()["appendonly"]; got != "yes" {
		t.Errorf("appendonly is %q", got)
	}

	probe := statefulSet(t, objs, "croupier-redis").Spec.Template.Spec.Containers[0].ReadinessProbe.Exec.Command
	if len(probe) != 3 || probe[0] != "sh" {
		t.Fatalf("readiness probe %q is not a shell command", probe)
	}
	script := regexp.MustCompile(`-h 127\.0\.0\.1`).ReplaceAllString(probe[2], fmt.Sprintf("-h 127.0.0.1 -p %d", port))
	for _, tt := range []struct {
		env   string
		ready bool
	}{{"REDISCLI_AUTH=" + password, true}, {"REDISCLI_AUTH=wrong", false}, {"", false}} {
		cmd := exec.CommandContext(ctx, "sh", "-c", script)
		cmd.Env = append(os.Environ(), tt.env)
		if err := cmd.Run(); (err == nil) != tt.ready {
			t.Errorf("readiness probe with %q: %v, want ready=%v", strings.Split(tt.env, "=")[0], err, tt.ready)
		}
	}
}
