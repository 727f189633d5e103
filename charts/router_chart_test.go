package charts

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func byName(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range find(objs, kind) {
		if o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s rendered", kind, name)
	return nil
}

func deployment(t *testing.T, objs []*unstructured.Unstructured, name string) appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	convert(t, byName(t, objs, "Deployment", name), &d)
	return d
}

func TestChartRouterRunsTwoSpreadReplicasWithABudget(t *testing.T) {
	objs := render(t)
	d := deployment(t, objs, "croupier-router")
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("router replicas %v, want 2", d.Spec.Replicas)
	}
	spread := d.Spec.Template.Spec.TopologySpreadConstraints
	if len(spread) == 0 || spread[0].TopologyKey != "kubernetes.io/hostname" {
		t.Errorf("router pods are not spread across nodes: %+v", spread)
	}
	for _, s := range spread {
		if !matches(s.LabelSelector.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("spread constraint %s selects %v, not the router's pods", s.TopologyKey, s.LabelSelector.MatchLabels)
		}
	}
	var pdb policyv1.PodDisruptionBudget
	convert(t, byName(t, objs, "PodDisruptionBudget", "croupier-router"), &pdb)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 || !matches(pdb.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
		t.Errorf("router PDB %+v does not keep one router pod", pdb.Spec)
	}
	var svc corev1.Service
	convert(t, byName(t, objs, "Service", "croupier-router"), &svc)
	if svc.Spec.Type != corev1.ServiceTypeClusterIP || !matches(svc.Spec.Selector, d.Spec.Template.Labels) {
		t.Errorf("router Service %+v", svc.Spec)
	}
	convert(t, byName(t, render(t, "router.service.type=LoadBalancer"), "Service", "croupier-router"), &svc)
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		t.Errorf("router.service.type=LoadBalancer renders a %s Service", svc.Spec.Type)
	}
	c := d.Spec.Template.Spec.Containers[0]
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Error("router readiness is not its /readyz")
	}
	mounted := false
	for _, v := range d.Spec.Template.Spec.Volumes {
		mounted = mounted || (v.Secret != nil && v.Secret.SecretName == "croupier-session-keys")
	}
	if !mounted || !slices.Contains(c.Args, "--session-keys-dir=/var/run/croupier/session-keys") {
		t.Error("the router does not read the session keys the game pods sign with")
	}
	if grace := *d.Spec.Template.Spec.TerminationGracePeriodSeconds; grace < 25 {
		t.Errorf("terminationGracePeriodSeconds %d is shorter than drainDelay + shutdownGrace", grace)
	}
	for _, d := range find(render(t, "router.enabled=false"), "Deployment") {
		if d.GetName() == "croupier-router" {
			t.Error("router.enabled=false still renders the router's Deployment")
		}
	}
}

func matches(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return len(selector) > 0
}

func TestChartRouterReadsGameRoomsAndNothingElse(t *testing.T) {
	var role rbacv1.ClusterRole
	convert(t, byName(t, render(t), "ClusterRole", "croupier-router"), &role)
	want := []rbacv1.PolicyRule{{APIGroups: []string{"games.croupier.dev"}, Resources: []string{"gamerooms"}, Verbs: []string{"get", "list", "watch"}}}
	if len(role.Rules) != 1 || !slices.Equal(role.Rules[0].Verbs, want[0].Verbs) ||
		!slices.Equal(role.Rules[0].Resources, want[0].Resources) || !slices.Equal(role.Rules[0].APIGroups, want[0].APIGroups) {
		t.Errorf("router ClusterRole rules %+v, want %+v", role.Rules, want)
	}
	for _, tt := range []struct {
		set  []string
		want []string
		arg  string
	}{
		{nil, []string{"games"}, "--namespaces=games"},
		{[]string{"gameservers.namespaces={tables,lobby}"}, []string{"lobby", "tables"}, "--namespaces=tables,lobby"},
	} {
		objs := render(t, tt.set...)
		for _, b := range find(objs, "ClusterRoleBinding") {
			if b.GetName() == "croupier-router" {
				t.Errorf("values %v: the router may read GameRooms in every namespace", tt.set)
			}
		}
		var got []string
		for _, u := range find(objs, "RoleBinding") {
			if u.GetName() != "croupier-router" {
				continue
			}
			var b rbacv1.RoleBinding
			convert(t, u, &b)
			if b.RoleRef.Kind != "ClusterRole" || b.RoleRef.Name != "croupier-router" || len(b.Subjects) != 1 ||
				b.Subjects[0].Name != "croupier-router" || b.Subjects[0].Namespace != "games" {
				t.Errorf("router RoleBinding in %s binds %+v to %+v", b.Namespace, b.RoleRef, b.Subjects)
			}
			got = append(got, b.Namespace)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("values %v: router RoleBindings in %v, want %v", tt.set, got, tt.want)
		}
		d := deployment(t, objs, "croupier-router")
		if !slices.Contains(d.Spec.Template.Spec.Containers[0].Args, tt.arg) {
			t.Errorf("values %v: router args %v do not name its namespaces (%s)", tt.set, d.Spec.Template.Spec.Containers[0].Args, tt.arg)
		}
	}
}

