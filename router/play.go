package router

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/croupier-dev/croupier/roomcontract/httpjson"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Quick play is the matchmaker's (a role of its own, with write access to
// rooms); the router, read-only, only carries POST /v1/play to it.
const (
	CodePlayUnavailable = "quick_play_unavailable"
	maxPlayBody         = 4 << 10
	maxPlayAnswer       = 16 << 10
	// DefaultPlayTimeout bounds one forwarded quick play: it may wait for
	// a room's pod to start, and must outlast the matchmaker's own bound.
	DefaultPlayTimeout = 150 * time.Second
)

func newPlayClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// play forwards POST /v1/play to the matchmaker and adds the websocket
// path to a seat, as a join's answer has it.
func (r *Router) play(w http.ResponseWriter, req *http.Request) {
	if !r.postOriginAllowed(w, req) {
		r.metrics.joins.WithLabelValues("refused", CodeOriginNotAllowed).Inc()
		return
	}
	if r.opts.MatchmakerURL == "" {
		httpjson.Refuse(w, http.StatusServiceUnavailable, CodePlayUnavailable,
			"this platform runs no matchmaker: join a room by its link (the router's --matchmaker-url is not set)")
		return
	}
	if ok, wait := r.joins.allow(r.clientIP(req), r.opts.Now()); !ok {
		r.metrics.joins.WithLabelValues("refused", CodeTooManyJoins).Inc()
		httpjson.RefuseRetry(w, http.StatusTooManyRequests, int(math.Ceil(wait.Seconds())), CodeTooManyJoins,
			"too many joins from your address; retry later")
		return
	}
	body, err := httpjson.ReadBody(w, req, maxPlayBody, r.limits.HandshakeTimeout)
	if err != nil {
		httpjson.Refuse(w, http.StatusBadRequest, CodeBadRequest, "quick play body over 4 KiB, or not sent within "+r.limits.HandshakeTimeout.String())
		return
	}
	mmReq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, strings.TrimRight(r.opts.MatchmakerURL, "/")+"/v1/play", bytes.NewReader(body))
	if err != nil {
		r.playUnavailable(w, err)
		return
	}
	mmReq.Header.Set("Content-Type", "application/json")
	resp, err := r.playHTTP.Do(mmReq)
	if err != nil {
		r.playUnavailable(w, err)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxPlayAnswer+1))
	if err != nil || len(answer) > maxPlayAnswer {
		r.playUnavailable(w, err)
		return
	}
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
	var seat struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(answer, &fields) != nil || json.Unmarshal(answer, &seat) != nil ||
		len(validation.IsDNS1123Label(seat.Namespace)) > 0 || len(validation.IsDNS1123Subdomain(seat.Name)) > 0 {
		r.playUnavailable(w, nil)
		return
	}
	fields["ws"], _ = json.Marshal("/v1/rooms/" + roomKey(seat.Namespace, seat.Name) + "/ws")
	httpjson.Write(w, http.StatusOK, fields)
}

func (r *Router) playUnavailable(w http.ResponseWriter, err error) {
	if err != nil {
		r.log.V(1).Info("quick play: matchmaker unreachable", "error", err.Error())
	}
	httpjson.RefuseRetry(w, http.StatusServiceUnavailable, retryAfterSeconds, CodePlayUnavailable,
		"the matchmaker did not answer; retry with the same request_id")
}
