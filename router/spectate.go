package router

import "net/http"

// watch forwards POST .../watch to the room's pod, which decides whether
// the room takes spectators (403 spectators_not_allowed, 409
// spectators_full, passed through) and signs the spectator's token; the
// router adds the websocket path, the same one players use. A watch
// counts against the client's joins per minute: it costs the pod as much.
func (r *Router) watch(w http.ResponseWriter, req *http.Request) {
	r.forwardToPod(w, req, "/watch", "joins and watches", "watch")
}
