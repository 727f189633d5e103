package wsserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// hardReadLimit closes a connection outright (1009); frames between
// protocol.MaxClientMessage and this get an error frame instead, so an
// honest client with a bug learns what it did wrong.
const hardReadLimit = 64 << 10

// Close codes besides the room's.
const (
	CloseTokenRefused = 4003 // the hello's token was refused
	CloseHelloTimeout = 4004 // no hello within HelloWait
	CloseDataLost     = 4009 // the room's stored match was lost; reconnecting cannot help
	// CloseFlooding: the client went on sending after rate_limited.
	CloseFlooding = websocket.ClosePolicyViolation
	// CloseGoingAway: the pod is shutting down; reconnect at once.
	CloseGoingAway = websocket.CloseGoingAway
)

var writeBuffers = &sync.Pool{}

func (s *Server) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: writeBuffers,
		CheckOrigin:     s.checkOrigin,
	}
}

// checkOrigin admits clients without an Origin (not browsers), browsers
// from the allow-list, or, with no list, from the host they connect to.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(s.cfg.AllowedOrigins) == 0 {
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, r.Host)
	}
	for _, o := range s.cfg.AllowedOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	rm := s.room.Load()
	if rm == nil {
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodeNotReady, "the room is still recovering; retry shortly")
		return
	}
	if s.isClosing() {
		// Refused before the upgrade, so the router answers
		// room_unavailable and the client retries into the next pod.
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodeNotReady, "the pod is shutting down; retry shortly")
		return
	}
	ws, err := s.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered with the HTTP error
	}
	c := newConn(ws, s.cfg.SendQueue)
	if !s.track(c) {
		c.Close(CloseGoingAway, "the pod is shutting down; reconnect")
	}
	defer s.untrack(c)
	go c.writeLoop(pingPeriod(s.cfg.PongWait), s.cfg.WriteWait)
	s.read(r.Context(), rm, c)
}

// player is the connection's session once its hello was accepted.
type player struct {
	claims session.Claims
	hello  bool
	// limited counts frames refused by the rate limit since the last one
	// it allowed; past the burst, the client is flooding and is closed.
	limited int
}

// errFlooding ends a read whose control frames flooded the limit.
var errFlooding = errors.New("message rate limit exceeded")

// read is the connection's reader: hello first, then actions, until the
// client leaves, goes silent, or is closed by the room.
func (s *Server) read(ctx context.Context, rm *room.Room, c *conn) {
	ws := c.ws
	ws.SetReadLimit(hardReadLimit)
	_ = ws.SetReadDeadline(time.Now().Add(s.cfg.HelloWait))
	limiter := rate.NewLimiter(rate.Limit(s.cfg.RatePerSec), s.cfg.RateBurst)
	var p player
	// allowed spends the limit on a frame, whatever it holds (a malformed
	// one, a ping or a pong costs the pod as much as a good one); a frame
	// over the limit gets rate_limited, and a flood is closed: closed
	// reports that.
	allowed := func(frame []byte) (ok, closed bool) {
		if limiter.Allow() {
			p.limited = 0
			return true, false
		}
		p.limited++
		if p.limited > s.cfg.RateBurst {
			s.cfg.Metrics.FloodClosed.Inc()
			s.refuse(c, protocol.CodeRateLimited, "too many messages after rate_limited: closing", "")
			c.Close(CloseFlooding, "message rate limit exceeded")
			return false, true
		}
		s.refuse(c, protocol.CodeRateLimited, "slow down: too many messages; resend later with the same action_id", actionIDOf(frame))
		return false, false
	}
	// The control frames' handlers run inside ReadMessage, on this
	// goroutine.
	ws.SetPongHandler(func(string) error {
		if _, closed := allowed(nil); closed {
			return errFlooding
		}
		return ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
	})
	ws.SetPingHandler(func(data string) error {
		ok, closed := allowed(nil)
		if closed {
			return errFlooding
		}
		if !ok {
			return nil
		}
		// A pong is written as the room writes a frame: a client that
		// cannot take it within directWriteWait is too slow to read.
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(directWriteWait))
		var ne net.Error
		switch {
		case err == nil, errors.Is(err, websocket.ErrCloseSent):
			return nil
		case errors.As(err, &ne) && ne.Timeout():
			s.cfg.Metrics.SlowClients.Inc()
			c.Close(room.CloseTooSlow, "too slow to read: reconnect to catch up")
		}
		return err
	})
	defer func() {
		s.leave(context.WithoutCancel(ctx), rm, &p, c)
		c.Close(websocket.CloseNormalClosure, "")
		drainUntilClosed(ws, s.cfg.WriteWait)
		close(c.readDone)
	}()
	for !c.closed() {
		kind, frame, err := ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				drainOversized(ws.NetConn())
			}
			var ne net.Error
			switch {
			case !errors.As(err, &ne) || !ne.Timeout():
			case !p.hello:
				s.refuse(c, protocol.CodeHelloTimeout, "no hello within "+s.cfg.HelloWait.String()+"; connect and send hello at once", "")
				c.Close(CloseHelloTimeout, "no hello in time")
			default:
				c.Close(websocket.CloseNormalClosure, "silent for "+s.cfg.PongWait.String()+": no message or pong")
			}
			return
		}
		if p.hello {
			_ = ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
		}
		if ok, closed := allowed(frame); closed {
			return
		} else if !ok {
			continue
		}
		if kind != websocket.TextMessage {
			// Size first, as for a text frame (docs/PROTOCOL.md, error codes).
			if len(frame) > protocol.MaxClientMessage {
				s.refuse(c, protocol.CodeTooLarge, fmt.Sprintf("message is %d bytes, the limit is %d", len(frame), protocol.MaxClientMessage), "")
			} else {
				s.refuse(c, protocol.CodeBadJSON, "send JSON text frames", "")
			}
			continue
		}
		if !s.handle(ctx, rm, c, &p, frame) {
			return
		}
	}
}

