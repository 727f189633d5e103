package router

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// Websocket subprotocols: the client offers ProtocolV1 and
// TokenProtocolPrefix+token; the router selects ProtocolV1. Browsers
// cannot set headers on a websocket, so the token rides here, as
// Kubernetes' API server takes bearer tokens from browsers.
const (
	ProtocolV1          = "croupier.v1"
	TokenProtocolPrefix = "croupier.token."
)

// Close codes the router sends on its own account.
const (
	closeGoingAway      = websocket.CloseGoingAway      // 1001: the router is shutting down
	closeServiceRestart = websocket.CloseServiceRestart // 1012: the room moved to a new pod
)

var (
	clientUpgrader = websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: writeBuffers,
		Subprotocols:    []string{ProtocolV1},
		// The Origin was checked before the pod was dialled.
		CheckOrigin: func(*http.Request) bool { return true },
	}
)

// refusal is a websocket request refused before any pod was dialled.
type refusal struct {
	status int
	code   string
	msg    string
	retry  int // Retry-After seconds, 0 for none
}

// websocket checks a websocket request at the edge (origin, token,
// room, capacity), and only then dials the room's pod and carries frames.
func (r *Router) websocket(w http.ResponseWriter, req *http.Request) {
	ip := r.clientIP(req)
	key, ok := roomFromPath(w, req)
	if !ok {
		r.refused(req, ip, "", refusal{code: CodeNoSuchRoom})
		return
	}
	rt, ref := r.admit(req, key)
	if ref != nil {
		if ref.retry > 0 {
			httpjson.RefuseRetry(w, ref.status, ref.retry, ref.code, ref.msg)
		} else {
			httpjson.Refuse(w, ref.status, ref.code, ref.msg)
		}
		r.refused(req, ip, key, *ref)
		return
	}
	if code := r.conns.reserve(ip); code != "" {
		ref := capacityRefusal(code)
		httpjson.RefuseRetry(w, ref.status, ref.retry, ref.code, ref.msg)
		r.refused(req, ip, key, ref)
		return
	}
	c, ref := r.dialRoom(req, key, rt.endpoint, ip)
	if ref != nil {
		r.conns.release(ip)
		httpjson.RefuseRetry(w, ref.status, retryAfterSeconds, ref.code, ref.msg)
		r.refused(req, ip, key, *ref)
		return
	}
	client, err := clientUpgrader.Upgrade(w, req, nil)
	if err != nil {
		// The upgrader answered the client itself.
		_ = c.pod.Close()
		r.conns.release(ip)
		r.refused(req, ip, key, refusal{code: CodeBadRequest, msg: err.Error()})
		return
	}
	r.metrics.upgrades.WithLabelValues("accepted", "").Inc()
	c.client = client
	// The handler returns at once: its goroutine would keep net/http's
	// per-connection state (request, buffers, a deep stack) alive for the
	// whole match, about half of an idle connection's memory.
	go c.run()
}

// admit runs the checks that need no pod: a websocket request, an allowed
// Origin, a token for this room, a routable room.
func (r *Router) admit(req *http.Request, key string) (route, *refusal) {
	if !websocket.IsWebSocketUpgrade(req) {
		return route{}, &refusal{status: http.StatusBadRequest, code: CodeBadRequest, msg: "not a websocket upgrade"}
	}
	if !r.originAllowed(req) {
		return route{}, &refusal{status: http.StatusForbidden, code: CodeOriginNotAllowed, msg: "websocket from this origin not allowed"}
	}
	v1, token, others := offeredProtocols(req)
	if !v1 {
		return route{}, &refusal{status: http.StatusBadRequest, code: CodeBadRequest, msg: "offer the websocket subprotocol " + ProtocolV1}
	}
	if others {
		return route{}, &refusal{status: http.StatusBadRequest, code: CodeBadRequest,
			msg: "offer exactly two websocket subprotocols, " + ProtocolV1 + " and " + TokenProtocolPrefix + "<token>, each once"}
	}
	if token == "" {
		return route{}, &refusal{status: http.StatusUnauthorized, code: CodeTokenMissing,
			msg: "offer your session token as the subprotocol " + TokenProtocolPrefix + "<token>"}
	}
	if _, err := r.opts.Keys().Verify(token, key, r.opts.Now()); err != nil {
		return route{}, &refusal{status: http.StatusUnauthorized, code: "token_" + session.Reason(err), msg: tokenMessage(session.Reason(err))}
	}
	rt, ok := r.table.lookup(key)
	if !ok {
		return route{}, &refusal{status: http.StatusNotFound, code: CodeNoSuchRoom, msg: "no room " + key}
	}
	if rt.endpoint == "" {
		return route{}, &refusal{status: http.StatusServiceUnavailable, code: CodeRoomUnavailable, retry: retryAfterSeconds,
			msg: "room " + key + " is starting, moving, or not ready (its pod restarting or waiting for its storage); retry shortly"}
	}
	return rt, nil
}

