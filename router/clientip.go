package router

import (
	"net"
	"net/http"
	"strings"
)

// clientIP is the address per-IP limits count. Behind a proxy that
// appends X-Forwarded-For, its last entry is the one the proxy saw; the
// earlier ones are the client's to invent.
func (r *Router) clientIP(req *http.Request) string {
	if r.opts.TrustForwardedFor {
		if xff := req.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return req.RemoteAddr
	}
	return host
}
