package router

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/croupier-dev/croupier/roomcontract/session"
)

// FuzzRequest sends arbitrary paths, subprotocol offers, Origins and
// forwarded addresses through the router: it must never dial anything but
// the one endpoint in its table, and never panic.
func FuzzRequest(f *testing.F) {
	pod := newFakePod(f)
	tr := &testRouter{t: f, dials: &dialLog{}, logs: &logLines{}}
	r, err := New(Options{Keys: func() *session.Keyring { return testKeys(f) }, Dial: tr.dials.dial, TrustForwardedFor: true})
	if err != nil {
		f.Fatal(err)
	}
	tr.r = r
	r.synced.Store(true)
	tr.setRoom("ns", "r", pod.addr())
	good := tr.token("ns/r")
	for _, s := range []string{"/v1/rooms/ns/r/ws", "/v1/rooms/ns/../r/ws", "/v1/rooms/ns/r%2F/ws", "/v1/rooms/ns/r/join", "/"} {
		f.Add(s, ProtocolV1+", "+TokenProtocolPrefix+good, "", "")
		f.Add(s, TokenProtocolPrefix+good+","+ProtocolV1, "http://x", "1.2.3.4")
	}
	f.Fuzz(func(t *testing.T, path, protocols, origin, xff string) {
		u, err := url.Parse("http://router" + path)
		if err != nil || u.Host != "router" {
			return
		}
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			req := httptest.NewRequest(method, "http://router/", nil)
			req.URL = u
			req.RequestURI = u.RequestURI()
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "websocket")
			req.Header.Set("Sec-WebSocket-Version", "13")
			req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			req.Header.Set("Sec-WebSocket-Protocol", protocols)
			req.Header.Set("Origin", origin)
			req.Header.Set("X-Forwarded-For", xff)
			r.ServeHTTP(httptest.NewRecorder(), req)
		}
		for _, a := range tr.dials.list() {
			if a != pod.addr() {
				t.Fatalf("dialled %q, not from the table", a)
			}
		}
	})
}
