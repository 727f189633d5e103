// Package charts tests the Helm chart by rendering it with the helm binary
// the repository builds (make tools) and checking what a platform engineer
// relies on: the chart installs exactly the generated CRDs and RBAC, and
// every pod it runs meets the restricted Pod Security profile, it prepares
// each namespace that holds rooms, and it refuses values that cannot work.
package charts

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

func templateArgs(set []string) []string {
	args := []string{"template", "croupier", "croupier", "--namespace", "games", "--include-crds"}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	return args
}

// helmFails renders the chart with the values set, expects helm to refuse
// them, and returns what it told the user.
func helmFails(t *testing.T, set ...string) string {
	t.Helper()
	out, err := exec.Command(helmBinary(t), templateArgs(set)...).CombinedOutput()
	if err == nil {
		t.Fatalf("helm accepted %v", set)
	}
	return string(out)
}

func render(t *testing.T, set ...string) []*unstructured.Unstructured {
	t.Helper()
	args := templateArgs(set)
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

// generatedRBAC reads the operator's rules as controller-gen wrote them:
// the cluster-wide ClusterRole and the namespaced Role.
func generatedRBAC(t *testing.T) (rbacv1.ClusterRole, rbacv1.Role) {
	t.Helper()
	b, err := os.ReadFile("../config/rbac/role.yaml")
	if err != nil {
		t.Fatalf("read generated role (run `make manifests`): %v", err)
	}
	var cr rbacv1.ClusterRole
	var r rbacv1.Role
	for _, doc := range strings.Split(string(b), "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		switch meta.Kind {
		case "ClusterRole":
			err = yaml.Unmarshal([]byte(doc), &cr)
		case "Role":
			err = yaml.Unmarshal([]byte(doc), &r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(cr.Rules) == 0 || len(r.Rules) == 0 {
		t.Fatalf("config/rbac/role.yaml has %d cluster-wide and %d namespaced rules: run `make manifests`", len(cr.Rules), len(r.Rules))
	}
	return cr, r
}

func rulesYAML(t *testing.T, rules []rbacv1.PolicyRule) string {
	t.Helper()
	b, err := yaml.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The chart's operator RBAC is exactly what controller-gen generated from
// the markers: the ClusterRole once, the pods Role in every room
// namespace, and neither grants more than the operator uses.
func TestChartOperatorRBACIsTheGeneratedOne(t *testing.T) {
	wantCluster, wantNamespaced := generatedRBAC(t)
	objs := render(t, "gameservers.namespaces={tables,lobby}")
	var roles []*unstructured.Unstructured
	for _, r := range find(objs, "ClusterRole") {
		if strings.HasSuffix(r.GetName(), "-operator") {
			roles = append(roles, r)
		}
	}
	if len(roles) != 1 {
		t.Fatalf("chart renders %d operator ClusterRoles, want 1", len(roles))
	}
	var got rbacv1.ClusterRole
	convert(t, roles[0], &got)
	if g, w := rulesYAML(t, got.Rules), rulesYAML(t, wantCluster.Rules); g != w {
		t.Errorf("chart ClusterRole rules differ from config/rbac/role.yaml (run `make manifests`)\nchart:\n%s\ngenerated:\n%s", g, w)
	}
	var namespaces []string
	for _, u := range find(objs, "Role") {
		if u.GetName() != "croupier-operator" {
			continue
		}
		var r rbacv1.Role
		convert(t, u, &r)
		namespaces = append(namespaces, r.Namespace)
		if g, w := rulesYAML(t, r.Rules), rulesYAML(t, wantNamespaced.Rules); g != w {
			t.Errorf("chart Role in %s differs from config/rbac/role.yaml (run `make manifests`)\nchart:\n%s\ngenerated:\n%s", r.Namespace, g, w)
		}
	}
	slices.Sort(namespaces)
	if !slices.Equal(namespaces, []string{"lobby", "tables"}) {
		t.Errorf("operator pods Role in %v, want lobby and tables", namespaces)
	}
	for _, r := range append(got.Rules, wantNamespaced.Rules...) {
		for _, v := range r.Verbs {
			if v == "*" {
				t.Errorf("operator RBAC grants every verb on %v", r.Resources)
			}
		}
		for _, res := range r.Resources {
			if res == "*" || res == "secrets" {
				t.Errorf("operator RBAC grants %q: the operator never needs it", res)
			}
		}
	}
	for _, r := range got.Rules {
		if slices.Contains(r.Resources, "pods") {
			t.Error("the operator's ClusterRole grants pods in every namespace")
		}
	}
}

func TestChartPodsMeetTheRestrictedProfile(t *testing.T) {
	for _, set := range [][]string{nil, {"redis.bundled=false", "redis.addrs=redis.example:6379", "redis.passwordSecret=redis-auth"}} {
		objs := render(t, set...)
		deployments := find(objs, "Deployment")
		if len(deployments) == 0 {
			t.Fatalf("values %v: no Deployment rendered", set)
		}
		for _, u := range deployments {
			var d appsv1.Deployment
			convert(t, u, &d)
			checkRestricted(t, d.Name, d.Spec.Template.Spec)
		}
		for _, u := range find(objs, "StatefulSet") {
			var s appsv1.StatefulSet
			convert(t, u, &s)
			checkRestricted(t, s.Name, s.Spec.Template.Spec)
		}
	}
	if n := len(find(render(t), "StatefulSet")); n != 1 {
		t.Errorf("the bundled Redis renders %d StatefulSets, want 1", n)
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
		case sc.Privileged != nil && *sc.Privileged:
			t.Errorf("%s/%s: privileged", name, c.Name)
		}
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				t.Errorf("%s/%s: host port %d", name, c.Name, p.HostPort)
			}
		}
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Errorf("%s: shares a host namespace", name)
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			t.Errorf("%s: hostPath volume %s", name, v.Name)
		}
	}
}

