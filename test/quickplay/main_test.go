// Package quickplay plays POST /v1/play and the lobby against a whole
// local platform: a real control plane, redis-server, the operator, game
// pods run as processes, two matchmaker replicas sharing Redis, and the
// router in front of them.
//
// Quick play buckets are global, so each test asks for its own target
// score: its players never meet another test's rooms.
package quickplay

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/croupier-dev/croupier/internal/platformtest"
	"github.com/croupier-dev/croupier/router"
)

var plat *platformtest.Platform

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	plat, err = platformtest.Start(platformtest.Options{
		Matchmakers: 2,
		// Every player here comes from one address.
		Router: func(o *router.Options) { o.Limits.JoinsPerIPPerMinute = 1 << 20 },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	plat.Stop()
	os.Exit(code)
}
