package router

import "net/http"

// roomFacts answers GET /v1/rooms/{namespace}/{name} from the table: a
// room is known (200) even while its pod is not ready.
func (r *Router) roomFacts(w http.ResponseWriter, req *http.Request) {
	key, ok := roomFromPath(w, req)
	if !ok {
		return
	}
	rt, ok := r.table.lookup(key)
	if !ok {
		writeError(w, http.StatusNotFound, CodeNoSuchRoom, "no room "+key)
		return
	}
	writeJSON(w, http.StatusOK, rt.facts)
}