func TestChartKeepsSessionKeysAcrossUpgrades(t *testing.T) {
	secrets := named(find(render(t), "Secret"), "croupier-session-keys")
	if len(secrets) != 1 {
		t.Fatalf("chart renders %d session-keys Secrets, want one in the release namespace", len(secrets))
	}
	s := secrets[0]
	if s.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
		t.Error("session-keys Secret would be deleted on uninstall, logging every player out")
	}
	data, _, _ := unstructured.NestedStringMap(s.Object, "data")
	if len(data) != 1 {
		t.Errorf("session-keys Secret has %d keys, want one fresh key", len(data))
	}
	if n := len(named(find(render(t, "sessionKeys.existingSecret=mine", "gameservers.namespaces={a,b}"), "Secret"), "mine", "croupier-session-keys")); n != 0 {
		t.Errorf("with sessionKeys.existingSecret the chart still renders %d session-keys Secrets", n)
	}
}

// named keeps the objects with one of the names.
func named(objs []*unstructured.Unstructured, names ...string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if slices.Contains(names, o.GetName()) {
			out = append(out, o)
		}
	}
	return out
}

// A rolling upgrade starts the new operator before the old one stops: with
// one replica as with more, only the lease holder may act (docs/API.md).
func TestChartOperatorAlwaysElectsALeader(t *testing.T) {
	for _, replicas := range []string{"1", "3"} {
		operators := named(find(render(t, "operator.replicas="+replicas), "Deployment"), "croupier-operator")
		if len(operators) != 1 {
			t.Fatalf("operator.replicas=%s: %d croupier-operator Deployments rendered", replicas, len(operators))
		}
		var d appsv1.Deployment
		convert(t, operators[0], &d)
		if args := d.Spec.Template.Spec.Containers[0].Args; !slices.Contains(args, "--leader-elect=true") {
			t.Errorf("operator.replicas=%s: operator args %v, want --leader-elect=true", replicas, args)
		}
	}
}
