// Package charts tests the Helm chart by rendering it with the helm binary
// the repository builds (make tools) and checking what a platform engineer
// relies on: the chart installs exactly the generated CRDs and RBAC, and
// every pod it runs meets the restricted Pod Security profile.
package charts

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

func helmBinary(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("HELM"); h != "" {
		return h
	}
	matches, _ := filepath.Glob("../bin/helm-v*")
	if len(matches) == 0 {
		t.Fatal("no helm binary in bin/: run `make tools`")
	}
	return matches[len(matches)-1]
}

func helm(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(helmBinary(t), args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), stderr.String())
	}
	return out.String()
}

func render(t *testing.T, set ...string) []*unstructured.Unstructured {
	t.Helper()
	args := []string{"template", "croupier", "croupier", "--namespace", "games", "--include-crds"}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(helm(t, args...)), 4096)
	var objs []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return objs
			}
			t.Fatalf("decode rendered chart: %v", err)
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

func find(objs []*unstructured.Unstructured, kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

func convert(t *testing.T, u *unstructured.Unstructured, into any) {
	t.Helper()
	b, err := yaml.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(b, into); err != nil {
		t.Fatalf("%s %s: %v", u.GetKind(), u.GetName(), err)
	}
}

func TestChartLints(t *testing.T) {
	helm(t, "lint", "--strict", "croupier")
}

func TestChartInstallsTheGeneratedCRDs(t *testing.T) {
	generated, err := filepath.Glob("../config/crd/bases/*.yaml")
	if err != nil || len(generated) == 0 {
		t.Fatalf("no generated CRDs in config/crd/bases (run `make manifests`): %v", err)
	}
	for _, g := range generated {
		want, _ := os.ReadFile(g)
		got, err := os.ReadFile(filepath.Join("croupier", "crds", filepath.Base(g)))
		if err != nil || !bytes.Equal(want, got) {
			t.Errorf("charts/croupier/crds/%s differs from %s: run `make manifests`", filepath.Base(g), g)
		}
	}
	if n := len(find(render(t), "CustomResourceDefinition")); n != len(generated) {
		t.Errorf("chart renders %d CRDs, config/crd/bases has %d", n, len(generated))
	}
}

func TestChartClusterRoleIsTheGeneratedOne(t *testing.T) {
	b, err := os.ReadFile("../config/rbac/role.yaml")
	if err != nil {
		t.Fatalf("read generated role (run `make manifests`): %v", err)
	}
	var want rbacv1.ClusterRole
	if err := yaml.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	var roles []*unstructured.Unstructured
	for _, r := range find(render(t), "ClusterRole") {
		if strings.HasSuffix(r.GetName(), "-operator") {
			roles = append(roles, r)
		}
	}
	if len(roles) != 1 {
		t.Fatalf("chart renders %d operator ClusterRoles, want 1", len(roles))
	}
	var got rbacv1.ClusterRole
	convert(t, roles[0], &got)
	wantRules, _ := yaml.Marshal(want.Rules)
	gotRules, _ := yaml.Marshal(got.Rules)
	if !bytes.Equal(wantRules, gotRules) {
		t.Errorf("chart ClusterRole rules differ from config/rbac/role.yaml (run `make manifests`)\nchart:\n%s\ngenerated:\n%s", gotRules, wantRules)
	}
	for _, r := range got.Rules {
		for _, v := range r.Verbs {
			if v == "*" {
				t.Errorf("ClusterRole grants every verb on %v", r.Resources)
			}
		}
		for _, res := range r.Resources {
			if res == "*" || res == "secrets" {
				t.Errorf("ClusterRole grants %q: the operator never needs it", res)
			}
		}
	}
}

func TestChartPodsMeetTheRestrictedProfile(t *testing.T) {
	for _, set := range [][]string{nil, {"redis.bundled=false", "redis.addrs=redis.example:6379", "redis.passwordSecret=redis-auth"}} {
		deployments := find(render(t, set...), "Deployment")
		if len(deployments) == 0 {
			t.Fatalf("values %v: no Deployment rendered", set)
		}
		for _, u := range deployments {
			var d appsv1.Deployment
			convert(t, u, &d)
			checkRestricted(t, d.Name, d.Spec.Template.Spec)
		}
	}
}

func checkRestricted(t *testing.T, name string, spec corev1.PodSpec) {
	t.Helper()
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		t.Errorf("%s: pod does not set runAsNonRoot", name)
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod seccomp profile is not RuntimeDefault", name)
	}
	for _, c := range spec.Containers {
		sc := c.SecurityContext
		switch {
		case sc == nil:
			t.Errorf("%s/%s: no securityContext", name, c.Name)
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			t.Errorf("%s/%s: privilege escalation allowed", name, c.Name)
		case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) > 0:
			t.Errorf("%s/%s: capabilities are not exactly drop ALL", name, c.Name)
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			t.Errorf("%s/%s: root filesystem is writable", name, c.Name)
		}
	}
}

func TestChartKeepsSessionKeysAcrossUpgrades(t *testing.T) {
	secrets := find(render(t), "Secret")
	if len(secrets) != 1 {
		t.Fatalf("chart renders %d Secrets, want the session keys only", len(secrets))
	}
	s := secrets[0]
	if s.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
		t.Error("session-keys Secret would be deleted on uninstall, logging every player out")
	}
	data, _, _ := unstructured.NestedStringMap(s.Object, "data")
	if len(data) != 1 {
		t.Errorf("session-keys Secret has %d keys, want one fresh key", len(data))
	}
	if n := len(find(render(t, "sessionKeys.existingSecret=mine"), "Secret")); n != 0 {
		t.Errorf("with sessionKeys.existingSecret the chart still renders %d Secrets", n)
	}
}