// The router checks browsers' Origin and passes none on to the pods, so
// the pods' list holds only what reaches them directly.
func TestChartOriginsOfTheRouterAndOfTheGamePods(t *testing.T) {
	objs := render(t, "router.publicOrigin=https://play.example", "gameserver.allowedOrigins={https://admin.example}")
	op := deployment(t, objs, "croupier-operator")
	if !slices.Contains(op.Spec.Template.Spec.Containers[0].Args, "--allowed-origins=https://admin.example") {
		t.Errorf("operator args %v: game pods do not get gameserver.allowedOrigins alone", op.Spec.Template.Spec.Containers[0].Args)
	}
	r := deployment(t, objs, "croupier-router")
	if !slices.Contains(r.Spec.Template.Spec.Containers[0].Args, "--allowed-origins=https://play.example") {
		t.Errorf("router args %v do not accept its public origin", r.Spec.Template.Spec.Containers[0].Args)
	}
	for _, a := range deployment(t, render(t), "croupier-router").Spec.Template.Spec.Containers[0].Args {
		if strings.HasPrefix(a, "--allowed-origins") {
			t.Errorf("without a public origin the router should accept its own host only, got %s", a)
		}
	}
	for _, a := range deployment(t, render(t, "router.publicOrigin=https://play.example"), "croupier-operator").Spec.Template.Spec.Containers[0].Args {
		if strings.HasPrefix(a, "--allowed-origins") {
			t.Errorf("without gameserver.allowedOrigins game pods should accept their own host only, got %s", a)
		}
	}
}

func TestChartRouterIngressAndHTTPRouteAreOptional(t *testing.T) {
	objs := render(t)
	if len(find(objs, "Ingress"))+len(find(objs, "HTTPRoute")) != 0 {
		t.Error("an Ingress or HTTPRoute is rendered by default")
	}
	objs = render(t, "router.ingress.enabled=true", "router.ingress.host=play.example", "router.ingress.tlsSecret=play-tls", "router.ingress.className=nginx")
	var ing networkingv1.Ingress
	convert(t, byName(t, objs, "Ingress", "croupier-router"), &ing)
	if ing.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] != "3600" {
		t.Errorf("Ingress annotations %v would time websockets out", ing.Annotations)
	}
	rule := ing.Spec.Rules[0]
	if rule.Host != "play.example" || rule.HTTP.Paths[0].Path != "/" || rule.HTTP.Paths[0].Backend.Service.Name != "croupier-router" {
		t.Errorf("Ingress rule %+v", rule)
	}
	if len(ing.Spec.TLS) != 1 || ing.Spec.TLS[0].SecretName != "play-tls" {
		t.Errorf("Ingress TLS %+v", ing.Spec.TLS)
	}
	objs = render(t, "router.httpRoute.enabled=true", "router.httpRoute.parentRefs[0].name=public", "router.httpRoute.hostnames={play.example}")
	route := byName(t, objs, "HTTPRoute", "croupier-router")
	if route.GetAPIVersion() != "gateway.networking.k8s.io/v1" {
		t.Errorf("HTTPRoute apiVersion %s", route.GetAPIVersion())
	}
	refs, _, _ := unstructured.NestedSlice(route.Object, "spec", "parentRefs")
	backends, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules")
	if len(refs) != 1 || len(backends) != 1 {
		t.Errorf("HTTPRoute spec %v", route.Object["spec"])
	}
}
