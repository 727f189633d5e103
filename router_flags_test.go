package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// The router's chart flags parse with the router's own parser.
func TestChartRouterArgsParse(t *testing.T) {
	helms, _ := filepath.Glob("bin/helm-v*")
	if len(helms) == 0 {
		t.Fatal("no helm binary in bin/: run `make tools`")
	}
	for _, set := range [][]string{
		nil,
		{"router.publicOrigin=https://play.example", "router.allowedOrigins={https://a.example}", "router.namespaces={t1,t2}",
			"router.trustForwardedFor=true", "router.limits.idleTimeout=2m", "router.drainDelay=1m"},
	} {
		args := []string{"template", "croupier", "charts/croupier", "--show-only", "templates/router-deployment.yaml"}
		for _, s := range set {
			args = append(args, "--set", s)
		}
		out, err := exec.Command(helms[len(helms)-1], args...).CombinedOutput()
		if err != nil {
			t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var d appsv1.Deployment
		for _, doc := range strings.Split(string(out), "\n---") {
			if strings.Contains(doc, "\nkind: Deployment") {
				if err := yaml.Unmarshal([]byte(doc), &d); err != nil {
					t.Fatal(err)
				}
			}
		}
		c := d.Spec.Template.Spec.Containers[0]
		if len(c.Args) == 0 || c.Args[0] != "router" {
			t.Fatalf("router container args %q do not start with the router role", c.Args)
		}
		if _, err := parseRouterFlags(c.Args[1:]); err != nil {
			t.Errorf("values %v: the router refuses the chart's flags: %v", set, err)
		}
	}
}

func TestRouterFlagsRefuseWhatCannotWork(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--session-keys-dir="}, "--session-keys-dir must not be empty"},
		{[]string{"--max-connections=0"}, "must be at least 1"},
		{[]string{"--idle-timeout=10ms"}, "idle timeout 10ms is under 1s"},
		{[]string{"--read-limit=100"}, "read limit 100 is under 4096"},
		{[]string{"--shutdown-grace=0s"}, "--shutdown-grace 0s must be positive"},
	} {
		_, err := parseRouterFlags(tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
	c, err := parseRouterFlags([]string{"--namespaces=a, b", "--allowed-origins=https://play.example"})
	if err != nil || len(c.namespaces) != 2 || c.namespaces[1] != "b" || c.allowedOrigins[0] != "https://play.example" {
		t.Errorf("got %+v, %v", c, err)
	}
}
