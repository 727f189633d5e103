package wsserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/croupier-dev/croupier/gameserver/protocol"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/gameserver/seating"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"github.com/croupier-dev/croupier/roomcontract/session"
)

// JoinRequest is the body of POST /join.
type JoinRequest struct {
	Name string `json:"name"`
	Seat *int   `json:"seat,omitempty"` // preferred seat; any free seat when absent
}

var joinRequestFields = httpjson.FieldsOf(JoinRequest{})

// JoinResponse is the answer to a successful join.
type JoinResponse struct {
	Room      string `json:"room"`
	PlayerID  string `json:"player_id"`
	Seat      int    `json:"seat"`
	Token     string `json:"token"`
	ExpiresAt int64  `json:"expires_at"` // Unix seconds
}

// Join refusal codes.
const (
	CodeBadRequest = "bad_request"
	CodeBadName    = "bad_name"
	CodeRoomFull   = "room_full"
	CodeSeatTaken  = "seat_taken"
	CodePlayerAway = roomcontract.CodePlayerAway
	CodeNoSeat     = "no_such_seat"
	CodeNotReady   = "not_ready"
	CodeInternal   = "internal"
	CodeDataLost   = protocol.CodeDataLost
)

func (s *Server) join(w http.ResponseWriter, r *http.Request) {
	rm := s.room.Load()
	if rm == nil {
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodeNotReady, "the room is still recovering; retry shortly")
		return
	}
	var req JoinRequest
	body, err := httpjson.ReadBody(w, r, 1024, s.cfg.BodyWait)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err == nil {
		err = dec.Decode(&req)
	}
	if err != nil {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "body must be {\"name\": ..., \"seat\": optional number}: "+httpjson.Explain(err))
		return
	}
	if dec.More() {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "body must be one JSON object")
		return
	}
	if !utf8.Valid(body) {
		// encoding/json would read each bad byte as U+FFFD.
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "body is not UTF-8")
		return
	}
	if what := httpjson.CheckFields(body, joinRequestFields); what != "" {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "body: "+what)
		return
	}
	name, err := roomcontract.CheckName(req.Name)
	if err != nil {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadName, err.Error())
		return
	}
	preferred := -1
	if req.Seat != nil {
		if *req.Seat < 0 {
			httpjson.Refuse(w, http.StatusBadRequest, CodeNoSeat, "seat must be 0 or more")
			return
		}
		preferred = *req.Seat
	}
	// Taken before the join, so the token ends no later than the session
	// the room records, which gives the seat back once it has ended.
	now := s.cfg.Now()
	p, err := rm.Join(r.Context(), name, preferred)
	switch {
	case errors.Is(err, room.ErrDataLost):
		httpjson.Refuse(w, http.StatusGone, CodeDataLost, room.DataLostMessage)
		return
	case errors.Is(err, room.ErrPlayerAway):
		httpjson.Refuse(w, http.StatusConflict, CodePlayerAway, "a player seated in this room left before the match started: it takes new players again once they are back, or once their seat is given back after a minute away; find another table meanwhile")
		return
	case errors.Is(err, seating.ErrRoomFull):
		httpjson.Refuse(w, http.StatusConflict, CodeRoomFull, "every seat of this room is taken")
		return
	case errors.Is(err, seating.ErrSeatTaken):
		httpjson.Refuse(w, http.StatusConflict, CodeSeatTaken, "that seat is taken; join without a seat to get a free one")
		return
	case errors.Is(err, seating.ErrNoSeat):
		httpjson.Refuse(w, http.StatusBadRequest, CodeNoSeat, err.Error())
		return
	case err != nil && p.ID == "":
		s.cfg.Log.Error(err, "join")
		httpjson.Refuse(w, http.StatusInternalServerError, CodeInternal, "the room could not seat you; retry")
		return
	case err != nil:
		// Seated, but the match start failed: the next request retries it.
		s.cfg.Log.Error(err, "start the match after a join")
	}
	token, claims, err := s.cfg.Keys().Issue(session.Claims{Room: s.cfg.RoomID, PlayerID: p.ID, Seat: p.Seat}, now, s.cfg.SessionTTL)
	if err != nil {
		s.cfg.Log.Error(err, "issue session token")
		httpjson.Refuse(w, http.StatusInternalServerError, CodeInternal, "could not issue a session")
		return
	}
	httpjson.Write(w, http.StatusOK, JoinResponse{Room: s.cfg.RoomID, PlayerID: p.ID, Seat: p.Seat, Token: token, ExpiresAt: claims.Expiry})
}
