package httpjson

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bodyServer answers with what ReadBody returned, after waiting hold.
func bodyServer(t *testing.T, wait, hold time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := ReadBody(w, r, 16, wait)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			Refuse(w, http.StatusRequestEntityTooLarge, "too_big", err.Error())
		case err != nil:
			Refuse(w, http.StatusBadRequest, "unread", err.Error())
		default:
			select {
			case <-time.After(hold):
				Write(w, http.StatusOK, string(body))
			case <-r.Context().Done():
				Refuse(w, http.StatusServiceUnavailable, "cancelled", "the request was cancelled under the handler")
			}
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// post sends the headers of a POST announcing size bytes, then body, and
// reads the answer's status line, or fails after five seconds.
func post(t *testing.T, addr string, size int, body string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n" + body))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	var refusal Refusal
	if json.NewDecoder(resp.Body).Decode(&refusal) == nil && refusal.Message != "" {
		return resp.Proto + " " + resp.Status + ": " + refusal.Message
	}
	return resp.Proto + " " + resp.Status
}

func TestReadBodyCutsOffAClientThatStallsMidBody(t *testing.T) {
	addr := bodyServer(t, 200*time.Millisecond, 0)
	start := time.Now()
	if got := post(t, addr, 10, `{"a"`); got != "HTTP/1.1 400 Bad Request: body not sent within 200ms" {
		t.Fatalf("status %q, want 400", got)
	}
	if waited := time.Since(start); waited > 4*time.Second {
		t.Fatalf("answered after %s", waited)
	}
}

func TestReadBodyRefusesABodyOverItsLimit(t *testing.T) {
	addr := bodyServer(t, time.Second, 0)
	if got := post(t, addr, 20, strings.Repeat("x", 20)); got != "HTTP/1.1 413 Request Entity Too Large: http: request body too large" {
		t.Fatalf("status %q, want 413", got)
	}
}

// Once the body is in, the handler may take longer than the body's wait:
// the request is not cancelled under it.
func TestReadBodyLeavesTheHandlerItsTime(t *testing.T) {
	addr := bodyServer(t, 100*time.Millisecond, 600*time.Millisecond)
	if got := post(t, addr, 4, "ping"); got != "HTTP/1.1 200 OK" {
		t.Fatalf("status %q, want 200", got)
	}
}

// A body announced over the limit is refused before any of it is sent:
// the client does not wait out the body's time bound.
func TestReadBodyRefusesAnAnnouncedOversizeAtOnce(t *testing.T) {
	addr := bodyServer(t, time.Hour, 0)
	if got := post(t, addr, 100_000_000, ""); got != "HTTP/1.1 413 Request Entity Too Large: http: request body too large" {
		t.Fatalf("status %q, want 413 at once", got)
	}
}
