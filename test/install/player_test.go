package install

import "github.com/croupier-dev/croupier/internal/playerclient"

// onRouterPage is how this suite's players reach the router at base: as
// a browser on the router's page would, with its Origin (the chart's
// default accepts it under the name the port-forward gives). They do not
// reconnect: in these tests nothing may close their connection, so any
// close fails the test.
func onRouterPage(base string) playerclient.Options {
	return playerclient.Options{Base: base, Origin: base}
}
