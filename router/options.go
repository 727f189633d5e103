package router

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/croupier-dev/croupier/roomcontract/session"
)

// Options configure a Router. The zero value of a limit takes its default.
type Options struct {
	// Keys returns the session keys; it is called per upgrade so a key
	// directory reloaded in the background rotates keys without a restart.
	Keys func() *session.Keyring
	// AllowedOrigins are the browser Origins whose websockets are
	// accepted, e.g. "https://play.example". Empty: only the router's own
	// host (the Origin's host equals the request's Host).
	AllowedOrigins []string
	// Static serves every path outside the router's API (the browser
	// client); nil answers 404.
	Static http.Handler
	// TrustForwardedFor takes the client address from the last entry of
	// X-Forwarded-For, for a router behind a proxy that appends it. Off,
	// the connection's address is the client's.
	TrustForwardedFor bool
	Limits            Limits
	// MatchmakerURL is where POST /v1/play is carried (the matchmaker's
	// base URL); empty answers it 503 quick_play_unavailable.
	MatchmakerURL string
	// PlayTimeout bounds one forwarded quick play; zero is DefaultPlayTimeout.
	PlayTimeout time.Duration
	// Dial opens connections to game pods; nil is a plain TCP dial. Every
	// address it is given comes from the route table.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Registerer receives the router's metrics; nil uses a fresh registry
	// (see Router.Gatherer).
	Registerer prometheus.Registerer
	Log        logr.Logger
	// Now is the clock tokens are checked against; nil is time.Now.
	Now func() time.Time
}

// Limits protect the router and the pods behind it.
type Limits struct {
	// MaxConns caps open proxied websockets in this replica.
	MaxConns int
	// MaxConnsPerIP caps open proxied websockets of one client address.
	MaxConnsPerIP int
	// JoinsPerIPPerMinute caps POST .../join of one client address.
	JoinsPerIPPerMinute int
	// HandshakeTimeout bounds reading a request's headers, then its body,
	// the pod dial and the pod's websocket handshake.
	HandshakeTimeout time.Duration
	// IdleTimeout closes a proxied websocket when the client sent nothing
	// (no message, no pong) for this long. Game pods ping every 54 s, so
	// it must stay above that.
	IdleTimeout time.Duration
	// ReadLimit is the largest client message the router forwards; a
	// bigger one closes the connection with 1009.
	ReadLimit int64
}

// Default limits.
const (
	DefaultMaxConns            = 50000
	DefaultMaxConnsPerIP       = 64
	DefaultJoinsPerIPPerMinute = 30
	DefaultHandshakeTimeout    = 10 * time.Second
	DefaultIdleTimeout         = 75 * time.Second
	DefaultReadLimit           = 64 << 10
)

func (l Limits) withDefaults() Limits {
	if l.MaxConns == 0 {
		l.MaxConns = DefaultMaxConns
	}
	if l.MaxConnsPerIP == 0 {
		l.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	if l.JoinsPerIPPerMinute == 0 {
		l.JoinsPerIPPerMinute = DefaultJoinsPerIPPerMinute
	}
	if l.HandshakeTimeout == 0 {
		l.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if l.IdleTimeout == 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	if l.ReadLimit == 0 {
		l.ReadLimit = DefaultReadLimit
	}
	return l
}

// Validate reports a limit that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.MaxConns < 0, l.MaxConnsPerIP < 0, l.JoinsPerIPPerMinute < 0:
		return errors.New("connection and join limits must not be negative")
	case l.HandshakeTimeout < 0:
		return fmt.Errorf("handshake timeout %s is negative", l.HandshakeTimeout)
	case l.IdleTimeout != 0 && l.IdleTimeout < time.Second:
		return fmt.Errorf("idle timeout %s is under 1s", l.IdleTimeout)
	case l.ReadLimit != 0 && l.ReadLimit < 4096:
		return fmt.Errorf("read limit %d is under 4096 bytes, the protocol's message size", l.ReadLimit)
	}
	return nil
}
