package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// The chart hands flags to a binary it cannot see; parsing them with the
// operator's own parser catches a renamed or mistyped flag before a
// cluster does.
func TestChartOperatorArgsParse(t *testing.T) {
	helms, _ := filepath.Glob("bin/helm-v*")
	if len(helms) == 0 {
		t.Fatal("no helm binary in bin/: run `make tools`")
	}
	for _, set := range [][]string{
		nil,
		{"redis.bundled=false", "redis.mode=sentinel", "redis.addrs=s:26379", "redis.masterName=main",
			"redis.username=u", "redis.passwordSecret=auth", "operator.auditRetention=72h",
			"gameserver.allowedOrigins[0]=https://play.example", "operator.replicas=2"},
	} {
		args := []string{"template", "croupier", "charts/croupier", "--show-only", "templates/operator-deployment.yaml"}
		for _, s := range set {
			args = append(args, "--set", s)
		}
		out, err := exec.Command(helms[len(helms)-1], args...).CombinedOutput()
		if err != nil {
			t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var d appsv1.Deployment
		if err := yaml.Unmarshal(out, &d); err != nil {
			t.Fatal(err)
		}
		c := d.Spec.Template.Spec.Containers[0]
		if len(c.Args) == 0 || c.Args[0] != "operator" {
			t.Fatalf("operator container args %q do not start with the operator role", c.Args)
		}
		if _, err := parseOperatorFlags(c.Args[1:]); err != nil {
			t.Errorf("values %v: the operator refuses the chart's flags: %v", set, err)
		}
	}
}
