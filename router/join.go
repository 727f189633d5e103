package router

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// Sizes of a join on the way through: a body as the pod takes it
// (docs/PROTOCOL.md), so the router refuses what the pod would, and says
// the same limit.
const (
	maxJoinBody   = 1 << 10
	maxJoinAnswer = 16 << 10
)

// join forwards POST .../join to the room's pod and adds the websocket
// path to a successful answer.
func (r *Router) join(w http.ResponseWriter, req *http.Request) {
	r.forwardToPod(w, req, "/join", "joins", "join")
}

// forwardToPod carries a join or a watch to the room's pod: both are
// limited per client address (they cost the pod alike), the pod's
// refusals pass through as they are, and a successful answer gets the
// room's websocket path, the one players and spectators share.
func (r *Router) forwardToPod(w http.ResponseWriter, req *http.Request, podPath, limited, what string) {
	if !r.postOriginAllowed(w, req) {
		r.metrics.joins.WithLabelValues("refused", CodeOriginNotAllowed).Inc()
		return
	}
	key, rt, code := r.routeFor(w, req)
	if code != "" {
		r.metrics.joins.WithLabelValues("refused", code).Inc()
		return
	}
	if ok, wait := r.joins.allow(r.clientIP(req), r.opts.Now()); !ok {
		r.metrics.joins.WithLabelValues("refused", CodeTooManyJoins).Inc()
		httpjson.RefuseRetry(w, http.StatusTooManyRequests, int(math.Ceil(wait.Seconds())), CodeTooManyJoins,
			"too many "+limited+" from your address; retry later")
		return
	}
	body, err := httpjson.ReadBody(w, req, maxJoinBody, r.limits.HandshakeTimeout)
	if err != nil {
		r.metrics.joins.WithLabelValues("refused", CodeBadRequest).Inc()
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, what+" body over 1 KiB, or not sent within "+r.limits.HandshakeTimeout.String())
		return
	}
	podReq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, "http://"+rt.endpoint+podPath, bytes.NewReader(body))
	if err != nil {
		r.unavailable(w, key, err)
		return
	}
	podReq.Header.Set("Content-Type", "application/json")
	resp, err := r.podHTTP.Do(podReq)
	if err != nil {
		r.unavailable(w, key, err)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxJoinAnswer+1))
	if err != nil || len(answer) > maxJoinAnswer {
		r.unavailable(w, key, errors.Join(errors.New("pod answer unreadable or too long"), err))
		return
	}
	r.metrics.joins.WithLabelValues("forwarded", strconv.Itoa(resp.StatusCode)).Inc()
	if resp.StatusCode != http.StatusOK {
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(answer, &fields); err != nil {
		r.unavailable(w, key, errors.Join(errors.New("pod answer is not a JSON object"), err))
		return
	}
	ws, _ := json.Marshal("/v1/rooms/" + key + "/ws")
	fields["ws"] = ws
	httpjson.Write(w, http.StatusOK, fields)
}

// unavailable answers a join the pod could not take: it is usually a pod
// going away that the table has not heard of yet.
func (r *Router) unavailable(w http.ResponseWriter, key string, err error) {
	r.metrics.joins.WithLabelValues("refused", CodeRoomUnavailable).Inc()
	r.log.V(1).Info("join: pod unreachable", "room", key, "error", err.Error())
	httpjson.RefuseRetry(w, http.StatusServiceUnavailable, retryAfterSeconds, CodeRoomUnavailable,
		"room "+key+" did not answer; retry shortly")
}

// postOriginAllowed refuses, 403, a browser's POST from an origin its
// websocket would be refused from: a page of another site could otherwise
// make its visitors take seats (a form or a text/plain fetch needs no
// preflight), each visitor from their own address, past the join limit.
func (r *Router) postOriginAllowed(w http.ResponseWriter, req *http.Request) bool {
	if r.originAllowed(req) {
		return true
	}
	httpjson.Refuse(w, http.StatusForbidden, CodeOriginNotAllowed, "a browser page of this origin may not join, watch or play here")
	return false
}
