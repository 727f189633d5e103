package router

import (
	"net/http"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// roomFacts answers GET /v1/rooms/{namespace}/{name} from the table: a
// room is known (200) even while its pod is not ready.
func (r *Router) roomFacts(w http.ResponseWriter, req *http.Request) {
	key, ok := roomFromPath(w, req)
	if !ok {
		return
	}
	rt, ok := r.table.lookup(key)
	if !ok {
		httpjson.Refuse(w, http.StatusNotFound, CodeNoSuchRoom, "no room "+key)
		return
	}
	httpjson.Write(w, http.StatusOK, rt.facts)
}
