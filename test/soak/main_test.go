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
	"github.com/croupier-dev/croupier/router"
)

var plat *platformtest.Platform

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	plat, err = platformtest.Start(platformtest.Options{
		RedisAppendOnly: true,
		// Every player of the soak comes from 127.0.0.1, where players
		// on a real platform each have an address of their own.
		Router: func(o *router.Options) {
			o.Limits.JoinsPerIPPerMinute = 100 * maxRooms
			o.Limits.MaxConnsPerIP = 10 * maxRooms
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	plat.Stop()
	os.Exit(code)
}
