package install

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// helmBinary is $HELM, or the newest helm `make tools` built into bin/.
func helmBinary() (string, error) {
	if h := os.Getenv("HELM"); h != "" {
		return h, nil
	}
	matches, _ := filepath.Glob(gameroomtest.RepoPath("bin", "helm-v*"))
	if len(matches) == 0 {
		return "", errors.New("no helm binary in bin/: run `make tools`")
	}
	return matches[len(matches)-1], nil
}

// helm runs the helm binary as the cluster admin, with a home of its own
// so nothing of the user's helm configuration takes part.
func helm(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(env.helm, append(args, "--kubeconfig", env.kubeconfig)...)
	home := filepath.Join(env.dir, "helm")
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
	)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), stderr.String())
	}
	return out.String()
}

// chartDir is the chart under test.
func chartDir() string { return gameroomtest.RepoPath("charts", "croupier") }

// decodeManifest splits a rendered manifest into its objects.
func decodeManifest(t testing.TB, manifest string) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var objs []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return objs
			}
			t.Fatalf("decode manifest: %v", err)
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

// release is what one `helm install` or `helm upgrade` left in the cluster,
// as `helm get manifest` tells it.
type release struct {
	name, namespace string
	objects         []*unstructured.Unstructured
}

func getRelease(t testing.TB, name, namespace string) release {
	t.Helper()
	return release{name: name, namespace: namespace,
		objects: decodeManifest(t, helm(t, "get", "manifest", name, "--namespace", namespace))}
}

func (r release) find(kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range r.objects {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// deployment is the release's Deployment of one component (the
// app.kubernetes.io/component label the chart gives each role).
func (r release) deployment(t testing.TB, component string) *appsv1.Deployment {
	t.Helper()
	for _, u := range r.find("Deployment") {
		if u.GetLabels()["app.kubernetes.io/component"] != component {
			continue
		}
		d := &appsv1.Deployment{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, d); err != nil {
			t.Fatalf("Deployment %s: %v", u.GetName(), err)
		}
		return d
	}
	t.Fatalf("release %s renders no Deployment of component %s", r.name, component)
	return nil
}

// container is the role's container of the component's Deployment, and
// the flags the chart gives the role (its args after the role's name).
func (r release) container(t testing.TB, component string) (corev1.Container, []string) {
	t.Helper()
	d := r.deployment(t, component)
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("Deployment %s has %d containers, want 1", d.Name, len(d.Spec.Template.Spec.Containers))
	}
	c := d.Spec.Template.Spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != component {
		t.Fatalf("Deployment %s runs %q, not the %s role", d.Name, c.Args, component)
	}
	return c, c.Args[1:]
}

// flagValue is the value the chart gives --name, and whether it gives one.
func flagValue(args []string, name string) (string, bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// override replaces (or adds) each --name=value of set in args, keeping
// every other flag as the chart rendered it.
func override(args []string, set map[string]string) []string {
	out := make([]string, 0, len(args)+len(set))
	done := map[string]bool{}
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if v, ok := set[name]; ok {
			out = append(out, fmt.Sprintf("--%s=%s", name, v))
			done[name] = true
			continue
		}
		out = append(out, a)
	}
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if !done[name] {
			out = append(out, fmt.Sprintf("--%s=%s", name, set[name]))
		}
	}
	return out
}
