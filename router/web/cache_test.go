package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/router/web"
)

// servedFiles maps each file under static/ to the path it is served at.
func servedFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(os.DirFS("static"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch p {
		case "index.html":
			out[p] = "/"
		case "room.html":
			out[p] = "/r/default/cassino-table"
		case "replay.html":
			out[p] = "/r/default/cassino-table/replay"
		default:
			out[p] = "/" + p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 5 {
		t.Fatalf("found %d files under static/, expected the pages and assets", len(out))
	}
	return out
}

// Embedded files have no modification time, so only a content ETag lets a
// browser revalidate; this checks that every file has one, that it follows
// the content, and that a matching If-None-Match gets an empty 304.
func TestEveryFileRevalidatesByContentHash(t *testing.T) {
	h := web.Handler()
	seen := map[string]string{}
	for file, path := range servedFiles(t) {
		t.Run(file, func(t *testing.T) {
			body, err := os.ReadFile("static/" + file)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(body)
			want := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`

			first := get(t, h, "GET", path, nil)
			etag := first.Header().Get("ETag")
			if first.Code != 200 || etag != want {
				t.Fatalf("GET %s: status %d, ETag %q; want 200 and the content hash %q", path, first.Code, etag, want)
			}
			if first.Body.String() != string(body) {
				t.Fatalf("GET %s: body differs from static/%s", path, file)
			}
			if cc := first.Header().Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache (revalidate every time)", cc)
			}
			if other, dup := seen[etag]; dup && string(body) != other {
				t.Errorf("ETag %s is shared with a file of other content", etag)
			}
			seen[etag] = string(body)

			again := get(t, h, "GET", path, map[string]string{"If-None-Match": etag})
			if again.Code != 304 || again.Body.Len() != 0 {
				t.Fatalf("GET %s with If-None-Match %s: status %d, %d bytes; want an empty 304", path, etag, again.Code, again.Body.Len())
			}
			if again.Header().Get("ETag") != etag {
				t.Errorf("304 carries ETag %q, want %q", again.Header().Get("ETag"), etag)
			}
			list := get(t, h, "GET", path, map[string]string{"If-None-Match": `"stale", ` + etag})
			if list.Code != 304 {
				t.Errorf("If-None-Match listing the ETag among others: status %d, want 304", list.Code)
			}
			stale := get(t, h, "GET", path, map[string]string{"If-None-Match": `"stale"`})
			if stale.Code != 200 || stale.Body.String() != string(body) {
				t.Errorf("If-None-Match with a stale ETag: status %d, want 200 with the file", stale.Code)
			}
		})
	}
}

// The page must work with no internet: nothing it loads may come from
// another origin. Only SVG's namespace name (never fetched) is a URL.
func TestNoExternalReferences(t *testing.T) {
	for file := range servedFiles(t) {
		body, err := os.ReadFile("static/" + file)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(body), "http://www.w3.org/2000/svg", "")
		for _, bad := range []string{"http://", "https://", "//fonts.", "@import", "url(http"} {
			if strings.Contains(text, bad) {
				t.Errorf("static/%s refers to another origin (%q)", file, bad)
			}
		}
	}
}
