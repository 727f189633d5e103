package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// asset is one embedded file with the validator it is served under.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// Embedded files carry a zero modification time, so Last-Modified cannot
// validate a cache (http.FileServer never answers 304 for them). A strong
// ETag from the content's hash can: it changes exactly when the file does.
var loadAssets = sync.OnceValue(func() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		out[strings.TrimPrefix(p, "static/")] = asset{
			body:        body,
			etag:        `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`,
			contentType: contentType(p),
		}
		return nil
	})
	if err != nil {
		// The files are compiled in; failing to walk them is a build defect.
		panic(fmt.Sprintf("web: read embedded files: %v", err))
	}
	return out
})

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

// contentType is fixed per extension rather than read from the host's mime
// database, which differs between machines.
func contentType(name string) string {
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// serveAsset answers with the file, or 304 when the client's copy carries
// the same ETag. "no-cache" makes browsers revalidate every time, so a new
// binary's files are picked up at once while unchanged ones cost a 304.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := loadAssets()[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", a.contentType)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

func assetServer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if !strings.HasPrefix(name, "assets/") || strings.HasSuffix(name, "/") {
			http.NotFound(w, r)
			return
		}
		serveAsset(w, r, name)
	})
}
