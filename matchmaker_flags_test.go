package main

import (
	"strings"
	"testing"
	"time"
)

// The matchmaker's chart flags parse with its own parser.
func TestChartMatchmakerArgsParse(t *testing.T) {
	for _, set := range [][]string{
		nil,
		{"matchmaker.templatePool=games/quickplay", "gameservers.namespaces={t1,t2}", "redis.bundled=false",
			"redis.mode=sentinel", "redis.addrs=s:26379", "redis.masterName=main", "redis.username=u", "redis.tls=true"},
	} {
		args := chartRoleArgs(t, "templates/matchmaker-deployment.yaml", "matchmaker", set)
		c, err := parseMatchmakerFlags(args)
		if err != nil {
			t.Errorf("values %v: the matchmaker refuses the chart's flags: %v", set, err)
		}
		if len(set) > 0 && (c.templatePool != "games/quickplay" || strings.Join(c.namespaces, ",") != "t1,t2" || !c.redis.TLS) {
			t.Errorf("values %v: template pool %q, namespaces %v, Redis TLS %v", set, c.templatePool, c.namespaces, c.redis.TLS)
		}
	}
}

func TestMatchmakerFlagsRefuseWhatCannotWork(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--play-timeout=10ms"}, "must be at least 1s"},
		{[]string{"--result-ttl=10s"}, "under 1m"},
		{[]string{"--shutdown-grace=0s"}, "must be positive"},
		{[]string{"--redis-mode=replica"}, `"replica" is not one of`},
	} {
		_, err := parseMatchmakerFlags(tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestRouterRefusesABadMatchmakerURL(t *testing.T) {
	for _, u := range []string{"ftp://mm:8090", "http://", "mm:8090", "http://mm:8090/?x=1"} {
		if _, err := parseRouterFlags([]string{"--matchmaker-url=" + u}); err == nil || !strings.Contains(err.Error(), "--matchmaker-url") {
			t.Errorf("--matchmaker-url=%s: got %v", u, err)
		}
	}
	if c, err := parseRouterFlags([]string{"--matchmaker-url=http://croupier-matchmaker.games.svc:8090"}); err != nil || c.matchmakerURL == "" {
		t.Errorf("a Service URL: %+v %v", c.matchmakerURL, err)
	}
}

// The defaults docs/MATCHMAKER.md's flag table gives.
func TestMatchmakerDocumentedDefaults(t *testing.T) {
	c, err := parseMatchmakerFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		flag      string
		got, want any
	}{
		{"--listen-address", c.listen, ":8090"},
		{"--template-pool", c.templatePool, ""},
		{"--play-timeout", c.playTimeout, 2 * time.Minute},
		{"--start-timeout", c.startTimeout, 90 * time.Second},
		{"--result-ttl", c.resultTTL, time.Hour},
		{"--shutdown-grace", c.grace, 20 * time.Second},
		{"--kube-api-qps", c.kubeQPS, 50.0},
		{"--kube-api-burst", c.kubeBurst, 100},
	} {
		if tt.got != tt.want {
			t.Errorf("%s defaults to %v, docs/MATCHMAKER.md says %v", tt.flag, tt.got, tt.want)
		}
	}
	if len(c.namespaces) != 0 {
		t.Errorf("--namespaces defaults to %v, docs/MATCHMAKER.md says all", c.namespaces)
	}
}
