package charts

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

// pod is a client of a policy: where it runs and how it is labelled.
type pod struct {
	name      string
	namespace string
	labels    map[string]string
}

func selects(t *testing.T, s *metav1.LabelSelector, l map[string]string) bool {
	t.Helper()
	if s == nil {
		return true
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		t.Fatalf("selector %+v: %v", s, err)
	}
	return sel.Matches(labels.Set(l))
}

// admits evaluates a NetworkPolicy the way the API defines it: does any
// ingress rule admit a connection from p to the named port?
func admits(t *testing.T, np networkingv1.NetworkPolicy, p pod, port string) bool {
	t.Helper()
	for _, rule := range np.Spec.Ingress {
		portOK := len(rule.Ports) == 0
		for _, rp := range rule.Ports {
			portOK = portOK || (rp.Port != nil && rp.Port.String() == port)
		}
		if !portOK {
			continue
		}
		for _, peer := range rule.From {
			nsOK := peer.NamespaceSelector == nil && p.namespace == np.Namespace ||
				peer.NamespaceSelector != nil && selects(t, peer.NamespaceSelector, map[string]string{"kubernetes.io/metadata.name": p.namespace})
			if nsOK && (peer.PodSelector == nil || selects(t, peer.PodSelector, p.labels)) {
				return true
			}
		}
	}
	return false
}

func policy(t *testing.T, objs []*unstructured.Unstructured, ns, name string) networkingv1.NetworkPolicy {
	t.Helper()
	u := inNamespace(objs, "NetworkPolicy", ns, name)
	if u == nil {
		t.Fatalf("no NetworkPolicy %s in %s", name, ns)
	}
	var np networkingv1.NetworkPolicy
	convert(t, u, &np)
	if len(np.Spec.PolicyTypes) != 1 || np.Spec.PolicyTypes[0] != networkingv1.PolicyTypeIngress {
		t.Errorf("NetworkPolicy %s/%s restricts %v, want ingress only", ns, name, np.Spec.PolicyTypes)
	}
	return np
}

