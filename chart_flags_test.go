package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// The chart hands flags to a binary it cannot see; parsing them with the
// operator's own parser catches a renamed or mistyped flag before a
// cluster does.
func TestChartOperatorArgsParse(t *testing.T) {
	for _, set := range [][]string{
		nil,
		{"redis.bundled=false", "redis.mode=sentinel", "redis.addrs=s:26379", "redis.masterName=main",
			"redis.username=u", "redis.passwordSecret=auth", "operator.auditRetention=72h",
			"gameserver.allowedOrigins[0]=https://play.example", "operator.replicas=2", "redis.tls=true",
			"gameservers.namespaces={tables,lobby}"},
	} {
		args := chartRoleArgs(t, "templates/operator-deployment.yaml", "operator", set)
		c, err := parseOperatorFlags(args)
		if err != nil {
			t.Errorf("values %v: the operator refuses the chart's flags: %v", set, err)
		} else if want := slices.Contains(set, "redis.tls=true"); c.redis.TLS != want {
			t.Errorf("values %v: the operator's Redis TLS is %v", set, c.redis.TLS)
		}
	}
}

// chartRoleArgs renders one Deployment template of the chart with the
// values set, checks that its container runs role, and returns the flags
// the chart gives that role.
func chartRoleArgs(t *testing.T, template, role string, set []string) []string {
	t.Helper()
	helms, _ := filepath.Glob("bin/helm-v*")
	if len(helms) == 0 {
		t.Fatal("no helm binary in bin/: run `make tools`")
	}
	args := []string{"template", "croupier", "charts/croupier", "--show-only", template}
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
	if len(d.Spec.Template.Spec.Containers) == 0 {
		t.Fatalf("%s renders no Deployment", template)
	}
	c := d.Spec.Template.Spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != role {
		t.Fatalf("%s container args %q do not start with the %s role", template, c.Args, role)
	}
	return c.Args[1:]
}
