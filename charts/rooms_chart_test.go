package charts

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// inNamespace returns the object of kind and name in namespace ns, or nil.
func inNamespace(objs []*unstructured.Unstructured, kind, ns, name string) *unstructured.Unstructured {
	for _, o := range find(objs, kind) {
		if o.GetNamespace() == ns && o.GetName() == name {
			return o
		}
	}
	return nil
}

// Every namespace that holds rooms gets what a room's pod needs there, the
// same Secrets as the release, and the operator and router may act there
// and nowhere else.
func TestChartPreparesEveryRoomNamespace(t *testing.T) {
	for _, tt := range []struct {
		set   []string
		rooms []string // namespaces prepared for rooms
		plain []string // namespaces with the Secrets only
		arg   string
	}{
		{nil, []string{"games"}, nil, "--room-namespaces=games"},
		{[]string{"gameservers.namespaces={tables,lobby}"}, []string{"tables", "lobby"}, []string{"games"}, "--room-namespaces=tables,lobby"},
		{[]string{"gameservers.namespaces={games,tables}"}, []string{"games", "tables"}, nil, "--room-namespaces=games,tables"},
	} {
		t.Run(strings.Join(tt.set, ","), func(t *testing.T) {
			objs := render(t, tt.set...)
			checkUnique(t, objs)
			keys := map[string]string{}
			passwords := map[string]string{}
			for _, ns := range append(slices.Clone(tt.rooms), tt.plain...) {
				for _, name := range []string{"croupier-session-keys", "croupier-redis"} {
					s := inNamespace(objs, "Secret", ns, name)
					if s == nil {
						t.Errorf("no Secret %s in %s", name, ns)
						continue
					}
					if s.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
						t.Errorf("Secret %s/%s is not kept on uninstall", ns, name)
					}
					data, _, _ := unstructured.NestedStringMap(s.Object, "data")
					if name == "croupier-redis" {
						passwords[ns] = data["password"]
					} else {
						keys[ns] = fmt.Sprint(data)
					}
				}
			}
			checkSame(t, "session keys", keys)
			checkSame(t, "Redis password", passwords)

			for _, ns := range tt.rooms {
				checkBinding(t, inNamespace(objs, "RoleBinding", ns, "croupier-operator"), ns, "Role", "croupier-operator", "croupier-operator")
				checkBinding(t, inNamespace(objs, "RoleBinding", ns, "croupier-router"), ns, "ClusterRole", "croupier-router", "croupier-router")
				if inNamespace(objs, "Role", ns, "croupier-operator") == nil {
					t.Errorf("no operator pods Role in %s", ns)
				}
				if inNamespace(objs, "NetworkPolicy", ns, "croupier-game-pods") == nil {
					t.Errorf("no game-pod NetworkPolicy in %s", ns)
				}
			}
			for _, ns := range tt.plain {
				for _, kind := range []string{"Role", "RoleBinding"} {
					if inNamespace(objs, kind, ns, "croupier-operator") != nil {
						t.Errorf("the operator gets a %s in %s, which holds no rooms", kind, ns)
					}
				}
				if inNamespace(objs, "RoleBinding", ns, "croupier-router") != nil {
					t.Errorf("the router may read GameRooms in %s, which holds no rooms", ns)
				}
			}

			op := deployment(t, objs, "croupier-operator").Spec.Template.Spec.Containers[0]
			for _, want := range []string{tt.arg, "--redis-secret=croupier-redis"} {
				if !slices.Contains(op.Args, want) {
					t.Errorf("operator args %v lack %s", op.Args, want)
				}
			}
			checkPasswordEnv(t, op, "croupier-redis")
		})
	}
}

func checkBinding(t *testing.T, u *unstructured.Unstructured, ns, kind, role, subject string) {
	t.Helper()
	if u == nil {
		t.Errorf("no RoleBinding to %s %s in %s", kind, role, ns)
		return
	}
	var b rbacv1.RoleBinding
	convert(t, u, &b)
	if b.RoleRef.Kind != kind || b.RoleRef.Name != role || len(b.Subjects) != 1 ||
		b.Subjects[0].Kind != "ServiceAccount" || b.Subjects[0].Name != subject || b.Subjects[0].Namespace != "games" {
		t.Errorf("RoleBinding %s/%s binds %+v to %+v, want %s %s to ServiceAccount games/%s", ns, b.Name, b.RoleRef, b.Subjects, kind, role, subject)
	}
}