// tokenMessage matches the pod's wording for the same refusals.
func tokenMessage(reason string) string {
	switch reason {
	case session.ReasonExpired:
		return "your session expired; join again"
	case session.ReasonWrongRoom:
		return "this token is for another room"
	case session.ReasonUnknownKey:
		return "this token was signed with a key this platform does not have"
	case session.ReasonBadSignature:
		return "this token is forged or altered"
	default:
		return "this is not a session token"
	}
}

func capacityRefusal(code string) refusal {
	switch code {
	case CodeTooManyConnsFromIP:
		return refusal{status: http.StatusTooManyRequests, code: code, retry: 10, msg: "too many open connections from your address"}
	case CodeShuttingDown:
		return refusal{status: http.StatusServiceUnavailable, code: code, retry: 1, msg: "this router is shutting down; reconnect"}
	default:
		return refusal{status: http.StatusServiceUnavailable, code: code, retry: 5, msg: "this router is full; retry shortly"}
	}
}

// offeredProtocols reads the client's subprotocols: whether it speaks
// v1, the token it carries, and whether it offered anything else (another
// protocol, or one of these twice).
func offeredProtocols(req *http.Request) (v1 bool, token string, others bool) {
	for _, p := range websocket.Subprotocols(req) {
		switch {
		case p == ProtocolV1 && !v1:
			v1 = true
		case strings.HasPrefix(p, TokenProtocolPrefix) && token == "":
			token = strings.TrimPrefix(p, TokenProtocolPrefix)
		default:
			others = true
		}
	}
	return v1, token, others
}

// originAllowed admits clients without an Origin (not browsers), browsers
// from the allow-list, or, with no list, from the router's own host.
func (r *Router) originAllowed(req *http.Request) bool {
	origin := req.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(r.opts.AllowedOrigins) == 0 {
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, req.Host)
	}
	for _, o := range r.opts.AllowedOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// refused counts and logs a refused upgrade: one line, never the token.
func (r *Router) refused(req *http.Request, ip, key string, ref refusal) {
	r.metrics.upgrades.WithLabelValues("refused", ref.code).Inc()
	r.log.Info("websocket refused", "reason", ref.code, "room", key, "client", ip, "origin", req.Header.Get("Origin"))
}

// dialRoom opens the websocket to the room's pod. A pod that refuses the
// handshake or cannot be reached makes the room unavailable for now.
func (r *Router) dialRoom(req *http.Request, key, endpoint, ip string) (*proxyConn, *refusal) {
	d := websocket.Dialer{
		NetDialContext:   r.dialPod,
		HandshakeTimeout: r.limits.HandshakeTimeout,
		ReadBufferSize:   1024,
		WriteBufferSize:  4096,
		WriteBufferPool:  writeBuffers,
	}
	// The browser's Origin stays here: the router checked it, and the pod
	// sees the router, a client with none. Passed on, it would have to be
	// on every pod's allow-list too, under every name players reach the
	// router by (a port-forward's 127.0.0.1, a second domain).
	pod, resp, err := d.DialContext(req.Context(), "ws://"+endpoint+"/ws", nil)
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		_ = resp.Body.Close()
	}
	if err != nil {
		r.log.V(1).Info("websocket: pod unreachable", "room", key, "error", err.Error())
		return nil, &refusal{status: http.StatusServiceUnavailable, code: CodeRoomUnavailable,
			msg: "room " + key + " did not answer; retry shortly"}
	}
	return &proxyConn{r: r, room: key, endpoint: endpoint, ip: ip, pod: pod}, nil
}
