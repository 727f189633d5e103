// Package soak plays whole matches on a whole local platform (a real
// control plane, redis-server with its append-only file, the operator,
// game pods run as processes, the router) while a seeded injector kills,
// freezes and restarts every part, and checks Croupier's promises all
// along: no acknowledged action lost or doubled, no room collected while
// people play. `make test` runs a short soak with a fixed budget of
// faults; `make soak` runs the long one (docs/RELIABILITY.md).
package soak

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/croupier-dev/croupier/internal/platformtest"
)

var plat *platformtest.Platform

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	plat, err = platformtest.Start(platformtest.Options{RedisAppendOnly: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	plat.Stop()
	os.Exit(code)
}
