package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/router/web"
)

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRoutes(t *testing.T) {
	h := web.Handler()
	tests := []struct {
		name, method, path string
		status             int
		contentType        string
		bodyHas            string
	}{
		{"start page", "GET", "/", 200, "text/html; charset=utf-8", `id="open-room"`},
		{"room page", "GET", "/r/default/cassino-table", 200, "text/html; charset=utf-8", `id="join-form"`},
		{"room with dotted name", "GET", "/r/games/table.one", 200, "text/html; charset=utf-8", `id="join-form"`},
		{"replay page", "GET", "/r/games/t1/replay", 200, "text/html; charset=utf-8", `id="hand-jump"`},
		{"replay of a name no room can have", "GET", "/r/games/T_1/replay", 404, "", "no such room"},
		{"replay path too deep", "GET", "/r/games/t1/replay/extra", 404, "", ""},
		{"script", "GET", "/assets/js/room.js", 200, "text/javascript; charset=utf-8", "startPlaying"},
		{"style", "GET", "/assets/style.css", 200, "text/css; charset=utf-8", "--felt"},
		{"icon", "GET", "/assets/icon.svg", 200, "image/svg+xml", "<svg"},
		{"head of a page", "HEAD", "/", 200, "text/html; charset=utf-8", ""},
		{"namespace with capitals", "GET", "/r/Games/t1", 404, "", "no such room"},
		{"name with underscore", "GET", "/r/games/t_1", 404, "", "no such room"},
		{"namespace too long", "GET", "/r/" + strings.Repeat("a", 64) + "/t1", 404, "", "no such room"},
		{"room path too deep", "GET", "/r/games/t1/extra", 404, "", ""},
		{"room path too short", "GET", "/r/games", 404, "", ""},
		{"unknown asset", "GET", "/assets/nope.js", 404, "", ""},
		{"asset folder", "GET", "/assets/js/", 404, "", ""},
		{"dot segments are cleaned by a redirect", "GET", "/assets/../index.html", 307, "", ""},
		{"page file by its name", "GET", "/index.html", 404, "", ""},
		{"unknown path", "GET", "/v2/anything", 404, "", ""},
		{"post to a page", "POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.method, tt.path, nil)
			if rec.Code != tt.status {
				t.Fatalf("%s %s: status %d, want %d; body %q", tt.method, tt.path, rec.Code, tt.status, rec.Body.String())
			}
			if tt.contentType != "" && rec.Header().Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tt.contentType)
			}
			if !strings.Contains(rec.Body.String(), tt.bodyHas) {
				t.Errorf("body does not contain %q", tt.bodyHas)
			}
			if tt.method == "HEAD" && rec.Body.Len() != 0 {
				t.Errorf("HEAD answered a body of %d bytes", rec.Body.Len())
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := web.Handler()
	for _, path := range []string{"/", "/r/default/cassino-table", "/assets/js/room.js", "/nope"} {
		rec := get(t, h, "GET", path, nil)
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", path, rec.Header().Get("X-Content-Type-Options"))
		}
	}
}
