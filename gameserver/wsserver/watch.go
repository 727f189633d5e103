package wsserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// WatchResponse is the answer to POST /watch: a spectator's session. The
// token holds no seat (Seat -1) and the role "spectator", both signed.
type WatchResponse struct {
	Room      string `json:"room"`
	PlayerID  string `json:"player_id"`
	Seat      int    `json:"seat"`
	Role      string `json:"role"`
	Token     string `json:"token"`
	ExpiresAt int64  `json:"expires_at"` // Unix seconds
	// Delay is how many actions the spectators' table trails the real one.
	Delay int64 `json:"delay"`
}

// watchIDPrefix cannot begin a player id (hex) nor a bot's.
const watchIDPrefix = "watch-"

// watch issues a spectator token. The cap is checked here so a full room
// says so at once, and again at hello, which decides: tokens are not seats.
func (s *Server) watch(w http.ResponseWriter, r *http.Request) {
	rm := s.room.Load()
	if rm == nil {
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodeNotReady, "the room is still recovering; retry shortly")
		return
	}
	body, err := httpjson.ReadBody(w, r, 1024, s.cfg.BodyWait)
	if err != nil {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "the body of a watch is empty or {}: "+err.Error())
		return
	}
	if body = bytes.TrimSpace(body); len(body) != 0 && string(body) != "{}" {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "the body of a watch is empty or {}")
		return
	}
	if !rm.SpectatorsAllowed() {
		httpjson.Refuse(w, http.StatusForbidden, protocol.CodeSpectatorsNotAllowed, "this room does not allow spectators")
		return
	}
	if rm.SpectatorsFull() {
		httpjson.Refuse(w, http.StatusConflict, protocol.CodeSpectatorsFull, "this room has as many spectators as it allows; retry later")
		return
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		httpjson.Refuse(w, http.StatusInternalServerError, CodeInternal, "could not issue a session")
		return
	}
	claims := session.Claims{Room: s.cfg.RoomID, PlayerID: watchIDPrefix + hex.EncodeToString(id), Seat: session.SpectatorSeat, Role: session.RoleSpectator}
	token, claims, err := s.cfg.Keys().Issue(claims, s.cfg.Now(), s.cfg.SessionTTL)
	if err != nil {
		s.cfg.Log.Error(err, "issue a spectator token")
		httpjson.Refuse(w, http.StatusInternalServerError, CodeInternal, "could not issue a session")
		return
	}
	httpjson.Write(w, http.StatusOK, WatchResponse{
		Room: s.cfg.RoomID, PlayerID: claims.PlayerID, Seat: claims.Seat, Role: claims.Role,
		Token: token, ExpiresAt: claims.Expiry, Delay: rm.SpectatorDelay(),
	})
}

// watchHello accepts a spectator's hello: the room sends the delayed
// table. A refusal says why in an error frame, then closes.
func (s *Server) watchHello(ctx context.Context, rm *room.Room, c *conn, p *player, claims session.Claims, h *protocol.Hello) bool {
	err := rm.Watch(ctx, claims.PlayerID, h.LastSeq, c)
	switch {
	case errors.Is(err, room.ErrSpectatorsNotAllowed):
		s.refuse(c, protocol.CodeSpectatorsNotAllowed, "this room does not allow spectators", "")
		c.Close(CloseTokenRefused, "spectators not allowed")
		return false
	case errors.Is(err, room.ErrSpectatorsFull):
		s.refuse(c, protocol.CodeSpectatorsFull, "this room has as many spectators as it allows; retry later", "")
		c.Close(websocket.CloseTryAgainLater, "spectators full")
		return false
	case err != nil:
		s.cfg.Log.Error(err, "attach a spectator")
		s.refuse(c, protocol.CodeInternal, "the room cannot reach its storage; reconnect shortly", "")
		c.Close(websocket.CloseTryAgainLater, "storage unavailable")
		return false
	}
	p.claims, p.hello = claims, true
	return true
}

// spectatorActs refuses whatever a spectator tries to play: nothing is
// decided, nothing logged.
func (s *Server) spectatorActs(c *conn, act protocol.Act) {
	s.cfg.Metrics.Rejects.WithLabelValues(protocol.CodeSpectator).Inc()
	s.refuse(c, protocol.CodeSpectator, "spectators watch; they cannot play", act.ActionID)
}

// leave forgets the connection in the room, as a player or a spectator.
func (s *Server) leave(ctx context.Context, rm *room.Room, p *player, c *conn) {
	switch {
	case !p.hello:
	case p.claims.Spectator():
		rm.Unwatch(c)
	default:
		rm.Detach(ctx, p.claims.Seat, c)
	}
}
