// Package web is the browser client the router serves: a start page at
// "/", a room page at "/r/{namespace}/{name}", a finished match's replay
// at "/r/{namespace}/{name}/replay" and the static assets under
// "/assets/". Everything is plain HTML, CSS, SVG and ES modules embedded in
// the binary, so the page needs no build step, no CDN and no internet. The
// page talks only to the router's API on the same origin.
package web

import (
	"net/http"
)

// Handler serves the pages and assets. Unknown paths get 404, so the router
// can mount it as its fallback.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", page(startPage))
	mux.Handle("GET /r/{namespace}/{name}", roomPage())
	mux.Handle("GET /r/{namespace}/{name}/replay", replayPage())
	mux.Handle("GET /assets/", assetServer())
	return withSecurityHeaders(mux)
}

// withSecurityHeaders keeps the page to its own origin: scripts, styles,
// images and websockets come from the router alone, and no other site may
// frame it.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
