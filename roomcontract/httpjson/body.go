package httpjson

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// ReadBody reads r's body, at most limit bytes (a longer one is an
// *http.MaxBytesError), and gives the client wait to send it. A server's
// ReadHeaderTimeout ends with the headers: without this, a client that
// sends its headers and then stalls holds a handler and its connection
// for as long as it likes. Once the whole body is in, the deadline is
// lifted: net/http's background read of the connection (which watches
// for the client going away) would otherwise hit it and cancel the
// request under a handler that still works, such as a quick play waiting
// for a room. (net/http's HTTP/1 server also lifts it as that read
// starts; this does not rely on it.) After an error it stays, so
// net/http gives up on the rest of a stalled body instead of waiting for
// it before the refusal goes out.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64, wait time.Duration) ([]byte, error) {
	if r.ContentLength > limit {
		// Announced too long: refused before waiting for any of it.
		return nil, &http.MaxBytesError{Limit: limit}
	}
	rc := http.NewResponseController(w)
	// A writer with no connection (a test recorder) has no deadline to set.
	_ = rc.SetReadDeadline(time.Now().Add(wait))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	switch {
	case err == nil:
		_ = rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("body not sent within %s", wait) // not the connection's addresses
	}
	return body, err
}
