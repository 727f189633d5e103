package matchmaker

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Refusal codes of POST /v1/play (docs/PROTOCOL.md, section Router).
const (
	CodeBadRequest     = "bad_request"
	CodeBadGame        = "bad_game"
	CodeBadPlayers     = "bad_players"
	CodeBadRules       = "bad_rules"
	CodeBadName        = "bad_name"
	CodeRequestIDReuse = "request_id_reused"
	CodeNoRoom         = "no_room"
	CodeUnavailable    = "matchmaker_unavailable"
)

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Code: code, Message: msg})
}

func writeRetry(w http.ResponseWriter, status, seconds int, code, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	writeError(w, status, code, msg)
}