// checkPasswordEnv: the operator reads the Redis password from the Secret,
// never from a literal value.
func checkPasswordEnv(t *testing.T, c corev1.Container, secret string) {
	t.Helper()
	for _, e := range c.Env {
		if e.Name == "CROUPIER_REDIS_PASSWORD" {
			if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil ||
				e.ValueFrom.SecretKeyRef.Name != secret || e.ValueFrom.SecretKeyRef.Key != "password" {
				t.Errorf("CROUPIER_REDIS_PASSWORD is %+v, want Secret %s key password", e, secret)
			}
			return
		}
	}
	t.Errorf("container %s has no CROUPIER_REDIS_PASSWORD", c.Name)
}

func checkSame(t *testing.T, what string, byNamespace map[string]string) {
	t.Helper()
	var first string
	for ns, v := range byNamespace {
		if v == "" || v == "map[]" {
			t.Errorf("%s in %s are empty", what, ns)
		}
		if first == "" {
			first = v
		} else if v != first {
			t.Errorf("%s differ between namespaces: %v", what, byNamespace)
			return
		}
	}
}

// checkUnique: the API server refuses a release with one object twice.
func checkUnique(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	seen := map[string]bool{}
	for _, o := range objs {
		k := o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
		if seen[k] {
			t.Errorf("%s is rendered twice", k)
		}
		seen[k] = true
	}
}

// An external Redis: the operator and game pods use the Secret the
// platform team names, the chart runs no Redis and makes no password.
func TestChartExternalRedis(t *testing.T) {
	objs := render(t, "redis.bundled=false", "redis.mode=sentinel", "redis.addrs=s1:26379\\,s2:26379",
		"redis.masterName=main", "redis.passwordSecret=redis-auth", "redis.tls=true")
	if n := len(find(objs, "StatefulSet")) + len(named(find(objs, "Secret"), "croupier-redis", "croupier-redis-config")); n != 0 {
		t.Errorf("with redis.bundled=false the chart still renders %d Redis objects", n)
	}
	op := deployment(t, objs, "croupier-operator").Spec.Template.Spec.Containers[0]
	for _, want := range []string{"--redis-mode=sentinel", "--redis-addrs=s1:26379,s2:26379", "--redis-master-name=main",
		"--redis-secret=redis-auth", "--redis-tls"} {
		if !slices.Contains(op.Args, want) {
			t.Errorf("operator args %v lack %s", op.Args, want)
		}
	}
	checkPasswordEnv(t, op, "redis-auth")

	op = deployment(t, render(t, "redis.bundled=false", "redis.addrs=r:6379"), "croupier-operator").Spec.Template.Spec.Containers[0]
	for _, a := range op.Args {
		if strings.HasPrefix(a, "--redis-secret") || a == "--redis-tls" {
			t.Errorf("an external Redis without password or TLS renders %s", a)
		}
	}
	if len(op.Env) != 0 {
		t.Errorf("an external Redis without password renders env %v", op.Env)
	}
	if msg := helmFails(t, "redis.tls=true"); !strings.Contains(msg, "redis.tls applies to an external Redis") {
		t.Errorf("redis.tls with the bundled Redis: %s", msg)
	}
	for _, mode := range []string{"sentinel", "cluster"} {
		if msg := helmFails(t, "redis.mode="+mode); !strings.Contains(msg, "redis.mode="+mode+" applies to an external Redis") {
			t.Errorf("redis.mode=%s with the bundled Redis: %q, want a refusal saying it needs an external Redis", mode, msg)
		}
	}
	if msg := helmFails(t, "redis.passwordSecret=mine"); !strings.Contains(msg, "redis.passwordSecret applies to an external Redis") {
		t.Errorf("redis.passwordSecret with the bundled Redis: %s", msg)
	}
}
