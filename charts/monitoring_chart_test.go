package charts

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestChartMonitorsAreOffByDefault(t *testing.T) {
	objs := render(t)
	for _, kind := range []string{"ServiceMonitor", "PodMonitor", "ConfigMap"} {
		if n := len(find(objs, kind)); n != 0 {
			t.Errorf("a default install renders %d %s", n, kind)
		}
	}
	if u := inNamespace(objs, "Service", "games", "croupier-operator-metrics"); u != nil {
		t.Error("a default install renders the operator's metrics Service")
	}
}

// With the monitors on, each scrapes a port that exists on the pods it
// selects: the operator's metrics port, the router's, every game pod's.
func TestChartMonitorsScrapeWhatTheRolesServe(t *testing.T) {
	objs := render(t, "metrics.serviceMonitor.enabled=true", "metrics.podMonitor.enabled=true",
		"metrics.serviceMonitor.labels.release=prom", "gameservers.namespaces={tables,lobby}")
	for _, role := range []struct{ monitor, service, deployment string }{
		{"croupier-operator", "croupier-operator-metrics", "croupier-operator"},
		{"croupier-router", "croupier-router-metrics", "croupier-router"},
	} {
		sm := byName(t, objs, "ServiceMonitor", role.monitor)
		if sm.GetLabels()["release"] != "prom" {
			t.Errorf("ServiceMonitor %s lacks metrics.serviceMonitor.labels: %v", role.monitor, sm.GetLabels())
		}
		var svc corev1.Service
		convert(t, byName(t, objs, "Service", role.service), &svc)
		sel, _, _ := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
		if !matches(sel, svc.Labels) {
			t.Errorf("ServiceMonitor %s selects %v, Service %s is labelled %v", role.monitor, sel, svc.Name, svc.Labels)
		}
		endpoints, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
		if len(endpoints) != 1 {
			t.Fatalf("ServiceMonitor %s has %d endpoints", role.monitor, len(endpoints))
		}
		ep := endpoints[0].(map[string]any)
		port := slices.IndexFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == ep["port"] })
		if port < 0 || ep["path"] != "/metrics" {
			t.Errorf("ServiceMonitor %s scrapes port %v path %v; Service %s has %+v", role.monitor, ep["port"], ep["path"], svc.Name, svc.Spec.Ports)
			continue
		}
		d := deployment(t, objs, role.deployment)
		c := d.Spec.Template.Spec.Containers[0]
		if !matches(svc.Spec.Selector, d.Spec.Template.Labels) ||
			!slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == svc.Spec.Ports[port].TargetPort.String() }) {
			t.Errorf("Service %s does not reach the %s container's metrics port: %+v", svc.Name, role.deployment, svc.Spec)
		}
	}

	// The router's public Service (what an Ingress or LoadBalancer
	// exposes) carries no metrics port, and its monitor does not select it.
	var public corev1.Service
	convert(t, byName(t, objs, "Service", "croupier-router"), &public)
	routerSel, _, _ := unstructured.NestedStringMap(byName(t, objs, "ServiceMonitor", "croupier-router").Object, "spec", "selector", "matchLabels")
	if matches(routerSel, public.Labels) || len(public.Spec.Ports) != 1 || public.Spec.Ports[0].Name != "http" {
		t.Errorf("the router's public Service is scraped or exposes more than http: %+v, monitor selects %v", public.Spec.Ports, routerSel)
	}

	pm := byName(t, objs, "PodMonitor", "croupier-game-pods")
	names, _, _ := unstructured.NestedStringSlice(pm.Object, "spec", "namespaceSelector", "matchNames")
	if !slices.Equal(names, []string{"tables", "lobby"}) {
		t.Errorf("PodMonitor watches namespaces %v, want the room namespaces", names)
	}
	var sel metav1.LabelSelector
	raw, _, _ := unstructured.NestedMap(pm.Object, "spec", "selector")
	if err := runtimeConvert(raw, &sel); err != nil {
		t.Fatal(err)
	}
	if !selects(t, &sel, map[string]string{"games.croupier.dev/room": "a"}) || selects(t, &sel, map[string]string{"app": "x"}) {
		t.Errorf("PodMonitor selector %+v does not select exactly game pods", sel)
	}
	eps, _, _ := unstructured.NestedSlice(pm.Object, "spec", "podMetricsEndpoints")
	if len(eps) != 1 || eps[0].(map[string]any)["port"] != "game" || eps[0].(map[string]any)["path"] != "/metrics" {
		t.Errorf("PodMonitor endpoints %v, want the game port's /metrics", eps)
	}
}

