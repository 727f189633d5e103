package main

import (
	"net/http"

	"github.com/croupier-dev/croupier/router/web"
)

// staticHandler serves the paths outside the router's API: the embedded
// browser client.
func staticHandler() http.Handler { return web.Handler() }