// Who reaches the bundled Redis and the game pods, with the policies on:
// exactly what docs/INSTALL.md promises.
func TestChartNetworkPoliciesAdmitOnlyCroupier(t *testing.T) {
	objs := render(t, "gameservers.namespaces={tables,lobby}")
	labelsOf := func(name string) map[string]string {
		return deployment(t, objs, name).Spec.Template.Labels
	}
	release := map[string]string{"app.kubernetes.io/instance": "croupier"}
	with := func(extra map[string]string) map[string]string {
		l := map[string]string{"app.kubernetes.io/name": "croupier"}
		for k, v := range release {
			l[k] = v
		}
		for k, v := range extra {
			l[k] = v
		}
		return l
	}
	var (
		operator      = pod{"operator", "games", labelsOf("croupier-operator")}
		router        = pod{"router", "games", labelsOf("croupier-router")}
		matchmaker    = pod{"matchmaker", "games", with(map[string]string{"app.kubernetes.io/component": "matchmaker"})}
		gameTables    = pod{"game pod in tables", "tables", map[string]string{"games.croupier.dev/room": "a", "app.kubernetes.io/component": "gameserver"}}
		gameElsewhere = pod{"game pod in an unprepared namespace", "other", map[string]string{"games.croupier.dev/room": "a"}}
		otherRelease  = pod{"router of another release", "games", map[string]string{"app.kubernetes.io/instance": "other", "app.kubernetes.io/component": "router"}}
		routerElsewh  = pod{"router labels in another namespace", "other", labelsOf("croupier-router")}
		stranger      = pod{"any other pod of the namespace", "games", map[string]string{"app": "debug"}}
		strangerRooms = pod{"any other pod of a room namespace", "tables", map[string]string{"app": "debug"}}
	)

	redisNP := policy(t, objs, "games", "croupier-redis")
	if !selects(t, &redisNP.Spec.PodSelector, statefulSet(t, objs, "croupier-redis").Spec.Template.Labels) {
		t.Error("the Redis NetworkPolicy does not select the Redis pod")
	}
	for _, tt := range []struct {
		p    pod
		want bool
	}{
		{operator, true}, {matchmaker, true}, {gameTables, true},
		{router, false}, {gameElsewhere, false}, {otherRelease, false}, {stranger, false}, {strangerRooms, false},
	} {
		if got := admits(t, redisNP, tt.p, "redis"); got != tt.want {
			t.Errorf("Redis admits %s: %v, want %v", tt.p.name, got, tt.want)
		}
	}

	for _, ns := range []string{"tables", "lobby"} {
		gameNP := policy(t, objs, ns, "croupier-game-pods")
		if !selects(t, &gameNP.Spec.PodSelector, gameTables.labels) || selects(t, &gameNP.Spec.PodSelector, strangerRooms.labels) {
			t.Errorf("the game-pod NetworkPolicy in %s selects %v: not exactly the game pods", ns, gameNP.Spec.PodSelector)
		}
		for _, tt := range []struct {
			p    pod
			want bool
		}{
			{router, true}, {matchmaker, true},
			{operator, false}, {otherRelease, false}, {routerElsewh, false}, {stranger, false}, {strangerRooms, false}, {gameTables, false},
		} {
			if got := admits(t, gameNP, tt.p, "game"); got != tt.want {
				t.Errorf("game pods in %s admit %s: %v, want %v", ns, tt.p.name, got, tt.want)
			}
		}
	}
	// The matchmaker: the router alone, so nobody inside the cluster
	// seats players or makes rooms past the router's join limits.
	mmNP := policy(t, objs, "games", "croupier-matchmaker")
	if !selects(t, &mmNP.Spec.PodSelector, labelsOf("croupier-matchmaker")) || selects(t, &mmNP.Spec.PodSelector, router.labels) {
		t.Errorf("the matchmaker NetworkPolicy selects %v: not exactly the matchmaker", mmNP.Spec.PodSelector)
	}
	for _, tt := range []struct {
		p    pod
		want bool
	}{
		{router, true},
		{operator, false}, {otherRelease, false}, {routerElsewh, false}, {stranger, false}, {gameTables, false},
	} {
		if got := admits(t, mmNP, tt.p, "http"); got != tt.want {
			t.Errorf("the matchmaker admits %s: %v, want %v", tt.p.name, got, tt.want)
		}
	}
	if inNamespace(render(t, "matchmaker.enabled=false"), "NetworkPolicy", "games", "croupier-matchmaker") != nil {
		t.Error("a matchmaker NetworkPolicy without a matchmaker")
	}

	if inNamespace(objs, "NetworkPolicy", "games", "croupier-game-pods") != nil {
		t.Error("a game-pod NetworkPolicy in the release namespace, which holds no rooms")
	}

	if n := len(find(render(t, "networkPolicy.enabled=false"), "NetworkPolicy")); n != 0 {
		t.Errorf("networkPolicy.enabled=false renders %d NetworkPolicies", n)
	}
	ext := render(t, "redis.bundled=false", "redis.addrs=r:6379")
	if inNamespace(ext, "NetworkPolicy", "games", "croupier-redis") != nil || inNamespace(ext, "NetworkPolicy", "games", "croupier-game-pods") == nil {
		t.Error("with an external Redis the chart should keep the game-pod policy and drop the Redis one")
	}
}

// With game pods scraped, the peers named in networkPolicy.metricsFrom
// may reach their port, and nobody else gains anything.
func TestChartNetworkPolicyLetsPrometheusScrapeGamePods(t *testing.T) {
	prometheus := pod{"prometheus", "monitoring", map[string]string{"app.kubernetes.io/name": "prometheus"}}
	peer := "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring"
	np := policy(t, render(t, "metrics.podMonitor.enabled=true", peer), "games", "croupier-game-pods")
	if !admits(t, np, prometheus, "game") {
		t.Error("Prometheus cannot scrape game pods with metrics.podMonitor and networkPolicy.metricsFrom set")
	}
	if admits(t, np, pod{"stranger", "games", map[string]string{"app": "debug"}}, "game") {
		t.Error("metricsFrom opened game pods to everyone")
	}
	np = policy(t, render(t, peer), "games", "croupier-game-pods")
	if admits(t, np, prometheus, "game") {
		t.Error("metricsFrom opens game pods while nothing scrapes them")
	}
	// The matchmaker serves /metrics on its one port; the chart has no
	// monitor for it, so metricsFrom alone lets a scraper in.
	if !admits(t, policy(t, render(t, peer), "games", "croupier-matchmaker"), prometheus, "http") {
		t.Error("the peers in networkPolicy.metricsFrom cannot scrape the matchmaker")
	}
	if admits(t, policy(t, render(t), "games", "croupier-matchmaker"), prometheus, "http") {
		t.Error("the matchmaker admits Prometheus with networkPolicy.metricsFrom empty")
	}
}