// actionIDOf names the refused action in a rate_limited error, when the
// frame is a well-formed action.
func actionIDOf(frame []byte) string {
	msg, err := protocol.DecodeClient(frame)
	if err != nil || msg.Act == nil {
		return ""
	}
	return msg.Act.ActionID
}

// handle serves one frame; false ends the connection.
func (s *Server) handle(ctx context.Context, rm *room.Room, c *conn, p *player, frame []byte) bool {
	msg, err := protocol.DecodeClient(frame)
	if err != nil {
		de := err.(*protocol.DecodeError)
		s.refuse(c, de.Code, de.Message, de.ActionID)
		return true
	}
	switch {
	case msg.Hello != nil && p.hello:
		s.refuse(c, protocol.CodeHelloTwice, "this connection already said hello", "")
	case msg.Hello != nil:
		return s.hello(ctx, rm, c, p, msg.Hello)
	case !p.hello:
		s.refuse(c, protocol.CodeHelloFirst, "send hello with your session token first", "")
	case msg.Leave:
		return s.leaveSeat(ctx, rm, c, p)
	case msg.Ping:
		// Through the frames' own queue, behind what the room sent
		// before: a pong proves the path those frames take is alive.
		s.send(c, protocol.PongFrame)
	case p.claims.Spectator():
		s.spectatorActs(c, *msg.Act)
	default:
		rm.Act(ctx, p.claims.Seat, c, *msg.Act)
	}
	return true
}

// leaveSeat gives the player's seat back before the match starts and
// closes the connection; false ends it.
func (s *Server) leaveSeat(ctx context.Context, rm *room.Room, c *conn, p *player) bool {
	if p.claims.Spectator() {
		c.Close(websocket.CloseNormalClosure, "stopped watching")
		return false
	}
	err := rm.Leave(ctx, p.claims.PlayerID, p.claims.Seat, c)
	switch {
	case err == nil:
		c.Close(websocket.CloseNormalClosure, "left the room: the seat is free again")
		return false
	case errors.Is(err, room.ErrMatchStarted):
		s.refuse(c, protocol.CodeMatchStarted, "the match has started: your seat is yours until it ends", "")
	case errors.Is(err, room.ErrDataLost):
		s.refuse(c, protocol.CodeDataLost, room.DataLostMessage, "")
	case errors.Is(err, room.ErrNotSeated):
		s.refuse(c, protocol.CodeUnauthorized, "this session does not hold its seat", "")
	default:
		s.cfg.Log.Error(err, "leave", "seat", p.claims.Seat)
		s.refuse(c, protocol.CodeInternal, "the room cannot reach its storage; send leave again shortly", "")
	}
	return true
}

func (s *Server) hello(ctx context.Context, rm *room.Room, c *conn, p *player, h *protocol.Hello) bool {
	claims, err := s.cfg.Keys().Verify(h.Token, s.cfg.RoomID, s.cfg.Now())
	if err != nil {
		s.refuse(c, protocol.CodeTokenPrefix+session.Reason(err), err.Error(), "")
		c.Close(CloseTokenRefused, "session token refused")
		return false
	}
	if claims.Spectator() {
		if !s.watchHello(ctx, rm, c, p, claims, h) {
			return false
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
		return true
	}
	err = rm.Attach(ctx, claims.PlayerID, claims.Seat, h.LastSeq, c)
	if errors.Is(err, room.ErrDataLost) {
		s.refuse(c, protocol.CodeDataLost, room.DataLostMessage, "")
		c.Close(CloseDataLost, "the room's stored match was lost")
		return false
	}
	if errors.Is(err, room.ErrNotSeated) {
		s.refuse(c, protocol.CodeUnauthorized, "this session does not hold its seat", "")
		c.Close(CloseTokenRefused, "session does not hold its seat")
		return false
	}
	if err != nil {
		s.cfg.Log.Error(err, "attach a connection", "seat", claims.Seat)
		s.refuse(c, protocol.CodeInternal, "the room cannot reach its storage; reconnect shortly", "")
		c.Close(websocket.CloseTryAgainLater, "storage unavailable")
		return false
	}
	p.claims, p.hello = claims, true
	_ = c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
	return true
}

// drainOversized reads and discards the rest of a frame that broke the
// read limit. gorilla has already sent close 1009; closing the socket with
// those bytes unread would make the kernel answer with a reset, which can
// destroy the close frame before the client reads why it was cut off.
func drainOversized(nc net.Conn) {
	_ = nc.SetReadDeadline(time.Now().Add(time.Second))
	_, _ = io.CopyN(io.Discard, nc, 4*hardReadLimit)
}

// drainUntilClosed reads and discards what the client still sends, until
// it answers the close or wait passes: closing the socket with unread
// bytes makes the kernel reset the connection, which can destroy the
// close frame (and the error before it) before the client reads them.
func drainUntilClosed(ws *websocket.Conn, wait time.Duration) {
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	for {
		if _, _, err := ws.NextReader(); err != nil {
			return
		}
	}
}

func (s *Server) refuse(c *conn, code, msg, actionID string) {
	s.send(c, protocol.Encode(protocol.NewError(code, msg, actionID)))
}

// send sends the connection's own answer to a frame (not the room's),
// and drops a client too slow to take it.
func (s *Server) send(c *conn, frame []byte) {
	if !c.Send(frame) {
		s.cfg.Metrics.SlowClients.Inc()
		c.Close(room.CloseTooSlow, "too slow to read: reconnect to catch up")
	}
}