func runtimeConvert(from map[string]any, into any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

type dashboard struct {
	UID    string `json:"uid"`
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

func readDashboard(t *testing.T) ([]byte, dashboard) {
	t.Helper()
	b, err := os.ReadFile("croupier/dashboards/croupier.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboards/croupier.json: %v", err)
	}
	return b, d
}

// The dashboard ships in a ConfigMap Grafana's sidecar picks up, only when
// asked for.
func TestChartDashboardConfigMap(t *testing.T) {
	file, _ := readDashboard(t)
	cm := byName(t, render(t, "metrics.dashboard.enabled=true"), "ConfigMap", "croupier-dashboard")
	if cm.GetLabels()["grafana_dashboard"] != "1" {
		t.Errorf("dashboard ConfigMap labels %v lack grafana_dashboard", cm.GetLabels())
	}
	data, _, _ := unstructured.NestedString(cm.Object, "data", "croupier.json")
	if strings.TrimSpace(data) != strings.TrimSpace(string(file)) {
		t.Error("the dashboard ConfigMap does not carry dashboards/croupier.json as it is")
	}
}

// promQLWords are the PromQL functions and keywords the dashboard may use;
// every other name in a query must be a metric some role registers.
var promQLWords = map[string]bool{
	"sum": true, "max": true, "min": true, "avg": true, "rate": true, "increase": true, "by": true,
	"without": true, "histogram_quantile": true,
}

// Every query of the dashboard reads metrics Croupier exposes: a renamed
// or imagined metric would leave a panel empty without any error.
func TestChartDashboardQueriesExistingMetrics(t *testing.T) {
	_, d := readDashboard(t)
	registered := registeredMetrics(t)
	if len(registered) < 10 {
		t.Fatalf("found only %d registered metrics in the Go source: %v", len(registered), registered)
	}
	want := []string{"Rooms by phase", "Seated and connected players", "Action latency", "Actions and dedup hits", "Router connections", "Rooms collected"}
	var titles []string
	ident := regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
	for _, p := range d.Panels {
		titles = append(titles, p.Title)
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			// Drop Grafana variables, label matchers' values and legend-like strings.
			expr := regexp.MustCompile(`\$__\w+|"[^"]*"|\{[^}]*\}|\[[^\]]*\]`).ReplaceAllString(q.Expr, " ")
			metrics := 0
			for _, w := range ident.FindAllString(expr, -1) {
				if promQLWords[w] || !strings.Contains(w, "_") {
					continue
				}
				metrics++
				if !registered[w] && !registered[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(w, "_bucket"), "_sum"), "_count")] {
					t.Errorf("panel %q queries %s, which no Croupier role registers", p.Title, w)
				}
			}
			if metrics == 0 {
				t.Errorf("panel %q query %q reads no metric", p.Title, q.Expr)
			}
		}
	}
	for _, w := range want {
		if !slices.Contains(titles, w) {
			t.Errorf("dashboard lacks panel %q (has %q)", w, titles)
		}
	}
}

// registeredMetrics lists the Name of every prometheus *Opts literal in
// the module's non-test Go source.
func registeredMetrics(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == "bin" || e.Name() == "hack" || strings.HasPrefix(e.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if name, ok := gamePodMetric(n); ok {
				names[name] = true
				return true
			}
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			sel, ok := lit.Type.(*ast.SelectorExpr)
			if !ok || !strings.HasSuffix(sel.Sel.Name, "Opts") {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "prometheus" {
				return true
			}
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if key, isIdent := kv.Key.(*ast.Ident); !ok || !isIdent || key.Name != "Name" {
					continue
				}
				if s, ok := kv.Value.(*ast.BasicLit); ok && s.Kind == token.STRING {
					if name, err := strconv.Unquote(s.Value); err == nil {
						names[name] = true
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// gamePodMetric reads a metric the game pod registers with its own small
// registry (gameserver/metrics): metrics.NewX(reg, "name", ...).
func gamePodMetric(n ast.Node) (string, bool) {
	call, ok := n.(*ast.CallExpr)
	if !ok || len(call.Args) < 2 {
		return "", false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !strings.HasPrefix(sel.Sel.Name, "New") {
		return "", false
	}
	if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "metrics" {
		return "", false
	}
	lit, ok := call.Args[1].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	name, err := strconv.Unquote(lit.Value)
	return name, err == nil
}
