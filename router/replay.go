package router

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// Bounds of a replay on the way through. The longest legal match makes a
// replay of about 4 MiB (docs/REPLAY.md); a pod that sends more than
// maxReplayBytes is cut off rather than relayed without end.
const (
	maxReplayBytes   = 16 << 20
	maxReplayRefusal = 16 << 10
	replayTimeout    = time.Minute
)

// replay relays GET .../replay to the room's pod: a finished match with
// every hand revealed, or the pod's refusal (409 match_in_progress before
// the match ends) unchanged.
func (r *Router) replay(w http.ResponseWriter, req *http.Request) {
	key, rt, code := r.routeFor(w, req)
	if code != "" {
		return
	}
	ctx, cancel := context.WithTimeout(req.Context(), replayTimeout)
	defer cancel()
	podReq, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+rt.endpoint+"/replay", nil)
	if err != nil {
		r.replayUnavailable(w, key, err)
		return
	}
	// podHTTP's Timeout covers a whole exchange sized for a join; a replay
	// is bounded by ctx instead, on the same transport and dialer.
	client := &http.Client{Transport: r.podHTTP.Transport, CheckRedirect: r.podHTTP.CheckRedirect}
	resp, err := client.Do(podReq)
	if err != nil {
		r.replayUnavailable(w, key, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		answer, err := io.ReadAll(io.LimitReader(resp.Body, maxReplayRefusal+1))
		if err != nil || len(answer) > maxReplayRefusal {
			r.replayUnavailable(w, key, errors.Join(errors.New("pod refusal unreadable or too long"), err))
			return
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
		return
	}
	if resp.ContentLength > maxReplayBytes {
		r.replayUnavailable(w, key, errors.New("pod replay over the size bound"))
		return
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(replayTimeout))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	n, err := io.Copy(w, io.LimitReader(resp.Body, maxReplayBytes))
	if err == nil && n == maxReplayBytes {
		if extra, _ := io.ReadFull(resp.Body, make([]byte, 1)); extra > 0 {
			err = errors.New("pod replay over the size bound")
		}
	}
	if err != nil {
		// The status is out: a cut connection is the only way left to say
		// the replay is not whole (the pod cuts its own the same way).
		r.log.V(1).Info("replay cut short", "room", key, "bytes", n, "error", errString(err))
		panic(http.ErrAbortHandler)
	}
}

func (r *Router) replayUnavailable(w http.ResponseWriter, key string, err error) {
	r.log.V(1).Info("replay: pod unreachable", "room", key, "error", err.Error())
	httpjson.RefuseRetry(w, http.StatusServiceUnavailable, retryAfterSeconds, CodeRoomUnavailable,
		"room "+key+" did not answer; retry shortly")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
