package charts

import (
	"os/exec"
	"strings"
	"testing"
)

// values.schema.json refuses values that cannot work before anything
// reaches the cluster, naming the value and what is wrong with it, in
// helm template, install, upgrade and lint alike.
func TestChartRefusesBadValues(t *testing.T) {
	for _, tt := range []struct {
		set  string
		want string
	}{
		{"operator.replicas=two", "at '/operator/replicas': got string, want integer"},
		{"redis.mode=replica", "at '/redis/mode': value must be one of 'single', 'sentinel', 'cluster'"},
		{"operator.heartbeatPeriod=5 seconds", "at '/operator/heartbeatPeriod': '5 seconds' does not match pattern"},
		{"router.limits.idleTimeout=soon", "at '/router/limits/idleTimeout': 'soon' does not match pattern"},
		{"router.drainDelay=1h", "at '/router/drainDelay': '1h' does not match pattern"},
		{"matchmaker.shutdownGrace=1m30s", "at '/matchmaker/shutdownGrace': '1m30s' does not match pattern"},
		{"operator.workers=0", "at '/operator/workers': minimum: got 0, want 1"},
		{"router.limits.readLimit=100", "at '/router/limits/readLimit': minimum: got 100, want 4,096"},
		{"gameservers.namespaces={Tables}", "at '/gameservers/namespaces/0': 'Tables' does not match pattern"},
		{"router.namespaces={tables}", "at '/router': additional properties 'namespaces' not allowed"},
		{"redis.persistence.size=lots", "at '/redis/persistence/size': 'lots' does not match pattern"},
		{"router.publicOrigin=play.example", "at '/router/publicOrigin'"},
		{"metrics.podMonitor.enabled=yes", "at '/metrics/podMonitor/enabled': got string, want boolean"},
	} {
		t.Run(tt.set, func(t *testing.T) {
			msg := helmFails(t, tt.set)
			if !strings.Contains(msg, "values don't meet the specifications of the schema") || !strings.Contains(msg, tt.want) {
				t.Errorf("helm template --set %s said:\n%s\nwant it to contain %q", tt.set, msg, tt.want)
			}
			out, err := exec.Command(helmBinary(t), "lint", "croupier", "--set", tt.set).CombinedOutput()
			if err == nil || !strings.Contains(string(out), tt.want) {
				t.Errorf("helm lint --set %s: %v\n%s", tt.set, err, out)
			}
		})
	}
}

// The schema is no stricter than the binaries: values they accept render.
func TestChartAcceptsEveryWorkingValue(t *testing.T) {
	render(t, "operator.heartbeatPeriod=1500ms", "operator.auditRetention=72h", "operator.redisCleanupTimeout=1h30m",
		"operator.kubeAPIQPS=12.5", "router.pdb.minAvailable=50%", "router.limits.idleTimeout=2m30s",
		"router.publicOrigin=https://play.example:8443", "gameservers.namespaces={tables,lobby-2}",
		"redis.persistence.size=500Mi", "redis.persistence.storageClass=fast", "operator.logLevel=debug",
		"metrics.serviceMonitor.interval=1m", "router.service.type=NodePort")
	render(t, "redis.bundled=false", "redis.mode=cluster", "redis.addrs=a:6379\\,b:6379\\,[::1]:6380", "redis.username=croupier")
}

// What the schema cannot say (a duration's least value, a Sentinel
// without its master, a disruption budget no drain can meet) the
// templates refuse, naming the value, before anything reaches the
// cluster: an install that renders is one whose pods start.
func TestChartRefusesValuesThePodsWouldRefuse(t *testing.T) {
	for _, tt := range []struct {
		set  []string
		want string
	}{
		{[]string{"operator.heartbeatPeriod=500ms"}, "operator.heartbeatPeriod must be at least 1s (got 500ms)"},
		{[]string{"operator.heartbeatPeriod=0.5s"}, "operator.heartbeatPeriod must be at least 1s (got 0.5s)"},
		{[]string{"operator.redisCleanupTimeout=59s"}, "operator.redisCleanupTimeout must be at least 1m (got 59s)"},
		{[]string{"matchmaker.playTimeout=0s"}, "matchmaker.playTimeout must be at least 1s (got 0s)"},
		{[]string{"matchmaker.startTimeout=999ms"}, "matchmaker.startTimeout must be at least 1s (got 999ms)"},
		{[]string{"matchmaker.resultTTL=10s"}, "matchmaker.resultTTL must be at least 1m (got 10s)"},
		{[]string{"router.limits.idleTimeout=900ms"}, "router.limits.idleTimeout must be at least 1s"},
		{[]string{"redis.bundled=false", "redis.addrs=s1:26379", "redis.mode=sentinel"}, "redis.masterName is required when redis.mode is sentinel"},
		{[]string{"router.replicas=1"}, "router.pdb.minAvailable 1 must be under router.replicas 1"},
		{[]string{"router.pdb.minAvailable=3"}, "router.pdb.minAvailable 3 must be under router.replicas 2"},
		{[]string{"router.pdb.minAvailable=100%"}, "at '/router/pdb/minAvailable': '100%' does not match pattern"},
		{[]string{"router.shutdownGrace=0s"}, "at '/router/shutdownGrace': '0s' does not match pattern"},
		{[]string{"matchmaker.shutdownGrace=0m"}, "at '/matchmaker/shutdownGrace': '0m' does not match pattern"},
	} {
		t.Run(strings.Join(tt.set, ","), func(t *testing.T) {
			if msg := helmFails(t, tt.set...); !strings.Contains(msg, tt.want) {
				t.Errorf("helm template --set %v said:\n%s\nwant it to contain %q", tt.set, msg, tt.want)
			}
		})
	}
	// The least values themselves, and a router alone without a budget.
	render(t, "operator.heartbeatPeriod=1s", "operator.redisCleanupTimeout=60s", "matchmaker.playTimeout=1s",
		"matchmaker.startTimeout=1000ms", "matchmaker.resultTTL=1m", "router.limits.idleTimeout=0s", "router.pdb.minAvailable=99%")
	render(t, "router.replicas=1", "router.pdb.minAvailable=0")
	render(t, "redis.bundled=false", "redis.addrs=s1:26379", "redis.mode=sentinel", "redis.masterName=main")
}
