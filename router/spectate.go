package router

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
)

// watch forwards POST .../watch to the room's pod, which decides whether
// the room takes spectators (403 spectators_not_allowed, 409
// spectators_full, passed through) and signs the spectator's token; the
// router adds the websocket path, the same one players use. A watch
// counts against the client's joins per minute: it costs the pod as much.
func (r *Router) watch(w http.ResponseWriter, req *http.Request) {
	key, rt, code := r.routeFor(w, req)
	if code != "" {
		r.metrics.joins.WithLabelValues("refused", code).Inc()
		return
	}
	if ok, wait := r.joins.allow(r.clientIP(req), r.opts.Now()); !ok {
		r.metrics.joins.WithLabelValues("refused", CodeTooManyJoins).Inc()
		writeRetry(w, http.StatusTooManyRequests, int(math.Ceil(wait.Seconds())), CodeTooManyJoins,
			"too many joins and watches from your address; retry later")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxJoinBody))
	if err != nil {
		r.metrics.joins.WithLabelValues("refused", CodeBadRequest).Inc()
		writeError(w, http.StatusBadRequest, CodeBadRequest, "watch body over 4 KiB or unreadable")
		return
	}
	podReq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, "http://"+rt.endpoint+"/watch", bytes.NewReader(body))
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
	var fields map[string]json.RawMessage
	if resp.StatusCode != http.StatusOK || json.Unmarshal(answer, &fields) != nil {
		if resp.StatusCode == http.StatusOK {
			r.unavailable(w, key, errors.New("pod answer is not a JSON object"))
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
	ws, _ := json.Marshal("/v1/rooms/" + key + "/ws")
	fields["ws"] = ws
	writeJSON(w, http.StatusOK, fields)
}
