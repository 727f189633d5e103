package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// `croupier router` (and so `croupier dev`) serves the browser client at
// the URL it prints.
func TestRouterServesTheWebClient(t *testing.T) {
	h := staticHandler()
	if h == nil {
		t.Fatal("the router has no static handler: the browser client is not served")
	}
	for path, want := range map[string]string{"/": `id="open-room"`, "/r/default/cassino-solo": `id="join-form"`} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d, body without %s", path, rec.Code, want)
		}
	}
}
