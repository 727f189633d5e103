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
	opts := platformOptions()
	opts.RedisAppendOnly = true
	plat, err = platformtest.Start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	plat.Stop()
	os.Exit(code)
}

// platformOptions are the options of every platform the soak plays on.
func platformOptions() platformtest.Options {
	return platformtest.Options{
		// Every player of the soak comes from 127.0.0.1, where players
		// on a real platform each have an address of their own.
		Router: func(o *router.Options) {
			o.Limits.JoinsPerIPPerMinute = 100 * maxRooms
			o.Limits.MaxConnsPerIP = 10 * maxRooms
		},
	}
}
