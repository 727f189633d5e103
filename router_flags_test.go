package main

import (
	"strings"
	"testing"
)

// The router's chart flags parse with the router's own parser.
func TestChartRouterArgsParse(t *testing.T) {
	for _, set := range [][]string{
		nil,
		{"router.publicOrigin=https://play.example", "router.allowedOrigins={https://a.example}", "gameservers.namespaces={t1,t2}",
			"router.trustForwardedFor=true", "router.limits.idleTimeout=2m", "router.drainDelay=1m"},
	} {
		args := chartRoleArgs(t, "templates/router-deployment.yaml", "router", set)
		c, err := parseRouterFlags(args)
		if err != nil {
			t.Errorf("values %v: the router refuses the chart's flags: %v", set, err)
		} else if c.metricsListen == "0" || c.metricsListen == c.listen {
			t.Errorf("values %v: the chart serves the router's metrics on %q beside the public %q", set, c.metricsListen, c.listen)
		} else if want := "http://croupier-matchmaker.default.svc:8090"; c.matchmakerURL != want {
			t.Errorf("values %v: the router carries quick plays to %q, want the chart's matchmaker %q", set, c.matchmakerURL, want)
		}
	}
}

// With the matchmaker switched off the router answers quick plays itself
// (quick_play_unavailable) instead of carrying them to a Service that is
// not there.
func TestChartRouterWithoutMatchmaker(t *testing.T) {
	args := chartRoleArgs(t, "templates/router-deployment.yaml", "router", []string{"matchmaker.enabled=false"})
	c, err := parseRouterFlags(args)
	if err != nil {
		t.Fatalf("the router refuses the chart's flags: %v", err)
	}
	if c.matchmakerURL != "" {
		t.Errorf("matchmaker disabled, yet the router carries quick plays to %q", c.matchmakerURL)
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
		{[]string{"--metrics-address="}, "--metrics-address must not be empty"},
		{[]string{"--listen-address=:8080", "--metrics-address=:8080"}, "must differ from --listen-address"},
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
