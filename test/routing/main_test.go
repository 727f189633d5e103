// Package routing plays real matches through the router against a whole
// local platform: a real control plane, redis-server, the operator, game
// pods run as processes by the pod runner, and the router in front.
package routing

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
	plat, err = platformtest.Start(platformtest.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	plat.Stop()
	os.Exit(code)
}
