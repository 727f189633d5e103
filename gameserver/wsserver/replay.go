package wsserver

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// Replay refusal codes.
const (
	CodeMatchInProgress = "match_in_progress"
	CodeReplayBusy      = "replay_busy"
)

// replayTimeout bounds one replay: reading the log from Redis and writing
// it to a client that may read slowly or not at all.
const replayTimeout = 30 * time.Second

// replaySlots bounds the replays a pod builds at once. One replay holds a
// page of the log (up to 1,000 entries) and its fold; a pod serves one
// room, so two at a time keep its memory small while a finished match is
// opened by several people.
var replaySlots = make(chan struct{}, 2)

// replay answers GET /replay: the finished match with every hand
// revealed (docs/REPLAY.md), or 409 match_in_progress before it ends.
func (s *Server) replay(w http.ResponseWriter, r *http.Request) {
	rm := s.room.Load()
	if rm == nil {
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodeNotReady, "the room is still recovering; retry shortly")
		return
	}
	select {
	case replaySlots <- struct{}{}:
		defer func() { <-replaySlots }()
	default:
		w.Header().Set("Retry-After", "1")
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodeReplayBusy, "other replays of this room are being sent; retry shortly")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), replayTimeout)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(replayTimeout))
	rw := &replayWriter{w: w}
	err := rm.WriteReplay(ctx, rw)
	switch {
	case err == nil:
	case errors.Is(err, room.ErrMatchInProgress):
		httpjson.Refuse(w, http.StatusConflict, CodeMatchInProgress, "the match is not finished; its replay opens when it ends")
	case room.ReplayStarted(err) && rw.started:
		// The status and part of the body are out: cutting the connection
		// is the only way left to tell the client the replay is not whole.
		s.cfg.Log.Error(err, "replay")
		panic(http.ErrAbortHandler)
	default:
		s.cfg.Log.Error(err, "replay")
		httpjson.Refuse(w, http.StatusInternalServerError, CodeInternal, "the replay could not be read: the room's storage did not answer, or its log is damaged or gone (the pod's log says which)")
	}
}

// replayWriter sets the success headers on the first write, so that a
// refusal found before any byte can still choose its own status.
type replayWriter struct {
	w       http.ResponseWriter
	started bool
}

func (rw *replayWriter) Write(b []byte) (int, error) {
	if !rw.started {
		rw.started = true
		h := rw.w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		rw.w.WriteHeader(http.StatusOK)
	}
	return rw.w.Write(b)
}
