package web

import (
	"net/http"

	"k8s.io/apimachinery/pkg/util/validation"
)

const (
	startPage  = "index.html"
	roomFile   = "room.html"
	replayFile = "replay.html"
)

// page serves one HTML file whatever the path's parameters; the page's
// script reads them from the address.
func page(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveAsset(w, r, name)
	})
}

// roomPage serves the room page for any well-formed room name. A name that
// no GameRoom could have is answered 404 here, so the page's script only
// ever sees names it can pass to the API unescaped.
func roomPage() http.Handler { return roomFilePage(roomFile) }

// replayPage serves the replay viewer under the same rule.
func replayPage() http.Handler { return roomFilePage(replayFile) }

func roomFilePage(file string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ns, name := r.PathValue("namespace"), r.PathValue("name")
		if len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
			http.Error(w, "no such room: a room is /r/<namespace>/<name>, lower-case letters, digits and '-'", http.StatusNotFound)
			return
		}
		serveAsset(w, r, file)
	})
}
