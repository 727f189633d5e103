package router

import (
	"net/http"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"k8s.io/apimachinery/pkg/util/validation"
)

// maxRoomName is GameRoom's own limit (the name is a pod label value).
const maxRoomName = 63

// roomFromPath is the room a request names, or ok=false (and a 404 sent)
// for a name no GameRoom can have. The table is the only source of
// endpoints, so this is not what keeps the router from being an open
// proxy; it keeps junk out of the logs and metrics.
func roomFromPath(w http.ResponseWriter, req *http.Request) (string, bool) {
	ns, name := req.PathValue("namespace"), req.PathValue("name")
	if len(validation.IsDNS1123Label(ns)) > 0 || len(name) > maxRoomName || len(validation.IsDNS1123Subdomain(name)) > 0 {
		httpjson.Refuse(w, http.StatusNotFound, CodeNoSuchRoom, "no such room: namespace and name must be Kubernetes names")
		return "", false
	}
	return roomKey(ns, name), true
}

// routeFor is the routable room a request names, or the code of the
// refusal it sent: 404 for an unknown room, 503 for one without a ready pod.
func (r *Router) routeFor(w http.ResponseWriter, req *http.Request) (string, route, string) {
	key, ok := roomFromPath(w, req)
	if !ok {
		return "", route{}, CodeNoSuchRoom
	}
	rt, ok := r.table.lookup(key)
	if !ok {
		httpjson.Refuse(w, http.StatusNotFound, CodeNoSuchRoom, "no room "+key)
		return key, route{}, CodeNoSuchRoom
	}
	if rt.endpoint == "" {
		httpjson.RefuseRetry(w, http.StatusServiceUnavailable, retryAfterSeconds, CodeRoomUnavailable,
			"room "+key+" is starting, moving, or not ready (its pod restarting or waiting for its storage); retry shortly")
		return key, route{}, CodeRoomUnavailable
	}
	return key, rt, ""
}

// retryAfterSeconds is the Retry-After of a room without a ready pod: a
// replaced pod is usually ready within seconds.
const retryAfterSeconds = 2
