// Package playable times a burst of new rooms on the local platform (a
// real control plane, redis-server, the operator, game pods run as
// processes by the pod runner, the router) from the moment they are
// applied until each is Ready and has answered a join.
package playable

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
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		// Only the benchmark needs the platform; make test starts nothing here.
		os.Exit(m.Run())
	}
	var err error
	plat, err = platformtest.Start(platformtest.Options{
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
