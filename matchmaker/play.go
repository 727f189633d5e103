package matchmaker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
)

// play answers POST /v1/play: a seat, or a refusal that changed nothing.
func (m *Matchmaker) play(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := httpjson.ReadBody(w, r, MaxRequestBody+1, m.opts.RequestTimeout)
	var tooBig *http.MaxBytesError
	if err != nil && !errors.As(err, &tooBig) { // too big: the parser words it
		plays.WithLabelValues(CodeBadRequest).Inc()
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	req, err := ParsePlayRequest(bytes.NewReader(body))
	var br *badRequest
	if errors.As(err, &br) {
		plays.WithLabelValues(br.code).Inc()
		httpjson.Refuse(w, http.StatusBadRequest, br.code, br.msg)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), m.opts.PlayTimeout)
	defer cancel()
	digest := req.digest()
	stored, owner, err := m.requests.begin(ctx, req.RequestID, digest)
	switch {
	case errors.Is(err, errRequestReused):
		m.refuse(w, http.StatusConflict, 0, CodeRequestIDReuse, "request_id was used for another request; make a new one per quick play")
		return
	case err != nil:
		m.unavailable(w, err)
		return
	case owner == "":
		plays.WithLabelValues("repeated").Inc()
		writeRaw(w, stored)
		return
	}
	answer, err := m.seat(ctx, req)
	if err != nil {
		if aerr := m.requests.abandon(context.WithoutCancel(ctx), req.RequestID, owner); aerr != nil {
			m.log.Error(aerr, "drop a failed request's record", "request_id", req.RequestID)
		}
		switch {
		case r.Context().Err() != nil:
			// The player hung up: nobody to answer, and no failure of ours.
			plays.WithLabelValues(resultGaveUp).Inc()
		case errors.Is(err, errNoRoom):
			m.refuse(w, http.StatusServiceUnavailable, 5, CodeNoRoom, "no room for this game, seats and rules can be had now; retry later")
		case ctx.Err() != nil && r.Context().Err() == nil:
			m.refuse(w, http.StatusServiceUnavailable, 1, CodeNoRoom, "no seat was found in time; retry with the same request_id")
		default:
			m.unavailable(w, err)
		}
		return
	}
	raw, _ := json.Marshal(answer)
	if err := m.requests.finish(context.WithoutCancel(ctx), req.RequestID, digest, raw); err != nil {
		// The player is seated; a retry would seat it again elsewhere.
		m.log.Error(err, "store a quick play's answer", "request_id", req.RequestID)
	}
	plays.WithLabelValues("seated").Inc()
	playLatency.Observe(time.Since(start).Seconds())
	writeRaw(w, raw)
}

func (m *Matchmaker) refuse(w http.ResponseWriter, status, retry int, code, msg string) {
	plays.WithLabelValues(code).Inc()
	if retry > 0 {
		httpjson.RefuseRetry(w, status, retry, code, msg)
		return
	}
	httpjson.Refuse(w, status, code, msg)
}

func (m *Matchmaker) unavailable(w http.ResponseWriter, err error) {
	if !errors.Is(err, context.Canceled) {
		m.log.Error(err, "quick play failed")
	}
	m.refuse(w, http.StatusServiceUnavailable, 2, CodeUnavailable, "the matchmaker could not seat you; retry with the same request_id")
}

func writeRaw(w http.ResponseWriter, raw []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(raw, '\n'))
}
